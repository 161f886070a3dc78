// Rating page: keeps the "N of 20 rated" line current as the person chooses scores.
(function () {
  "use strict";
  const form = document.querySelector(".rating-form");
  const counter = document.querySelector("[data-rated-count]");
  if (!form || !counter) return;
  function update() {
    const rated = form.querySelectorAll('.scale input[type="radio"]:checked:not([value=""])').length;
    counter.textContent = String(rated);
  }
  form.addEventListener("change", update);
  update();
  // Landing on #saved after a save: focus the confirmation so that it is read out and in view.
  const saved = document.getElementById("saved");
  if (saved && window.location.hash === "#saved" && saved.querySelector(".message")) {
    saved.focus();
    saved.scrollIntoView({ block: "start" });
  }
})();
