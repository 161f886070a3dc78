// Keeps a ranking table live: polls the rankings API with If-None-Match every 2 seconds, so a
// poll that finds nothing new is a cheap 304, and redraws rows in place when the ranking changes.
(function () {
  "use strict";
  const POLL_MS = 2000;

  function fmt(value, digits) {
    return value === null || value === undefined ? "–" : Number(value).toFixed(digits);
  }

  function cell(text, numeric) {
    const td = document.createElement("td");
    if (numeric) td.className = "num";
    td.textContent = text;
    return td;
  }

  function render(container, data, highlight) {
    const tbody = container.querySelector("tbody");
    const old = new Map();
    tbody.querySelectorAll("tr").forEach((tr) => old.set(tr.dataset.theory, tr.dataset.sig));
    const rows = data.results.map((row) => {
      const tr = document.createElement("tr");
      tr.dataset.theory = String(row.theory.id);
      tr.dataset.sig = [row.rank, row.n, row.mean].join("|");
      if (row.n === 0) tr.classList.add("unrated");
      if (highlight && old.get(tr.dataset.theory) !== tr.dataset.sig) tr.classList.add("changed");
      const title = document.createElement("td");
      const num = document.createElement("span");
      num.className = "theory-number";
      num.textContent = row.theory.number + ".";
      title.append(num, " " + row.theory.title);
      tr.append(
        cell(String(row.rank)), title, cell(String(row.n), true), cell(fmt(row.mean, 2), true),
        cell(fmt(row.median, 1), true), cell(fmt(row.stdev, 2), true),
        cell(fmt(row.controversy, 2), true),
      );
      return tr;
    });
    tbody.replaceChildren(...rows);
    container.querySelector('[data-field="raters"]').textContent = String(data.raters);
    const time = container.querySelector('[data-field="computed_at"]');
    if (data.computed_at) {
      time.dateTime = data.computed_at;
      time.textContent = new Date(data.computed_at).toLocaleString();
    }
  }

  function watch(container) {
    const url = container.dataset.rankingsUrl;
    let etag = null;
    async function poll() {
      try {
        const headers = { Accept: "application/json" };
        if (etag) headers["If-None-Match"] = etag;
        const response = await fetch(url, { headers, credentials: "same-origin" });
        if (response.status === 200) {
          // The first answer redraws what the server rendered; later ones flash what changed.
          const highlight = etag !== null;
          etag = response.headers.get("ETag");
          render(container, await response.json(), highlight);
        }
      } catch (err) {
        // Offline for a moment: keep showing the last ranking and try again.
      }
      window.setTimeout(poll, POLL_MS);
    }
    poll();
  }

  document.querySelectorAll("[data-rankings-url]").forEach(watch);
})();
