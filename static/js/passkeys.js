// Once a passkey has been added, go on to the recovery codes (the URL the passkey section names).
document.addEventListener("otp_webauthn.register_complete", () => {
  const section = document.getElementById("passkey");
  if (section && section.dataset.doneUrl) {
    window.location.assign(section.dataset.doneUrl);
  }
});
