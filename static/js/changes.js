// The changes view: draws the slope chart of the theory chosen in the select (figures built on
// the server with plotly, embedded with json_script), and redraws it in place on a new choice.
// plotly.js is fetched after the page has painted (issue 24): the table, the select and the
// summary never wait for it.
(function () {
  "use strict";
  const data = document.getElementById("slope-figures");
  const select = document.querySelector("[data-slope-select]");
  const box = document.querySelector("[data-slope-chart]");
  if (!data || !select || !box) return;
  const figures = new Map(JSON.parse(data.textContent).map((f) => [String(f.id), f.figure]));
  const config = { responsive: true, displayModeBar: false };
  const plotly = window.ImpactBoard.plotlyAfterPaint(); // static/js/shared.js ([data-plotly])
  function draw() {
    const figure = figures.get(select.value);
    if (!figure) return;
    plotly.then((Plotly) => {
      box.querySelectorAll(".chart-loading").forEach((note) => note.remove());
      Plotly.react(box, figure.data, figure.layout, config);
    });
  }
  select.addEventListener("change", draw);
  draw();
})();
