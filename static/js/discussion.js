// Comment forms: a "Preview" button that shows the markdown as it will be stored (rendered and
// sanitised by the server, POST /api/v1/comments/preview/). Everything else on the discussion
// pages is plain HTML forms and <details>, which work without this script.
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function previewUrl(form) {
    var holder = form.closest("[data-preview-url]") || form;
    return holder.getAttribute("data-preview-url");
  }

  function enhance(form) {
    var body = form.querySelector("textarea[name=body]");
    var box = form.querySelector("[data-preview]");
    var submit = form.querySelector("button[type=submit]");
    var url = previewUrl(form);
    if (!body || !box || !submit || !url) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = "Preview";
    button.setAttribute("data-preview-button", "");
    submit.insertAdjacentElement("afterend", button);

    button.addEventListener("click", function () {
      box.hidden = false;
      box.textContent = "Rendering the preview…";
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrfToken(form),
        },
        body: JSON.stringify({ body: body.value }),
      })
        .then(function (response) {
          if (!response.ok) throw new Error("status " + response.status);
          return response.json();
        })
        .then(function (data) {
          box.textContent = "";
          var label = document.createElement("p");
          label.className = "preview-label";
          label.textContent = "Preview";
          var content = document.createElement("div");
          content.className = "comment-body";
          // Sanitised server-side by the same code that renders stored comments.
          content.innerHTML = data.body_html || "<p><em>Nothing to preview yet.</em></p>";
          box.appendChild(label);
          box.appendChild(content);
        })
        .catch(function () {
          box.textContent = "The preview is unavailable right now; posting still works.";
        });
    });
  }

  // Opening a reply box puts the cursor in it.
  function focusOnOpen(details) {
    details.addEventListener("toggle", function () {
      if (!details.open) return;
      var field = details.querySelector("textarea, input[type=text]");
      if (field) field.focus();
    });
  }

  document.querySelectorAll("form[data-comment-form]").forEach(enhance);
  document.querySelectorAll("details.reply-box, details.report-box").forEach(focusOnOpen);
})();
