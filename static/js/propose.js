// Proposal form: while the title is typed, show the list's items and pending proposals worded
// alike ("Similar: 7. Auditing"), from the list's similar/ endpoint (pg_trgm on PostgreSQL).
(function () {
  "use strict";
  const form = document.querySelector(".propose-form");
  if (!form) return;
  const input = form.querySelector('input[name="title"]');
  const hint = form.querySelector(".similar-hint");
  const url = form.getAttribute("data-similar-url");
  if (!input || !hint || !url) return;
  let timer = 0;
  let asked = 0;
  function show(found) {
    hint.textContent = found.length
      ? "Similar: " + found.map(function (s) { return s.label; }).join("; ")
      : "";
  }
  function ask() {
    const text = input.value.trim();
    const mine = ++asked;
    if (text.length < 3) { show([]); return; }
    fetch(url + "?q=" + encodeURIComponent(text), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (r) { return r.ok ? r.json() : { similar: [] }; })
      .then(function (body) { if (mine === asked) show(body.similar || []); })
      .catch(function () { /* the hint is a help, not a gate */ });
  }
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 200);
  });
})();
