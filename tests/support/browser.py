"""The browser tests' Chromium, and steps a person takes in it."""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = f"Chromium not found at {CHROMIUM}; install Debian's chromium package"
LAUNCH_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The screens a clinic has at the chair: (width, height) of a phone, a tablet and a desk's screen.
SCREENS = {"phone": (390, 844), "tablet": (820, 1180), "desk": (1366, 768)}
# Generous for a loaded 2-core CI machine, yet a broken page fails in seconds rather than minutes.
TIMEOUT_MS = 15_000


def _browser_tests_required():
    return os.environ.get("BROWSER_TESTS_REQUIRED", "").strip() == "1"


@contextmanager
def chromium():
    """Debian's Chromium, headless, driven by Playwright; skipped (or failed in CI) when it is not installed."""
    if not CHROMIUM.exists():
        if _browser_tests_required():
            pytest.fail(f"{CHROMIUM_MISSING} (BROWSER_TESTS_REQUIRED=1)", pytrace=False)
        pytest.skip(CHROMIUM_MISSING)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def log_in(page, username):
    """Fill in the log-in form the page shows, then the code of the user's authenticator app (added for them if
    they have none), and wait until the navigation bar greets the user."""
    from clinic.models import User
    from tests.support.clients import authenticator, current_code

    device = authenticator(User.objects.get(username=username))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(current_code(device))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".navbar")).to_contain_text(username)


def sign_consent_on_the_pad(page, subject):
    """From the patient page: Sign consent, choose the document of `subject` ("Treatment: Microneedling"), draw a
    signature on the pad with the mouse, save; back on the patient page."""
    page.locator("#consents").get_by_role("link", name="Sign consent").click()
    page.locator("#consent-documents").get_by_role("link", name=subject).click()
    # The pad's script runs after the page shows: a stroke drawn before it is ready is lost.
    expect(page.locator("[data-signature-pad]")).to_have_attribute("data-signature-ready", "")
    box = page.locator("[data-signature-pad] canvas").bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(box["x"] + 30 + step * 25, box["y"] + box["height"] * (0.7 - 0.05 * (step % 4)))
    page.mouse.up()
    expect(page.locator("[data-signature-pad] input[type=hidden]")).not_to_have_value("")
    page.get_by_role("button", name="Save the signed consent").click()
    expect(page.get_by_role("alert")).to_contain_text(f"{subject} consent signed.")
