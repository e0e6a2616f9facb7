// A blend row offers the chosen product's lots only, and fills in that product's default strength where the
// clinician has not typed one. The lots stay grouped under their products when this script does not run.
const allLots = new WeakMap();

function rowOf(element) {
  return element.closest("[data-formset-row]");
}

function narrowLots(row) {
  const product = row.querySelector("[data-blend-product]");
  const lot = row.querySelector("[data-blend-lot]");
  if (!product || !lot) return;
  if (!allLots.has(lot)) allLots.set(lot, Array.from(lot.children));
  const chosen = lot.value;
  const offered = allLots.get(lot).filter(
    (child) => child.tagName !== "OPTGROUP" || !product.value
      || child.querySelector(`option[data-product="${product.value}"]`),
  );
  lot.replaceChildren(...offered);
  const stillOffered = Array.from(lot.options).some((option) => option.value === chosen);
  lot.value = stillOffered ? chosen : "";
}

// A field takes the product's default unless the clinician typed their own there.
function offer(field, value) {
  if (!field || !value) return;
  if (field.value === "" || field.value === field.dataset.offered) {
    field.value = value;
    field.dataset.offered = value;
  }
}

function fillStrength(row) {
  const product = row.querySelector("[data-blend-product]");
  const option = product.selectedOptions[0];
  if (!option) return;
  offer(row.querySelector("[data-blend-concentration]"), option.dataset.concentration);
  offer(row.querySelector("[data-blend-unit]"), option.dataset.unit);
}

document.querySelectorAll("[data-blend-product]").forEach((product) => narrowLots(rowOf(product)));

// A lot chosen before its product chooses the product too.
function productOfLot(row) {
  const lot = row.querySelector("[data-blend-lot]");
  const product = row.querySelector("[data-blend-product]");
  const option = lot.selectedOptions[0];
  if (!option || !option.dataset.product || product.value) return false;
  product.value = option.dataset.product;
  return true;
}

document.addEventListener("change", (event) => {
  const target = event.target;
  if (!target.matches("[data-blend-product], [data-blend-lot]")) return;
  const row = rowOf(target);
  if (target.matches("[data-blend-lot]") && !productOfLot(row)) return;
  narrowLots(row);
  fillStrength(row);
});
