// The missing-views checklist of the session form, shortened as photos are chosen: a view leaves it once a row
// holds a photo (a file chosen now, or one kept from the last attempt) of that phase and view.
const checklist = document.getElementById("photo-checklist");
const photoRows = document.querySelector('[data-formset="photos"]');

function chosenViews() {
  const chosen = new Set();
  photoRows.querySelectorAll("[data-formset-row]").forEach((row) => {
    const file = row.querySelector('input[type="file"]');
    const kept = row.querySelector('input[name$="-pending"]');
    const removed = row.querySelector('input[name$="-remove_pending"]');
    const hasPhoto = (file && file.files.length > 0) || (kept && !(removed && removed.checked));
    const phase = row.querySelector('select[name$="-phase"]');
    const view = row.querySelector('select[name$="-view"]');
    if (hasPhoto && phase && view) chosen.add(`${phase.value}/${view.value}`);
  });
  return chosen;
}

function refresh() {
  const chosen = chosenViews();
  let left = 0;
  checklist.querySelectorAll("li[data-phase]").forEach((item) => {
    let shown = 0;
    item.querySelectorAll("[data-view]").forEach((view) => {
      view.hidden = chosen.has(`${item.dataset.phase}/${view.dataset.view}`);
      shown += view.hidden ? 0 : 1;
    });
    item.hidden = shown === 0;
    left += shown;
  });
  checklist.querySelector("[data-all-chosen]").hidden = left > 0;
}

if (checklist && photoRows) {
  photoRows.addEventListener("change", refresh);
  refresh();
}
