"""The scalp map at the chair, in a real browser: the map and the treated-zone checkboxes tick the same zones,
by mouse or keyboard, and the session page shows the zones saved."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clinic.roles import CLINICIAN
from clinic.vocabularies import ScalpZone, Technique
from sessions.models import ImmediateAdverseEvent, TreatmentSession
from tests.support.browser import log_in
from tests.support.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.browser


def region(page, zone):
    return page.locator(f".scalp-map [data-zone='{zone.value}']")


def fill_of(locator):
    return locator.evaluate("element => getComputedStyle(element).fill")


def test_the_map_and_the_checkboxes_tick_the_same_zones_and_the_session_page_shows_them(page, page_problems):
    UserFactory(username="dr.rossi", roles=[CLINICIAN])
    patient = PatientFactory()
    page.goto("/")
    log_in(page, "dr.rossi")
    page.goto(reverse("session-log", args=[patient.pk]))
    page.locator("#id_technique").select_option(label=Technique.MMP.label)
    page.get_by_role("group", name="Immediate adverse events").get_by_label(
        ImmediateAdverseEvent.NONE.label, exact=True
    ).check()
    zones = page.get_by_role("group", name="Treated scalp zones")
    untreated_fill = fill_of(region(page, ScalpZone.FRONTAL))

    # A click on the crown ticks its checkbox.
    vertex = page.get_by_role("checkbox", name=ScalpZone.VERTEX.label).and_(region(page, ScalpZone.VERTEX))
    vertex.click()
    expect(zones.get_by_label(ScalpZone.VERTEX.label)).to_be_checked()
    expect(vertex).to_have_attribute("aria-checked", "true")

    # Tab moves on to the next region; Space ticks it, Enter ticks and unticks another.
    page.keyboard.press("Tab")
    expect(region(page, ScalpZone.LEFT_TEMPORAL)).to_be_focused()
    page.keyboard.press("Space")
    expect(zones.get_by_label(ScalpZone.LEFT_TEMPORAL.label)).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(zones.get_by_label(ScalpZone.RIGHT_TEMPORAL.label)).to_be_checked()
    page.keyboard.press("Enter")
    expect(zones.get_by_label(ScalpZone.RIGHT_TEMPORAL.label)).not_to_be_checked()
    expect(region(page, ScalpZone.RIGHT_TEMPORAL)).to_have_attribute("aria-checked", "false")

    # Ticking a checkbox fills its region.
    occipital = region(page, ScalpZone.OCCIPITAL)
    zones.get_by_label(ScalpZone.OCCIPITAL.label).check()
    expect(occipital).to_have_attribute("aria-checked", "true")
    expect(occipital).to_have_class("scalp-zone is-treated")
    assert fill_of(occipital) != untreated_fill

    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_role("alert")).to_contain_text("Session logged.")

    session = TreatmentSession.objects.get()
    assert session.treated_zones == [ScalpZone.VERTEX, ScalpZone.LEFT_TEMPORAL, ScalpZone.OCCIPITAL]
    expect(page.locator("#treated-zones")).to_have_text("Vertex / crown, Left temporal, Occipital")
    expect(page.locator(".scalp-map .is-treated")).to_have_count(3)
    for zone in (ScalpZone.VERTEX, ScalpZone.LEFT_TEMPORAL, ScalpZone.OCCIPITAL):
        expect(region(page, zone)).to_have_class("scalp-zone is-treated")
        assert fill_of(region(page, zone)) != untreated_fill
    assert page_problems == []
