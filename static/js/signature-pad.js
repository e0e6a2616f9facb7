// The signature pad of the consent pages (signature_pad, from our static files). The patient signs with a finger,
// a stylus or the mouse; each stroke puts the drawing into the form's hidden field as a PNG data URL, which the
// server checks (clinic/signatures.py). "Clear" starts again. The canvas is sized to its box at the screen's pixel
// ratio, so the line is sharp and lands under the finger.
document.querySelectorAll("[data-signature-pad]").forEach((box) => {
  const canvas = box.querySelector("canvas");
  const field = document.getElementById(box.dataset.signatureField);
  const clear = box.querySelector("[data-signature-clear]");
  if (!canvas || !field || typeof SignaturePad === "undefined") return;
  const pad = new SignaturePad(canvas, { penColor: "#000", minWidth: 1, maxWidth: 3 });

  const store = () => {
    field.value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
  };
  const fit = () => {
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const strokes = pad.toData();
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    pad.fromData(strokes);
    store();
  };

  field.value = ""; // a page shown again after a refusal: the patient signs again
  fit();
  window.addEventListener("resize", fit);
  pad.addEventListener("endStroke", store);
  clear?.addEventListener("click", () => {
    pad.clear();
    store();
  });
  box.closest("form")?.addEventListener("submit", store);
  box.dataset.signatureReady = ""; // strokes are caught from here on
});
