// A "Copy link" button beside a read-only field: <button data-copy="field-id">. Shown only
// where the Clipboard API exists; otherwise the field stays, to be selected by hand.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector("[data-copy-status]");
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(
        function () { if (status) status.textContent = "Copied."; },
        function () { field.select(); if (status) status.textContent = "Select the link and copy it."; }
      );
    });
  });
})();
