// The slider overlay of the compare page: the later photo is revealed from the left as the slider moves.
document.querySelectorAll("[data-compare-overlay]").forEach((overlay) => {
  const top = overlay.querySelector("[data-compare-top]");
  const slider = overlay.parentElement.querySelector("[data-compare-slider]");
  if (!top || !slider) return;
  const show = () => { top.style.clipPath = `inset(0 ${100 - Number(slider.value)}% 0 0)`; };
  slider.addEventListener("input", show);
  show();
});
