// Live rankings: where the page offers it, the ranking's events stream pushes every new version
// (see liveStream below); otherwise, and whenever the stream fails, this polls the rankings API
// with If-None-Match (a poll that finds nothing new is a 304 answered from the cache). Either
// way it redraws the table in place and, when the ranking changed, draws its figures (built in
// Python, charts/figures.py; pushed with it, or fetched with the same ETag rules) with
// Plotly.react (their fixed uirevision keeps zoom and hover), and shows a pulse with the number
// of new ratings.
//
// Polling costs what it is worth (issue 24): every second while the ranking keeps changing;
// after POLL_IDLE_POLLS answers in a row with nothing new the wait doubles, up to POLL_MAX_MS;
// none at all while the tab is hidden; at once, and back to every second, when the tab is shown
// again or the window gets the focus.
//
// Nothing waits for plotly.js (see `plotly` below): until it has run a chart box shows the
// server's static drawing (svg.chart-static, charts/svg.py), and figures that came first are
// drawn then.
(function () {
  "use strict";
  const POLL_MS = 1000;
  const POLL_IDLE_POLLS = 10; // 10 s of 1 s polls with nothing new before slowing down
  const POLL_MAX_MS = 30000;
  const COMPARE_MS = 5000;
  const NARROW_PX = 560; // below this the figures' `narrow` layout applies (charts/figures.py)

  const fmt = (v, d) => (v === null || v === undefined ? "–" : Number(v).toFixed(d));
  const label = (row) => `${row.theory.number}. ${row.theory.title}`;
  // The ranking table's columns, as the page drew them (ratings/ranking_columns.py: the same
  // list for the page, this script and the CSV export).
  const columnList = document.getElementById("ranking-columns");
  const COLUMNS = columnList ? JSON.parse(columnList.textContent) : [];

  const cell = window.ImpactBoard.cell; // static/js/shared.js

  // "3 (1–6)": the rank and the range of places it could plausibly hold (issue 13).
  function rankCell(row) {
    const td = cell(row.n ? String(row.rank) : "–"); // nobody rated it: no place to state
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

  // The theory's name, linked to its page when the page gave its address (`urls`, by id).
  function theoryCell(row, urls) {
    const td = document.createElement("td");
    const num = document.createElement("span");
    num.className = "theory-number";
    num.textContent = row.theory.number + ".";
    const href = urls[String(row.theory.id)];
    if (href) {
      const link = document.createElement("a");
      link.href = href;
      link.textContent = row.theory.title;
      td.append(num, " ", link);
    } else {
      td.append(num, " " + row.theory.title);
    }
    return td;
  }

  // "3 of 12": how many of the ranking's raters rated it (issue 22); fewer than half is marked.
  function coverageCell(row, raters) {
    const td = cell(raters ? `${row.n} of ${raters}` : "–", true);
    td.classList.add("coverage");
    if (raters && 2 * row.n < raters) td.classList.add("low-coverage");
    return td;
  }

  // The adjusted score with its interval, "not connected" where the design says so, else "–".
  function adjustedCell(row, digits) {
    const td = cell("", true);
    td.classList.add("adjusted");
    const a = row.adjusted;
    if (a) {
      td.textContent = fmt(a.score, digits);
      if (a.interval) {
        const range = document.createElement("span");
        range.className = "adjusted-interval";
        range.textContent = `(${fmt(a.interval[0], digits)}–${fmt(a.interval[1], digits)})`;
        td.append(" ", range);
      }
    } else if (row.adjusted_note && row.adjusted_note.includes("not connected")) {
      const note = document.createElement("span");
      note.className = "not-connected";
      note.title = row.adjusted_note;
      note.textContent = "not connected";
      td.append(note);
    } else {
      td.textContent = "–";
    }
    return td;
  }

  // One cell of `row` as the column says (its kind, its decimals); `raters`: the ranking's.
  function columnCell(row, column, urls, raters) {
    if (column.kind === "rank") return rankCell(row);
    if (column.kind === "theory") return theoryCell(row, urls);
    if (column.kind === "pattern") return patternCell(row);
    if (column.kind === "coverage") return coverageCell(row, raters);
    if (column.kind === "adjusted") return adjustedCell(row, column.digits);
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
    // Each theory's page, by id (a json_script the group page writes; none on other pages).
    const holder = root.querySelector("[data-theory-urls]");
    const source = holder && document.getElementById(holder.dataset.theoryUrls);
    const urls = source ? JSON.parse(source.textContent) : {};
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
      tr.append(...COLUMNS.map((column) => columnCell(row, column, urls, data.raters)));
      return tr;
    });
    tbody.replaceChildren(...rows);
  }

  // The facilitator's alert (the console, above the ranking): the items fewer than half the
  // raters rated, "rated by k of n" (issue 22; the server draws it first, the same way).
  function renderCoverageAlerts(data) {
    const box = document.querySelector("[data-coverage-alerts]");
    if (!box) return;
    const raters = data.raters;
    const few = raters >= 2 ? data.results.filter((row) => 2 * row.n < raters) : [];
    const list = box.querySelector("[data-coverage-list]");
    list.replaceChildren(...few.map((row) => {
      const li = document.createElement("li");
      li.className = "coverage-alert";
      const num = document.createElement("span");
      num.className = "theory-number";
      num.textContent = row.theory.number + ".";
      const strong = document.createElement("strong");
      strong.textContent = `rated by ${row.n} of ${raters}`;
      li.append(num, ` ${row.theory.title}: `, strong);
      return li;
    }));
    const summary = box.querySelector("[data-coverage-summary]");
    const k = few.length;
    summary.textContent = k
      ? `${k} item${k === 1 ? "" : "s"} rated by fewer than half of the ${raters} raters: their ` +
        "places rest on few people (and on how lenient those people are). Ask the room to rate " +
        `${k === 1 ? "it" : "them"}, or read ${k === 1 ? "its" : "their"} adjusted score and range.`
      : raters >= 2
        ? `Every item has been rated by at least half of the ${raters} raters.`
        : "Shown once two people have rated.";
  }

  function renderMeta(root, data) {
    renderCoverageAlerts(data);
    const raters = root.querySelector('[data-field="raters"]');
    if (raters) raters.textContent = String(data.raters);
    const word = root.querySelector('[data-field="raters-word"]');
    if (word) word.textContent = data.raters === 1 ? "rater" : "raters";
    const groups = root.querySelector('[data-field="groups"]');
    if (groups && data.groups !== undefined) groups.textContent = String(data.groups);
    const time = root.querySelector('[data-field="computed_at"]');
    if (time && data.computed_at) {
      time.dateTime = data.computed_at;
      // The server's own format and zone ("1 Dec 2026, 21:58:26 UTC"), not the browser's.
      const d = new Date(data.computed_at);
      const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
      const two = (n) => String(n).padStart(2, "0");
      time.textContent = `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}, ` +
        `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC`;
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

  // Deep merge (arrays replaced): the shared layout under a figure's own, and the phone
  // overrides the server sends with each figure over both.
  function merge(base, over) {
    const out = Object.assign({}, base);
    Object.keys(over || {}).forEach((key) => {
      const value = over[key];
      out[key] = value && typeof value === "object" && !Array.isArray(value) && base && base[key]
        ? merge(base[key], value) : value;
    });
    return out;
  }

  // plotly.js after the first paint (static/js/shared.js).
  const plotly = window.ImpactBoard.plotlyAfterPaint();

  // The figures come built from the API (charts/figures.py) as one spec per answer: `shared`
  // (layout and config) and each figure's own part. Axes, order and labels are decided there;
  // the page only picks the phone layout and draws in place (Plotly.react keeps the viewer's
  // zoom through the figures' uirevision). Before plotly.js has arrived the latest figure of
  // each box waits for it.
  const waiting = new Map();
  function drawFigure(root, name, figure, shared) {
    const el = root.querySelector(`[data-chart="${name}"]`);
    if (!el || !figure) return;
    const note = root.querySelector(`[data-chart-note="${name}"]`);
    if (note) note.textContent = figure.message || "";
    const first = !waiting.has(el);
    waiting.set(el, { figure, shared: shared || {} });
    if (!first) return;
    plotly.then((Plotly) => {
      const latest = waiting.get(el);
      waiting.delete(el);
      const narrow = el.clientWidth < NARROW_PX;
      let layout = merge(latest.shared.layout, latest.figure.layout);
      if (narrow) layout = merge(layout, latest.figure.narrow);
      el.classList.toggle("chart-empty", Boolean(latest.figure.empty));
      el.querySelectorAll(".chart-static").forEach((svg) => svg.remove());
      // An empty chart is not drawn: its note (or the first chart's) says why, once.
      el.hidden = Boolean(latest.figure.empty);
      if (latest.figure.empty) {
        Plotly.purge(el);
        return;
      }
      Plotly.react(el, latest.figure.data, layout, latest.shared.config);
    });
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

  const hidden = () => document.visibilityState === "hidden";

  // Polls `url` with If-None-Match: every `fast` ms while answers bring something new, the wait
  // doubling (up to POLL_MAX_MS) after POLL_IDLE_POLLS answers in a row with nothing new; none
  // while the tab is hidden; at once, and fast again, when it is shown or focused.
  // While the events stream carries the changes the poller is paused (`pause`): `now` still
  // asks once (the stream's catch-up, a `changed` nudge); `resume` polls again at once; `know`
  // takes an ETag the stream delivered, so that the next poll asks for what is newer than it.
  function poller(url, fast, onData, paused) {
    let etag = null;
    let wait = fast;
    let unchanged = 0;
    let timer = null;
    let inFlight = false;
    async function poll() {
      timer = null;
      if (hidden() || inFlight) return;
      inFlight = true;
      try {
        const headers = { Accept: "application/json" };
        if (etag) headers["If-None-Match"] = etag;
        const response = await fetch(url, { headers, credentials: "same-origin" });
        if (response.status === 200) {
          etag = response.headers.get("ETag");
          unchanged = 0;
          wait = fast;
          await onData(await response.json());
        } else if (response.status === 304 && ++unchanged >= POLL_IDLE_POLLS) {
          wait = Math.min(wait * 2, POLL_MAX_MS);
        }
      } catch (err) {
        // Offline for a moment: keep showing the last data and try again.
      } finally {
        inFlight = false;
      }
      if (!hidden() && !paused && timer === null) timer = window.setTimeout(poll, wait);
    }
    function now() {
      window.clearTimeout(timer);
      timer = null;
      if (hidden()) return;
      unchanged = 0;
      wait = fast;
      poll();
    }
    const wake = () => { if (!paused) now(); };
    document.addEventListener("visibilitychange", wake);
    window.addEventListener("focus", wake);
    window.addEventListener("pageshow", (event) => { if (event.persisted) wake(); });
    if (!paused) poll();
    return {
      now,
      pause() { paused = true; window.clearTimeout(timer); timer = null; },
      resume() { if (paused) { paused = false; now(); } },
      know(tag) { etag = tag; unchanged = 0; wait = fast; },
    };
  }

  // One GET with If-None-Match; calls onData only on a 200 (a 304 means nothing new).
  function conditionalGet(url) {
    let etag = null;
    return {
      async get(onData) {
        const headers = { Accept: "application/json" };
        if (etag) headers["If-None-Match"] = etag;
        const response = await fetch(url, { headers, credentials: "same-origin" });
        if (response.status === 200) {
          etag = response.headers.get("ETag");
          onData(await response.json());
        }
      },
      know(tag) { etag = tag; },
    };
  }

  // The figures of the ranking just fetched (null when unchanged, hidden or unreachable).
  function figuresOf(root) {
    const charts = root.querySelector("[data-figures-url]");
    const none = { fetch: async () => null, know() {} };
    if (!charts) return none;
    const conditional = conditionalGet(charts.dataset.figuresUrl);
    return {
      async fetch() {
        let spec = null;
        try {
          await conditional.get((answer) => { if (!answer.hidden) spec = answer; });
        } catch (err) {
          // Keep the charts drawn; the table still updates.
        }
        return spec;
      },
      know: conditional.know,
    };
  }

  function drawAll(root, spec) {
    if (spec) Object.entries(spec.figures).forEach(([name, figure]) => drawFigure(root, name, figure, spec.shared));
  }

  // The ranking's events stream (live/, issue 24), where the page offers one
  // (<meta name="live-events">: the stream is at the rankings URL + its content): the server
  // pushes the current version and each new one (`ranking`, `compare`: the bodies a GET would
  // return, with their ETags) or, where not everyone may read it, a bodyless `changed` nudge. While it is up
  // (`live` received) the pollers are paused; when it fails they take over at once, with their
  // back-off; a stream refused (503, 204) or not up within LIVE_OPEN_MS is tried again after
  // LIVE_RETRY_MS. A hidden tab closes it, and showing the tab opens it again.
  const LIVE_OPEN_MS = 5000;
  const LIVE_RETRY_MS = 60000;
  function liveStream(url, on) {
    let source = null;
    let up = false;
    let watchdog = null;
    let retry = null;
    function close() {
      window.clearTimeout(watchdog);
      if (source) source.close();
      source = null;
    }
    function fail() {
      close();
      up = false;
      on.down();
      window.clearTimeout(retry);
      retry = window.setTimeout(open, LIVE_RETRY_MS);
    }
    function open() {
      if (source || hidden()) return;
      source = new EventSource(url);
      watchdog = window.setTimeout(fail, LIVE_OPEN_MS);
      source.addEventListener("live", () => {
        window.clearTimeout(watchdog);
        up = true;
        on.up();
      });
      source.addEventListener("ranking", (event) => on.event("ranking", JSON.parse(event.data)));
      source.addEventListener("compare", (event) => on.event("compare", JSON.parse(event.data)));
      source.addEventListener("changed", (event) => on.changed(event.data));
      source.addEventListener("error", () => {
        // CLOSED: refused for good (a status other than 200); CONNECTING: EventSource tries
        // again by itself after the server's `retry`, and the pollers cover the gap.
        if (source && source.readyState === EventSource.CLOSED) {
          fail();
        } else if (up) {
          up = false;
          on.down();
        }
      });
    }
    document.addEventListener("visibilitychange", () => {
      if (hidden()) {
        window.clearTimeout(retry);
        close();
        up = false;
      } else {
        open();
      }
    });
    window.addEventListener("pageshow", (event) => { if (event.persisted) open(); });
    open();
  }

  const liveMeta = document.querySelector('meta[name="live-events"]');
  const table = document.querySelector("[data-rankings-url]");
  const live = liveMeta && table && typeof window.EventSource === "function";
  const streamed = {}; // event name -> { poller, apply(data) }

  if (table) {
    const root = table.closest("[data-dashboard]") || table.parentElement;
    const figures = figuresOf(root);
    // The first figures are asked for at once, beside the first poll, not a round trip after it.
    let pending = figures.fetch();
    let previous = null;
    function show(data, spec) {
      // A poll answered before a pushed version arrived must not draw the older one over it.
      // (A version is told by its computed_at: each recompute sets it.)
      if (previous && data.computed_at && previous.computed_at >= data.computed_at) return;
      renderTable(root, data, previous !== null);
      renderMeta(root, data);
      drawAll(root, spec);
      pulse(root, previous, data);
      previous = data;
    }
    const rankingPoller = poller(table.dataset.rankingsUrl, POLL_MS, async (data) => {
      if (data.hidden) return;
      // The ranking changed, so did its figures: fetch them first so that the table and the
      // charts change together.
      const first = pending !== null;
      const spec = await (pending || figures.fetch());
      pending = null;
      if (first) {
        // The early figures may predate this ranking by one recompute: a conditional GET
        // (a 304 when they match) settles it.
        figures.fetch().then((newer) => drawAll(root, newer));
      }
      show(data, spec);
    }, live);
    streamed.ranking = {
      poller: rankingPoller,
      apply(pushed) {
        rankingPoller.know(pushed.etag);
        if (pushed.figures) figures.know(pushed.figures.etag);
        show(pushed.body, pushed.figures ? pushed.figures.body : null);
      },
    };
  }
  document.querySelectorAll("[data-compare-url]").forEach((section) => {
    const figure = conditionalGet(section.dataset.compareFigureUrl);
    const draw = (answer) => { if (!answer.hidden) drawFigure(section, "compare", answer.figure, answer.shared); };
    const comparePoller = poller(section.dataset.compareUrl, COMPARE_MS, (data) => {
      if (data.hidden) return;
      renderCompareTable(section, data);
      figure.get(draw).catch(() => {});
    }, live);
    streamed.compare = {
      poller: comparePoller,
      apply(pushed) {
        comparePoller.know(pushed.etag);
        renderCompareTable(section, pushed.body);
        if (pushed.figures) {
          figure.know(pushed.figures.etag);
          draw(pushed.figures.body);
        }
      },
    };
  });
  if (live) {
    const each = (fn) => Object.values(streamed).forEach(fn);
    liveStream(table.dataset.rankingsUrl + liveMeta.content, {
      // Up: every change will be pushed from now on, and each part's current version first
      // (or a `changed` nudge, answered by one conditional GET), so nothing needs polling.
      up: () => each((s) => s.poller.pause()),
      down: () => each((s) => s.poller.resume()),
      event: (name, data) => { if (streamed[name]) streamed[name].apply(data); },
      changed: (name) => { if (streamed[name]) streamed[name].poller.now(); },
    });
  }
})();
