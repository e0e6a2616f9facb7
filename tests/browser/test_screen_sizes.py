"""At the chair, on whatever screen is there: a phone, a tablet, a desk. The page is never wider than the screen and
every item of the menu can be reached (below the desk size, through the menu button)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clinic.roles import CLINICIAN
from tests.support.browser import SCREENS, log_in
from tests.support.factories import AssessmentFactory, PatientFactory, SessionFactory, UserFactory

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


def test_on_a_phone_the_patient_pages_timeline_comes_within_a_screen_and_a_half_and_nothing_is_too_wide(
    page, page_problems
):
    UserFactory(username="dr.phone", roles=[CLINICIAN])
    patient = PatientFactory()
    for weeks_ago in (10, 6, 2):
        SessionFactory(patient=patient, performed_at=timezone.now() - timedelta(weeks=weeks_ago))
    for weeks_ago, gain in ((10, 0), (2, 1)):
        AssessmentFactory(
            patient=patient,
            assessed_on=timezone.localdate() - timedelta(weeks=weeks_ago),
            density_site="vertex",
            hair_density_per_cm2=Decimal(120 + 20 * gain),
            shaft_diameter_um=Decimal(60 + 5 * gain),
            terminal_vellus_ratio=Decimal(2 + gain),
            global_photo_assessment=gain,
            satisfaction=3 + gain,
        )
    width, height = SCREENS["phone"]
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/")
    log_in(page, "dr.phone")

    page.goto(f"/patients/{patient.pk}/")

    timeline = page.get_by_role("heading", name="Sessions", exact=True)
    assert timeline.evaluate("heading => heading.getBoundingClientRect().top + window.scrollY") <= 1.5 * height
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    charts = page.locator(".outcome-chart")
    expect(charts.first).to_be_hidden()
    page.get_by_text(re.compile(r"^Show outcome charts and values \(5 measures")).click()
    expect(charts).to_have_count(5)
    expect(charts.first).to_be_visible()
    assert charts.first.evaluate("chart => chart.getBoundingClientRect().width") <= width
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page_problems == []
