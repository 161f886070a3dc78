// What the page scripts share (loaded before them, deferred like them, so it runs first):
// a table cell, and plotly.js loaded after the first paint. window.ImpactBoard holds them.
(function () {
  "use strict";
  const shared = (window.ImpactBoard = window.ImpactBoard || {});

  // A <td> with `text` (never HTML); `numeric` right-aligns it (class "num").
  shared.cell = function (text, numeric) {
    const td = document.createElement("td");
    if (numeric) td.className = "num";
    td.textContent = text;
    return td;
  };

  // Resolves once plotly.js has run (issue 24). The page script loads it only after the first
  // paint (the table and the server's static drawing, svg.chart-static): started with the page
  // it took the bandwidth the stylesheet needed on a slow line, and from the cache its 1.2 MB
  // held that paint back by seconds on a slow phone. The page's [data-plotly] names the file.
  shared.plotlyAfterPaint = function () {
    return new Promise((resolve) => {
      if (window.Plotly) return resolve(window.Plotly);
      const holder = document.querySelector("[data-plotly]");
      if (!holder) return;
      window.requestAnimationFrame(() => window.setTimeout(() => {
        const script = document.createElement("script");
        script.src = holder.dataset.plotly;
        script.addEventListener("load", () => resolve(window.Plotly));
        document.head.append(script);
      }, 0));
    });
  };
})();
