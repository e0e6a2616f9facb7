"""Steps a person takes in the browser tests' Chromium."""

from playwright.sync_api import expect

from tests.support.factories import PASSWORD


def log_in(page, username):
    """Fill in the log-in form the page shows and wait until the navigation bar greets the user."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".navbar")).to_contain_text(username)
