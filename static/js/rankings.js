// Live rankings: polls the rankings API with If-None-Match every second (a poll that finds
// nothing new is a 304 answered from the cache), redraws the table in place and, when the
// ranking changed, fetches its figures (built in Python, charts/figures.py; same ETag rules)
// and draws them with Plotly.react (their fixed uirevision keeps zoom and hover), and shows a
// pulse with the number of new ratings.
(function () {
  "use strict";
  const POLL_MS = 1000;
  const COMPARE_MS = 5000;
  const NARROW_PX = 560; // below this the figures' `narrow` layout applies (charts/figures.py)

  const fmt = (v, d) => (v === null || v === undefined ? "–" : Number(v).toFixed(d));
  const label = (row) => `${row.theory.number}. ${row.theory.title}`;
  // The ranking table's columns, as the page drew them (ratings/ranking_columns.py: the same
  // list for the page, this script and the CSV export).
  const columnList = document.getElementById("ranking-columns");
  const COLUMNS = columnList ? JSON.parse(columnList.textContent) : [];

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

  function theoryCell(row) {
    const td = document.createElement("td");
    const num = document.createElement("span");
    num.className = "theory-number";
    num.textContent = row.theory.number + ".";
    td.append(num, " " + row.theory.title);
    return td;
  }

  // One cell of `row` as the column says (its kind, its decimals).
  function columnCell(row, column) {
    if (column.kind === "rank") return rankCell(row);
    if (column.kind === "theory") return theoryCell(row);
    if (column.kind === "pattern") return patternCell(row);
    const value = row[column.key];
    return cell(column.digits === null ? String(value) : fmt(value, column.digits), true);
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
      if (row.tier) tr.dataset.tier = String(row.tier);
      tr.append(...COLUMNS.map((column) => columnCell(row, column)));
      return tr;
    });
    tbody.replaceChildren(...rows);
  }

  function renderMeta(root, data) {
    const raters = root.querySelector('[data-field="raters"]');
    if (raters) raters.textContent = String(data.raters);
    const groups = root.querySelector('[data-field="groups"]');
    if (groups && data.groups !== undefined) groups.textContent = String(data.groups);
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

  // Deep merge for the phone overrides the server sends with each figure (arrays replaced).
  function merge(base, over) {
    const out = Object.assign({}, base);
    Object.keys(over || {}).forEach((key) => {
      const value = over[key];
      out[key] = value && typeof value === "object" && !Array.isArray(value) && base[key]
        ? merge(base[key], value) : value;
    });
    return out;
  }

  // The figures come built from the API (charts/figures.py): axes, order and labels are decided
  // there; the page only picks the phone layout and draws in place (Plotly.react keeps the
  // viewer's zoom through the figures' uirevision).
  function drawFigure(root, name, figure) {
    const el = root.querySelector(`[data-chart="${name}"]`);
    if (!el || !window.Plotly || !figure) return;
    const narrow = el.clientWidth < NARROW_PX;
    const layout = narrow ? merge(figure.layout, figure.narrow) : figure.layout;
    el.classList.toggle("chart-empty", Boolean(figure.empty));
    window.Plotly.react(el, figure.data, layout, figure.config);
    const note = root.querySelector(`[data-chart-note="${name}"]`);
    if (note) note.textContent = figure.message || "";
  }

  function renderCompareTable(root, data) {
    const tau = root.querySelector('[data-field="tau"]');
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
          await onData(await response.json());
        }
      } catch (err) {
        // Offline for a moment: keep showing the last data and try again.
      }
      window.setTimeout(poll, interval);
    }
    poll();
  }

  // One GET with If-None-Match; calls onData only on a 200 (a 304 means nothing new).
  function conditionalGet(url) {
    let etag = null;
    return async function (onData) {
      const headers = { Accept: "application/json" };
      if (etag) headers["If-None-Match"] = etag;
      const response = await fetch(url, { headers, credentials: "same-origin" });
      if (response.status === 200) {
        etag = response.headers.get("ETag");
        onData(await response.json());
      }
    };
  }

  // The figures of the ranking just fetched (null when unchanged, hidden or unreachable).
  function figuresOf(root) {
    const charts = root.querySelector("[data-figures-url]");
    if (!charts) return async () => null;
    const get = conditionalGet(charts.dataset.figuresUrl);
    return async () => {
      let figures = null;
      try {
        await get((answer) => { if (!answer.hidden) figures = answer.figures; });
      } catch (err) {
        // Keep the charts drawn; the table still updates.
      }
      return figures;
    };
  }

  document.querySelectorAll("[data-rankings-url]").forEach((table) => {
    const root = table.closest("[data-dashboard]") || table.parentElement;
    const fetchFigures = figuresOf(root);
    // The first figures are asked for at once, beside the first poll, not a round trip after it.
    let pending = fetchFigures();
    let previous = null;
    poller(table.dataset.rankingsUrl, POLL_MS, async (data) => {
      if (data.hidden) return;
      // The ranking changed, so did its figures: fetch them first so that the table and the
      // charts change together.
      const first = pending !== null;
      const figures = await (pending || fetchFigures());
      pending = null;
      if (first) {
        // The early figures may predate this ranking by one recompute: a conditional GET
        // (a 304 when they match) settles it.
        fetchFigures().then((newer) => {
          if (newer) Object.entries(newer).forEach(([name, figure]) => drawFigure(root, name, figure));
        });
      }
      renderTable(root, data, previous !== null);
      renderMeta(root, data);
      if (figures) Object.entries(figures).forEach(([name, figure]) => drawFigure(root, name, figure));
      pulse(root, previous, data);
      previous = data;
    });
  });
  document.querySelectorAll("[data-compare-url]").forEach((section) => {
    const figure = conditionalGet(section.dataset.compareFigureUrl);
    poller(section.dataset.compareUrl, COMPARE_MS, (data) => {
      if (data.hidden) return;
      renderCompareTable(section, data);
      figure((answer) => { if (!answer.hidden) drawFigure(section, "compare", answer.figure); }).catch(() => {});
    });
  });
})();
