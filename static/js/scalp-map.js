// The scalp map of the session form: each region is the twin of a treated-zone checkbox, which alone is submitted.
// Clicking a region, or Space or Enter on it, ticks its checkbox; ticking a checkbox fills its region.
document.querySelectorAll("[data-scalp-map]").forEach((map) => {
  const form = map.closest("form");
  map.querySelectorAll("[data-zone]").forEach((region) => {
    const checkbox = form.querySelector(`input[name="${map.dataset.scalpMap}"][value="${region.dataset.zone}"]`);
    if (!checkbox) return;
    const show = () => {
      region.setAttribute("aria-checked", String(checkbox.checked));
      region.classList.toggle("is-treated", checkbox.checked);
    };
    const toggle = () => {
      checkbox.checked = !checkbox.checked;
      checkbox.dispatchEvent(new Event("change", { bubbles: true }));
    };
    region.addEventListener("click", toggle);
    region.addEventListener("keydown", (event) => {
      if (event.key !== " " && event.key !== "Enter") return;
      event.preventDefault();
      toggle();
    });
    checkbox.addEventListener("change", show);
    show();
  });
  map.hidden = false;
});
