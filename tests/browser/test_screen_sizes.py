"""At the chair, on whatever screen is there: a phone, a tablet, a desk. The page is never wider than the screen and
every item of the menu can be reached (below the desk size, through the menu button)."""

import pytest
from playwright.sync_api import expect

from clinic.roles import CLINICIAN
from tests.support.browser import SCREENS, log_in
from tests.support.factories import PatientFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.browser


def within_the_screen(page, locator):
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def test_the_menu_fits_every_screen_and_reaches_every_item(page, page_problems):
    UserFactory(username="dr.chairside", roles=[CLINICIAN], is_staff=True)
    patient = PatientFactory()
    SessionFactory(patient=patient)
    page.goto("/")
    log_in(page, "dr.chairside")

    for name, (width, height) in SCREENS.items():
        page.set_viewport_size({"width": width, "height": height})
        for path in ("/patients/", f"/patients/{patient.pk}/"):
            page.goto(path)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, path)

            toggler = page.get_by_role("button", name="Menu")
            if name == "desk":
                expect(toggler).to_be_hidden()
            else:
                expect(page.get_by_role("link", name="Presets")).to_be_hidden()
                toggler.click()
            for item in (
                page.get_by_role("link", name="Patients", exact=True),
                page.get_by_role("link", name="Presets"),
                page.get_by_role("link", name="Admin"),
                page.get_by_role("link", name="dr.chairside"),
                page.get_by_role("button", name="Log out", exact=True),
            ):
                expect(item).to_be_visible()
                assert within_the_screen(page, item), (name, path, item)

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the content")
    expect(skip).to_be_focused()
    assert page_problems == []
