// The projector view (issue 20): polls /api/v1/groups/<slug>/present/ every second and redraws
// in place; keys 1-4 (or the arrows) switch views, D toggles dark and light, F asks for full
// screen. What the API leaves out (the ranking while the group hides its results) is never drawn.
(function () {
  "use strict";
  const POLL_MS = 1000;
  const VIEWS = ["ranking", "controversial", "changes", "join"];
  const root = document.querySelector("[data-present-url]");
  if (!root) return;

  const fmt = (v, d) => (v === null || v === undefined ? "–" : Number(v).toFixed(d));
  const q = (sel) => root.querySelector(sel);
  const qa = (sel) => root.querySelectorAll(sel);
  const verb = (n) => (n === 1 ? "has" : "have");

  function show(name) {
    root.dataset.view = name;
    qa("[data-view-name]").forEach((el) => { el.hidden = el.dataset.viewName !== name; });
  }

  function item(parts) {
    const li = document.createElement("li");
    parts.forEach(([cls, text]) => {
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = text;
      li.append(span, " ");
    });
    return li;
  }

  function rankText(row) {
    const range = row.rank_interval ? ` (${row.rank_interval[0]}–${row.rank_interval[1]})` : "";
    return `${row.rank}${range}`;
  }

  function fill(name, rows, build) {
    const list = q(`[data-list="${name}"]`);
    const empty = q(`[data-empty="${name}"]`);
    list.replaceChildren(...(rows || []).map(build));
    if (empty) empty.hidden = rows === null || rows.length > 0;
  }

  function render(data) {
    const p = data.progress;
    q('[data-field="progress"]').textContent = `${p.rated} of ${p.total} ${verb(p.total)} rated.`;
    q('[data-field="round"]').textContent = `Round ${p.round}${p.ratings_open ? " is open" : " · ratings closed"}.`;
    const waiting = (p.people || []).filter((x) => x.is_member && !x.rated_in_round).map((x) => x.name);
    q('[data-field="waiting"]').textContent = waiting.length ? `Still to rate: ${waiting.join(", ")}` : "Everyone has rated in this round.";
    qa("[data-hidden-note]").forEach((el) => { el.hidden = !data.hidden; });
    qa(".present-hint").forEach((el) => { el.hidden = data.hidden; });
    fill("ranking", data.ranking, (r) => item([["p-rank", rankText(r)], ["p-title", `${r.theory.number}. ${r.theory.title}`], ["p-score", `${fmt(r.mean, 1)} (n = ${r.n})`]]));
    fill("controversial", data.controversial, (r) => item([["p-rank", fmt(r.controversy, 1)], ["p-title", `${r.theory.number}. ${r.theory.title}`], ["p-score", `mean ${fmt(r.mean, 1)} (n = ${r.n})`]]));
    const changes = data.changes;
    q('[data-list="change-sentences"]').replaceChildren(...(changes ? changes.sentences : []).map((s) => item([["p-sentence", s]])));
    fill("changes", changes ? changes.rows : (data.hidden ? null : []), (r) => item([["p-rank", `${r.moved} of ${r.pairs} moved`], ["p-title", `${r.theory.number}. ${r.theory.title}`], ["p-score", `${fmt(r.mean_from, 1)} → ${fmt(r.mean_to, 1)}`]]));
    q("[data-join-aside]").hidden = !p.ratings_open;
    q("[data-join-row]").hidden = !p.ratings_open;
    q("[data-closed-note]").hidden = p.ratings_open;
    root.dataset.version = String((Number(root.dataset.version) || 0) + 1);
  }

  async function poll() {
    try {
      const response = await fetch(root.dataset.presentUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) render(await response.json());
    } catch (err) {
      // A moment offline: keep the wall as it is and try again.
    }
    window.setTimeout(poll, POLL_MS);
  }

  function dark() {
    const theme = document.documentElement.dataset.theme;
    if (theme) return theme === "dark";
    return window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const current = VIEWS.indexOf(root.dataset.view);
    if (/^[1-4]$/.test(event.key)) show(VIEWS[Number(event.key) - 1]);
    else if (event.key === "ArrowRight") show(VIEWS[(current + 1) % VIEWS.length]);
    else if (event.key === "ArrowLeft") show(VIEWS[(current + VIEWS.length - 1) % VIEWS.length]);
    else if (event.key === "d" || event.key === "D") document.documentElement.dataset.theme = dark() ? "light" : "dark";
    else if ((event.key === "f" || event.key === "F") && document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(() => {});
    } else return;
    event.preventDefault();
  });
  show("ranking");
  poll();
})();
