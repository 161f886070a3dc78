// The group page's live progress (issue 20): polls the progress API every second and redraws
// "k of N have rated", the round's "r of M members have rated in this round" and, for
// facilitators, who has rated in this round and who has not (by the names people gave). The
// sentences are the server's (templates/ratings/_console.html), rebuilt here word for word.
(function () {
  "use strict";
  const POLL_MS = 1000;
  const root = document.querySelector("[data-progress-url]");
  if (!root) return;
  const url = root.dataset.progressUrl;

  const verb = (n) => (n === 1 ? "has" : "have");
  const SENTENCES = {
    rated: (d) => `${d.rated} of ${d.total} ${verb(d.total)} rated.`,
    round: (d) => `${d.round_raters} of ${d.members} member${d.members === 1 ? "" : "s"} ` +
      `${verb(d.members)} ${d.round > 1 ? "re-rated" : "rated"} in this round.`,
  };

  function names(people) {
    if (!people.length) {
      const none = document.createElement("span");
      none.className = "hint";
      none.textContent = "nobody";
      return [none];
    }
    return people.map((p) => {
      const span = document.createElement("span");
      span.className = "person";
      span.textContent = p.name;
      return span;
    });
  }

  function render(data) {
    document.querySelectorAll("[data-progress-sentence]").forEach((el) => {
      const build = SENTENCES[el.dataset.progressSentence];
      if (build) el.textContent = build(data);
    });
    if (!data.people) return;
    const rated = document.querySelector('[data-people="rated"]');
    const waiting = document.querySelector('[data-people="waiting"]');
    if (rated) rated.replaceChildren(...names(data.people.filter((p) => p.rated_in_round)));
    if (waiting) waiting.replaceChildren(...names(data.people.filter((p) => !p.rated_in_round && p.is_member)));
  }

  async function poll() {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) render(await response.json());
    } catch (err) {
      // Offline for a moment: keep the last counts and try again.
    }
    window.setTimeout(poll, POLL_MS);
  }
  poll();
})();
