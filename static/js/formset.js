// Lets a Django formset grow rows: clones the empty form kept in a <template>.
document.querySelectorAll("[data-formset]").forEach((fieldset) => {
  const prefix = fieldset.dataset.formset;
  const total = fieldset.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
  const max = fieldset.querySelector(`input[name="${prefix}-MAX_NUM_FORMS"]`);
  const template = fieldset.querySelector("template[data-formset-template]");
  const rows = fieldset.querySelector("[data-formset-rows]");
  const addButton = fieldset.querySelector("[data-formset-add]");
  if (!total || !template || !rows || !addButton) return;
  addButton.addEventListener("click", () => {
    const index = Number(total.value);
    if (max && index >= Number(max.value)) return;
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const first = rows.lastElementChild.querySelector("select, input:not([type=hidden])");
    if (first) first.focus();
  });
});
