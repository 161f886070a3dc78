// A theory's score distribution: all public groups, and each of the viewer's groups.
(function () {
  "use strict";
  const section = document.querySelector("[data-distribution-url]");
  if (!section) return;
  const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"];
  const SCORES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  function cell(text, numeric) {
    const td = document.createElement("td");
    if (numeric) td.className = "num";
    td.textContent = text;
    return td;
  }

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
      const shown = series.filter((s) => !s.hidden && s.n > 0);
      if (!window.Plotly || !shown.length) return;
      const traces = shown.map((s, i) => ({
        type: "bar", name: `${s.name} (n = ${s.n})`, x: SCORES,
        y: s.histogram.map((c) => (100 * c) / s.n),
        customdata: s.histogram.map((c) => [c, s.n]),
        hovertemplate: "score %{x}: %{customdata[0]} of %{customdata[1]} raters (%{y:.0f}%)<extra>%{fullData.name}</extra>",
        marker: { color: PALETTE[i % PALETTE.length] },
      }));
      window.Plotly.react(section.querySelector('[data-chart="distribution"]'), traces, {
        barmode: "group", height: 340, margin: { l: 60, r: 10, t: 10, b: 50 },
        xaxis: { title: { text: "Score" }, tickvals: SCORES, range: [0.5, 10.5] },
        yaxis: { title: { text: "Share of raters (%)" }, rangemode: "tozero" },
        legend: { orientation: "h", y: -0.25 },
      }, { responsive: true, displaylogo: false });
    })
    .catch(() => {});
})();
