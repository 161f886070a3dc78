// Import progress page: polls the job's status and moves the progress bar; when the job has
// finished, reloads so the server renders the result (or the problems).
(function () {
  "use strict";
  const box = document.querySelector("[data-import-job]");
  if (!box) return;
  const url = box.dataset.statusUrl;
  const bar = box.querySelector("progress");
  const text = box.querySelector("[data-import-text]");
  let delay = 1000;

  async function poll() {
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        cache: "no-store",
      });
      if (response.ok) {
        const job = await response.json();
        if (bar) {
          bar.max = Math.max(job.total, 1);
          bar.value = job.done;
        }
        if (text) text.textContent = job.done + " of " + job.total + " done (" + job.status + ").";
        if (job.status !== "queued" && job.status !== "running") {
          window.location.reload();
          return;
        }
        delay = 1000;
      } else {
        delay = Math.min(delay * 2, 10000);
      }
    } catch (error) {
      delay = Math.min(delay * 2, 10000); // offline for a moment: try again, less often
    }
    window.setTimeout(poll, delay);
  }
  window.setTimeout(poll, delay);
})();
