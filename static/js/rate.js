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
  // "Replaces item 4, which you rated 7": the old score is offered, never copied. The button
  // chooses it here (a change like any other: nothing is saved that the rater did not pick).
  form.querySelectorAll("[data-offer-score]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      const fieldset = button.closest("fieldset");
      const radio = fieldset && fieldset.querySelector(
        '.scale input[type="radio"][value="' + button.getAttribute("data-offer-score") + '"]');
      if (!radio) return;
      radio.checked = true;
      radio.dispatchEvent(new Event("change", { bubbles: true }));
      radio.focus();
    });
  });
  // Landing on #saved after a save: focus the confirmation so that it is read out and in view.
  const saved = document.getElementById("saved");
  if (saved && window.location.hash === "#saved" && saved.querySelector(".message")) {
    saved.focus();
    saved.scrollIntoView({ block: "start" });
  }
})();
