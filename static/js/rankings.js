// Live rankings: polls the rankings API with If-None-Match every second (a poll that finds
// nothing new is a 304 answered from the cache), redraws the table and the Plotly charts in
// place (Plotly.react with a fixed uirevision, so zoom and hover survive), and shows a pulse
// with the number of new ratings when something changed.
(function () {
  "use strict";
  const POLL_MS = 1000;
  const COMPARE_MS = 5000;
  // Okabe-Ito: distinguishable with the common colour-vision deficiencies.
  const BLUE = "#0072B2", ORANGE = "#E69F00", GREY = "#BBBBBB", VERMILLION = "#D55E00";
  const CONFIG = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["lasso2d", "select2d"] };

  const fmt = (v, d) => (v === null || v === undefined ? "–" : Number(v).toFixed(d));
  const label = (row) => `${row.theory.number}. ${row.theory.title}`;
  const short = (text, max) => (text.length > max ? text.slice(0, max - 1) + "…" : text);

  function cell(text, numeric) {
    const td = document.createElement("td");
    if (numeric) td.className = "num";
    td.textContent = text;
    return td;
  }

  // "3 (1–6)": the rank and the range of places it could plausibly hold (issue 13).
  function rankCell(row) {
    const td = cell(String(row.rank));
    if (row.rank_interval) {
      const range = document.createElement("span");
      range.className = "rank-interval";
      range.textContent = `(${row.rank_interval[0]}–${row.rank_interval[1]})`;
      td.append(" ", range);
    }
    return td;
  }

  // Split / spread / consensus as a small label, with the counts behind it in words.
  function patternCell(row) {
    const td = cell("");
    td.className = "pattern";
    (row.flags || []).forEach((flag) => {
      const label = document.createElement("span");
      label.className = `flag flag-${flag}`;
      label.textContent = flag;
      const words = document.createElement("span");
      words.className = "flag-words";
      words.textContent = row.in_words || "";
      td.append(label, " ", words);
    });
    return td;
  }

  function renderUncertainty(root, summary) {
    const tiers = root.querySelector('[data-field="tier-sentence"]');
    if (tiers && summary.tier_sentence !== undefined) tiers.textContent = summary.tier_sentence;
    const w = root.querySelector('[data-field="kendall-w"]');
    if (w && summary.kendall_w) {
      const k = summary.kendall_w;
      w.textContent = (k.value === null ? "" : `Kendall's W = ${fmt(k.value, 2)} (n = ${k.n_raters} raters). `) + k.reading;
    }
    const refs = root.querySelector('[data-field="references"]');
    if (refs && summary.references) {
      refs.replaceChildren(...summary.references.map((ref) => {
        const li = document.createElement("li");
        li.dataset.reference = ref.key;
        li.append(ref.sentence + " ");
        if (ref.kendall_tau_b !== null) {
          const detail = document.createElement("span");
          detail.className = "hint";
          const ci = ref.kendall_tau_b_interval;
          detail.textContent = `Kendall's τ-b = ${fmt(ref.kendall_tau_b, 2)}` +
            (ci ? ` (95%: ${fmt(ci[0], 2)} to ${fmt(ci[1], 2)})` : "") +
            `, rank-biased overlap ${fmt(ref.rbo, 2)}, over n = ${ref.n} theories.`;
          li.append(detail);
        }
        return li;
      }));
    }
  }

  function renderTable(root, data, highlight) {
    const tbody = root.querySelector(".ranking-table tbody");
    if (!tbody) return;
    const old = new Map();
    tbody.querySelectorAll("tr").forEach((tr) => old.set(tr.dataset.theory, tr.dataset.sig));
    const rows = data.results.map((row) => {
      const tr = document.createElement("tr");
      tr.dataset.theory = String(row.theory.id);
      tr.dataset.sig = [row.rank, row.n, row.mean].join("|");
      if (row.n === 0) tr.classList.add("unrated");
      if (row.thin && row.n > 0) tr.classList.add("thin");
      if (highlight && old.get(tr.dataset.theory) !== tr.dataset.sig) tr.classList.add("changed");
      const title = document.createElement("td");
      const num = document.createElement("span");
      num.className = "theory-number";
      num.textContent = row.theory.number + ".";
      title.append(num, " " + row.theory.title);
      if (row.tier) tr.dataset.tier = String(row.tier);
      tr.append(
        rankCell(row), title, cell(String(row.n), true), cell(fmt(row.mean, 2), true),
        cell(fmt(row.median, 1), true), cell(fmt(row.stdev, 2), true),
        cell(fmt(row.controversy, 2), true), patternCell(row),
      );
      return tr;
    });
    tbody.replaceChildren(...rows);
  }

  function renderMeta(root, data) {
    const raters = root.querySelector('[data-field="raters"]');
    if (raters) raters.textContent = String(data.raters);
    const time = root.querySelector('[data-field="computed_at"]');
    if (time && data.computed_at) {
      time.dateTime = data.computed_at;
      time.textContent = new Date(data.computed_at).toLocaleString();
    }
    const summary = data.summary || {};
    const notable = root.querySelector('[data-field="notable"]');
    if (notable) {
      const n = summary.most_controversial_highly_rated;
      notable.textContent = n ? n.sentence : "";
    }
    const agreement = root.querySelector('[data-field="agreement"]');
    if (agreement && summary.agreement) {
      const a = summary.agreement;
      agreement.textContent = a.value === null
        ? "not enough ratings yet."
        : `${a.method} = ${fmt(a.value, 2)}${a.n ? ` (n = ${a.n} ratings)` : ""}. ${a.reading}`;
    }
    renderUncertainty(root, summary);
    const hist = root.querySelector('[data-table="histograms"] tbody');
    if (hist) {
      hist.replaceChildren(...data.results.map((row) => {
        const tr = document.createElement("tr");
        tr.append(cell(label(row)), ...row.histogram.map((c) => cell(String(c), true)), cell(String(row.n), true));
        return tr;
      }));
    }
  }

  function draw(root, name, traces, layout) {
    const el = root.querySelector(`[data-chart="${name}"]`);
    if (!el || !window.Plotly) return;
    const base = {
      uirevision: "keep", // keeps the viewer's zoom and pan across redraws
      margin: { l: 10, r: 10, t: 10, b: 50 },
      font: { family: "system-ui, sans-serif", size: 12 },
      paper_bgcolor: "#fff", plot_bgcolor: "#fff",
    };
    window.Plotly.react(el, traces, Object.assign(base, layout), CONFIG);
  }

  function renderCharts(root, data) {
    const rows = data.results;
    // On a phone the axis shows theory numbers only; hover and the table give the titles.
    const narrow = root.clientWidth < 560;
    const names = rows.map((r) => (narrow ? `#${r.theory.number}` : short(label(r), 38)));
    const height = Math.max(320, rows.length * 26 + 80);
    draw(root, "bars", [{
      type: "bar", orientation: "h", y: names, x: rows.map((r) => r.mean),
      error_x: {
        type: "data", symmetric: false, color: "#333",
        array: rows.map((r) => (r.ci_high === null ? 0 : r.ci_high - r.mean)),
        arrayminus: rows.map((r) => (r.ci_low === null ? 0 : r.mean - r.ci_low)),
      },
      marker: {
        color: rows.map((r) => (r.thin ? GREY : BLUE)),
        pattern: { shape: rows.map((r) => (r.thin ? "/" : "")), fgcolor: "#555" },
      },
      text: rows.map((r) => `n = ${r.n} of ${data.raters}${r.thin && r.n ? " · thin" : ""}`),
      textposition: "inside", insidetextanchor: "start",
      textfont: { color: rows.map((r) => (r.thin ? "#1b1f24" : "#fff")) },
      constraintext: "none", cliponaxis: false,
      customdata: rows.map((r) => [r.n, data.raters, fmt(r.ci_low, 2), fmt(r.ci_high, 2)]),
      hovertemplate: "%{y}<br>mean %{x:.2f} (95%: %{customdata[2]}–%{customdata[3]})<br>n = %{customdata[0]} of %{customdata[1]} raters<extra></extra>",
    }], {
      height, xaxis: { range: [0, 11.5], title: { text: "Mean rating (scale 1–10)" }, tickvals: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], zeroline: false },
      yaxis: { autorange: "reversed", automargin: true },
    });
    draw(root, "heatmap", [{
      type: "heatmap", z: rows.map((r) => r.histogram), x: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], y: names,
      // White for nobody, then single-hue blues: readable with any colour vision.
      colorscale: [[0, "#ffffff"], [0.0001, "#deebf7"], [0.5, "#6baed6"], [1, "#08306b"]], zmin: 0,
      text: rows.map((r) => r.histogram.map((c) => (c ? String(c) : ""))), texttemplate: "%{text}",
      customdata: rows.map((r) => r.histogram.map(() => r.n)),
      hovertemplate: "%{y}<br>score %{x}: %{z} of %{customdata} raters<extra></extra>",
      colorbar: { title: { text: "raters" }, thickness: 12 },
    }], {
      height, xaxis: { title: { text: "Score" }, dtick: 1, side: "bottom" },
      yaxis: { autorange: "reversed", automargin: true },
    });
    const rated = rows.filter((r) => r.n >= 2);
    const notable = (data.summary || {}).most_controversial_highly_rated;
    const maxC = Math.max(3, ...rated.map((r) => r.controversy + 0.5));
    draw(root, "scatter", [{
      type: "scatter", mode: "markers+text", x: rated.map((r) => r.mean), y: rated.map((r) => r.controversy),
      text: rated.map((r) => String(r.theory.number)), textposition: "top center",
      marker: {
        size: rated.map((r) => 10 + Math.min(20, r.n)),
        color: rated.map((r) => (notable && notable.theory.id === r.theory.id ? VERMILLION : r.thin ? GREY : BLUE)),
        line: { color: "#333", width: 1 },
      },
      customdata: rated.map((r) => [label(r), r.n]),
      hovertemplate: "%{customdata[0]}<br>mean %{x:.2f}, controversy %{y:.2f}<br>n = %{customdata[1]}<extra></extra>",
    }], {
      height: 380,
      xaxis: { range: [0.5, 10.5], title: { text: "Mean rating (1–10)" }, dtick: 1 },
      yaxis: { range: [0, maxC], title: { text: "Controversy (points)" }, automargin: true },
      margin: { l: 60, r: 10, t: 10, b: 50 },
    });
  }

  function renderCompare(root, data) {
    const tau = root.querySelector('[data-field="tau"]');
    const both = data.results.filter((r) => r.group_rank !== null && r.global_rank !== null);
    if (tau) {
      const c = data.rank_correlation;
      tau.textContent = c && c.value !== null
        ? `Kendall's tau-b between this group's and all public groups' means: ${fmt(c.value, 2)} over ${c.pairs} theories (1 = same order, 0 = unrelated, −1 = reversed).`
        : "Rank correlation appears once at least two theories are rated here and elsewhere.";
    }
    const tbody = root.querySelector('[data-table="compare"] tbody');
    if (tbody) {
      tbody.replaceChildren(...data.results.map((r) => {
        const tr = document.createElement("tr");
        tr.append(cell(`${r.theory.number}. ${r.theory.title}`), cell(r.group_rank === null ? "–" : String(r.group_rank), true),
          cell(r.global_rank === null ? "–" : String(r.global_rank), true));
        return tr;
      }));
    }
    const top = Math.max(2, ...both.map((r) => Math.max(r.group_rank, r.global_rank))) + 1;
    draw(root, "compare", [
      { type: "scatter", mode: "lines", x: [0, top], y: [0, top], line: { dash: "dot", color: "#999" }, hoverinfo: "skip", showlegend: false },
      {
        type: "scatter", mode: "markers+text", x: both.map((r) => r.global_rank), y: both.map((r) => r.group_rank),
        text: both.map((r) => String(r.theory.number)), textposition: "middle right", showlegend: false,
        marker: { size: 12, color: ORANGE, line: { color: "#333", width: 1 } },
        customdata: both.map((r) => `${r.theory.number}. ${r.theory.title}`),
        hovertemplate: "%{customdata}<br>rank here %{y}, in all public groups %{x}<extra></extra>",
      },
    ], {
      height: 380, margin: { l: 60, r: 10, t: 10, b: 50 },
      xaxis: { range: [top, 0], title: { text: "Rank in all public groups" }, dtick: 2 },
      yaxis: { range: [top, 0], title: { text: "Rank in this group" }, dtick: 2 },
    });
  }

  function pulse(root, previous, data) {
    const el = root.querySelector("[data-pulse]");
    if (!el || !previous) return;
    const before = previous.results.reduce((s, r) => s + r.n, 0);
    const after = data.results.reduce((s, r) => s + r.n, 0);
    const diff = after - before;
    el.textContent = diff > 0 ? `+${diff} new rating${diff === 1 ? "" : "s"}` : "updated";
    el.hidden = false;
    el.classList.remove("pulsing");
    void el.offsetWidth; // restart the animation
    el.classList.add("pulsing");
  }

  function poller(url, interval, onData) {
    let etag = null;
    async function poll() {
      try {
        const headers = { Accept: "application/json" };
        if (etag) headers["If-None-Match"] = etag;
        const response = await fetch(url, { headers, credentials: "same-origin" });
        if (response.status === 200) {
          etag = response.headers.get("ETag");
          onData(await response.json());
        }
      } catch (err) {
        // Offline for a moment: keep showing the last data and try again.
      }
      window.setTimeout(poll, interval);
    }
    poll();
  }

  document.querySelectorAll("[data-rankings-url]").forEach((table) => {
    const root = table.closest("[data-dashboard]") || table.parentElement;
    let previous = null;
    poller(table.dataset.rankingsUrl, POLL_MS, (data) => {
      if (data.hidden) return;
      renderTable(root, data, previous !== null);
      renderMeta(root, data);
      renderCharts(root, data);
      pulse(root, previous, data);
      previous = data;
    });
  });
  document.querySelectorAll("[data-compare-url]").forEach((section) => {
    poller(section.dataset.compareUrl, COMPARE_MS, (data) => {
      if (!data.hidden) renderCompare(section, data);
    });
  });
})();
