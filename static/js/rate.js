// Rating page: "k of N rated", "Next unrated", and save as you go. Each change is sent once it
// settles (the rows changed since the last send, in one all-or-nothing POST to the page's
// save/ URL); a failed send keeps the rows pending and tries again, backing off, so nothing is
// lost on a slow or broken network, and the server saves a whole batch or none of it. Without
// this script the page is the plain form: "Save my ratings" saves everything at once.
(function () {
  "use strict";
  const form = document.querySelector(".rating-form");
  const counter = document.querySelector("[data-rated-count]");
  if (!form || !counter) return;
  const bar = document.querySelector("[data-rated-bar]");
  const next = form.querySelector("[data-next-unrated]");
  const overall = form.querySelector("[data-autosave-status]");
  const saveUrl = form.getAttribute("data-save-url");
  const csrf = form.querySelector('input[name="csrfmiddlewaretoken"]');
  const rows = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-theory]"));

  function isRated(row) {
    return !!row.querySelector('.scale input[type="radio"]:checked:not([value=""])');
  }
  function update() {
    const rated = rows.filter(isRated).length;
    counter.textContent = String(rated);
    if (bar) bar.value = rated;
    if (next) next.hidden = rated === rows.length;
  }
  update();

  // The save bar sticks to the bottom of the screen once the rater has scrolled; as the page
  // opens it rests at the end of the form, so that it covers no theory's buttons on the first
  // screen (on a phone, in round 2, the first theory's scale is right where it would sit).
  const saveBar = form.querySelector(".sticky-submit");
  if (saveBar) {
    const rest = () => saveBar.classList.toggle("resting", window.scrollY < 1);
    rest();
    window.addEventListener("scroll", rest, { passive: true });
  }

  // --- Next unrated: the first unrated row after the one the rater is at (the row last
  // focused, if it is still in view; else the first row in view counts too), wrapping. ------
  let lastRow = null;
  form.addEventListener("focusin", function (event) {
    const row = event.target.closest ? event.target.closest("fieldset[data-theory]") : null;
    if (row) lastRow = row;
  });
  function inView(row) {
    const box = row.getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight;
  }
  function currentIndex() {
    if (lastRow && inView(lastRow)) return rows.indexOf(lastRow);
    for (let i = 0; i < rows.length; i++) {
      if (rows[i].getBoundingClientRect().bottom > 0) return i - 1;
    }
    return -1;
  }
  if (next) {
    next.addEventListener("click", function (event) {
      const from = currentIndex();
      let target = null;
      for (let k = 1; k <= rows.length; k++) {
        const row = rows[(from + k + rows.length) % rows.length];
        if (!isRated(row)) { target = row; break; }
      }
      if (!target) return;
      event.preventDefault();
      target.scrollIntoView({ block: "start" });
      const first = target.querySelector('.scale input[type="radio"]');
      if (first) first.focus({ preventScroll: true });
      if (history.replaceState) history.replaceState(null, "", "#" + target.id);
    });
  }

  // --- "Replaces item 4, which you rated 7": offered, never copied. ----------------------------
  form.querySelectorAll("[data-offer-score]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      const row = button.closest("fieldset");
      const radio = row && row.querySelector(
        '.scale input[type="radio"][value="' + button.getAttribute("data-offer-score") + '"]');
      if (!radio) return;
      radio.checked = true;
      radio.dispatchEvent(new Event("change", { bubbles: true }));
      radio.focus();
    });
  });

  // --- Save as you go. ---------------------------------------------------------------------
  const pending = new Map(); // theory id -> the change's sequence number
  let sequence = 0;
  let inFlight = false;
  let timer = 0;
  let backoff = 0;
  let stopped = false;

  function rowById(id) { return form.querySelector('fieldset[data-theory="' + id + '"]'); }
  function say(text) { if (overall) overall.textContent = text; }
  function mark(row, state, text) {
    if (!row) return;
    row.setAttribute("data-save-state", state);
    const status = row.querySelector("[data-row-status]");
    if (status) status.textContent = text;
  }
  function schedule(ms) {
    window.clearTimeout(timer);
    timer = window.setTimeout(send, ms);
  }
  function fieldsOf(row, body) {
    row.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (el) {
      if (el.type === "radio") { if (el.checked) body.append(el.name, el.value); }
      else if (el.type === "checkbox") { if (el.checked) body.append(el.name, "on"); }
      else body.append(el.name, el.value);
    });
  }
  function retryLater(batch) {
    backoff = Math.min(backoff ? backoff * 2 : 2000, 30000);
    batch.forEach(function (_, id) {
      if (pending.has(id)) mark(rowById(id), "retrying", "Not saved yet: trying again.");
    });
    say("Not saved yet (slow or no connection): trying again in " + Math.round(backoff / 1000) + " s.");
    schedule(backoff);
  }
  function send() {
    if (stopped || inFlight || pending.size === 0 || !saveUrl || !csrf) return;
    const batch = new Map(pending);
    const body = new URLSearchParams();
    body.append("rows", Array.from(batch.keys()).join(","));
    batch.forEach(function (_, id) { const row = rowById(id); if (row) fieldsOf(row, body); });
    inFlight = true;
    say("Saving\u2026");
    const controller = window.AbortController ? new AbortController() : null;
    const deadline = window.setTimeout(function () { if (controller) controller.abort(); }, 20000);
    fetch(saveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf.value, Accept: "application/json" },
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (data) {
          return { response: response, data: data };
        });
      })
      .then(function (answer) {
        window.clearTimeout(deadline);
        inFlight = false;
        const status = answer.response.status;
        const data = answer.data;
        if (status === 200 && data && !answer.response.redirected) {
          backoff = 0;
          batch.forEach(function (seen, id) {
            // A row changed again while this was on its way stays pending for the next send.
            if (pending.get(id) === seen) { pending.delete(id); mark(rowById(id), "saved", "Saved."); }
          });
          say(pending.size ? "Saving\u2026" : "All changes saved.");
          if (pending.size) schedule(0);
        } else if (status === 400 && data) {
          const errors = data.errors || {};
          batch.forEach(function (_, id) {
            const words = Object.keys(errors).filter(function (key) {
              return /_(\d+)$/.exec(key) && /_(\d+)$/.exec(key)[1] === id;
            }).map(function (key) {
              return errors[key].map(function (e) { return e.message || e; }).join(" ");
            });
            pending.delete(id);
            mark(rowById(id), "error", words.length ? "Not saved: " + words.join(" ") : "Not saved: check this answer.");
          });
          say("Some answers need fixing: they were not saved.");
        } else if (status === 409) {
          stopped = true;
          say("Ratings are closed in this group: nothing more is saved.");
        } else if (answer.response.redirected || status === 401 || status === 403) {
          stopped = true;
          say("Not saved: you are signed out. Your choices are still on this page; sign in and save.");
        } else {
          retryLater(batch);
        }
      })
      .catch(function () {
        window.clearTimeout(deadline);
        inFlight = false;
        retryLater(batch);
      });
  }

  form.addEventListener("change", function (event) {
    update();
    const row = event.target.closest ? event.target.closest("fieldset[data-theory]") : null;
    if (!row || !saveUrl) return;
    pending.set(row.getAttribute("data-theory"), ++sequence);
    mark(row, "pending", "Saving\u2026");
    schedule(inFlight ? 50 : 600);
  });
  window.addEventListener("online", function () { if (pending.size) schedule(0); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && pending.size) send();
  });
  window.addEventListener("beforeunload", function (event) {
    if (pending.size || inFlight) { event.preventDefault(); event.returnValue = ""; }
  });
  // The whole form's save sends everything: nothing is left for this script to send.
  form.addEventListener("submit", function () { pending.clear(); window.clearTimeout(timer); });

  // Landing on #saved after a save: focus the confirmation so that it is read out and in view.
  const saved = document.getElementById("saved");
  if (saved && window.location.hash === "#saved" && saved.querySelector(".message")) {
    saved.focus();
    saved.scrollIntoView({ block: "start" });
  }
})();
