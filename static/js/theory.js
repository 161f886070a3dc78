// A theory's score distribution: all public groups, and each of the viewer's groups.
(function () {
  "use strict";
  const section = document.querySelector("[data-distribution-url]");
  if (!section) return;

  const cell = window.ImpactBoard.cell; // static/js/shared.js

  fetch(section.dataset.distributionUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then((r) => r.json())
    .then((data) => {
      const series = [{ name: "All public groups", ...data.all_public }].concat(
        data.groups.map((g) => ({ name: g.name, hidden: g.hidden, n: g.n, mean: g.mean, histogram: g.histogram })),
      );
      const tbody = section.querySelector('[data-table="distribution"] tbody');
      tbody.replaceChildren(...series.map((s) => {
        const tr = document.createElement("tr");
        if (s.hidden) {
          const td = cell("hidden until you have rated in this group");
          td.colSpan = 12;
          tr.append(cell(s.name), td);
        } else {
          tr.append(cell(s.name), ...s.histogram.map((c) => cell(String(c), true)), cell(String(s.n), true),
            cell(s.mean === null ? "–" : Number(s.mean).toFixed(2), true));
        }
        return tr;
      }));
    })
    .catch(() => {});

  // plotly.js after the first paint (static/js/shared.js).
  const plotly = window.ImpactBoard.plotlyAfterPaint();

  // The chart is built in Python (charts/figures.py): `shared` layout and config, and the
  // figure's own part; the page only draws it.
  fetch(section.dataset.figureUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then((r) => r.json())
    .then((answer) => {
      const el = section.querySelector('[data-chart="distribution"]');
      if (!answer.figure) return;
      const figure = answer.figure;
      section.querySelector('[data-chart-note="distribution"]').textContent = figure.message || "";
      if (figure.empty) {
        el.hidden = true; // nobody rated it: the message says so, an empty plot would not
        return;
      }
      const shared = answer.shared || {};
      plotly.then((Plotly) => {
        let layout = Object.assign({}, shared.layout, figure.layout);
        if (el.clientWidth < 560) layout = Object.assign(layout, figure.narrow);
        el.querySelectorAll(".chart-static").forEach((svg) => svg.remove());
        Plotly.react(el, figure.data, layout, shared.config);
      });
    })
    .catch(() => {});
})();
