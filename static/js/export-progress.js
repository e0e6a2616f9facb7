// The export page's background exports: each unfinished one asks for its progress every two seconds and
// updates its bar, its sentence and, when it is ready, its download button, without reloading the page.
// Its words come from the page, in the page's language: the table's data-progress-sentence ("{status}: {written}
// of {total} sessions") and data-download-label.
(function () {
  "use strict";
  const POLL_MS = 2000;
  const table = document.getElementById("export-jobs");
  const language = document.documentElement.lang || undefined;

  function sentence(state) {
    const number = function (value) { return value.toLocaleString(language); };
    return table.dataset.progressSentence
      .replace("{status}", state.status_label)
      .replace("{written}", number(state.rows_written))
      .replace("{total}", number(state.rows_total));
  }

  function show(row, state) {
    const bar = row.querySelector(".progress-bar");
    bar.style.width = state.percent + "%";
    row.querySelector(".progress").setAttribute("aria-valuenow", String(state.percent));
    row.querySelector("[data-role=progress-text]").textContent = sentence(state);
    row.dataset.status = state.status;
    if (state.download && !row.querySelector("[data-role=download] a")) {
      const link = document.createElement("a");
      link.className = "btn btn-sm btn-primary";
      link.href = state.download;
      link.textContent = table.dataset.downloadLabel;
      row.querySelector("[data-role=download]").appendChild(link);
    }
  }

  function follow(row) {
    if (row.dataset.status === "done" || row.dataset.status === "failed") {
      return;
    }
    fetch(row.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (state) {
          show(row, state);
        }
        window.setTimeout(function () { follow(row); }, POLL_MS);
      })
      .catch(function () { window.setTimeout(function () { follow(row); }, POLL_MS * 5); });
  }

  document.querySelectorAll("#export-jobs .progress-bar").forEach(function (bar) {
    bar.style.width = bar.dataset.percent + "%";
  });
  document.querySelectorAll("#export-jobs tr[data-progress-url]").forEach(follow);
})();
