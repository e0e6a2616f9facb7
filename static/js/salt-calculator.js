// The SALT calculator of the assessment form. The page gives each view's weight (percent of the scalp), the
// messages (from sessions/salt.py and the template, in the page's language) and its decimal separator. Whenever one of its inputs changes and all four hold a valid percentage, it
// writes the score into the SALT field; a score typed by hand there stays until a view is changed again.
document.querySelectorAll("[data-salt-calculator]").forEach((calculator) => {
  const score = document.getElementById(calculator.dataset.saltTarget);
  const views = [...calculator.querySelectorAll("input[data-salt-weight]")];
  const status = calculator.querySelector("[data-salt-status]");
  if (!score || !views.length) return;

  // A percentage in tenths (whole numbers keep the weighted sum exact), or a message saying what is wrong.
  const read = (input) => {
    const typed = input.value.trim();
    if (input.validity.badInput) return { problem: calculator.dataset.formatMessage };
    if (typed === "") return { tenths: null };
    const value = Number(typed);
    if (!Number.isFinite(value)) return { problem: calculator.dataset.formatMessage };
    if (value < 0 || value > 100) return { problem: calculator.dataset.rangeMessage };
    const parts = /^(\d+)(?:\.(\d))?$/.exec(typed);
    if (!parts) return { problem: calculator.dataset.formatMessage };
    return { tenths: Number(parts[1]) * 10 + Number(parts[2] || 0) };
  };

  const show = (input, problem) => {
    input.classList.toggle("is-invalid", Boolean(problem));
    input.setAttribute("aria-invalid", String(Boolean(problem)));
    document.getElementById(input.getAttribute("aria-describedby")).textContent = problem || "";
  };

  calculator.addEventListener("input", () => {
    let weighted = 0;
    let missing = false;
    let wrong = false;
    views.forEach((input) => {
      const { tenths, problem } = read(input);
      show(input, problem);
      if (problem) wrong = true;
      else if (tenths === null) missing = true;
      else weighted += Number(input.dataset.saltWeight) * tenths;
    });
    if (wrong) {
      status.textContent = calculator.dataset.wrongMessage;
    } else if (missing) {
      status.textContent = calculator.dataset.missingMessage;
    } else {
      // weighted / 1000 is the score; in tenths, halves rounded up as in sessions/salt.py.
      const tenths = Math.floor((weighted + 50) / 100);
      // The number input takes a point; the clinician reads the language's separator.
      score.value = `${Math.floor(tenths / 10)}.${tenths % 10}`;
      const shown = score.value.replace(".", calculator.dataset.decimalSeparator || ".");
      status.textContent = calculator.dataset.filledMessage.replace("{score}", shown);
    }
  });
  calculator.hidden = false;
});
