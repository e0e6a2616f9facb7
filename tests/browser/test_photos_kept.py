"""Nothing chosen is lost, in a real browser: a browser never fills a file input again, so a photo chosen on a form
that comes back is shown back from the server and attached when the corrected form is saved."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clinic.roles import CLINICIAN
from clinic.vocabularies import Technique
from sessions.models import ImmediateAdverseEvent, PhotoView, TreatmentSession
from tests.support.browser import log_in
from tests.support.factories import PatientFactory, UserFactory
from tests.support.images import jpeg_bytes

pytestmark = pytest.mark.browser


def test_a_photo_chosen_before_a_correction_is_saved_with_the_session(page, page_problems, tmp_path):
    UserFactory(username="dr.keeps", roles=[CLINICIAN])
    patient = PatientFactory()
    photo = tmp_path / "frontal.jpg"
    photo.write_bytes(jpeg_bytes(640, 480))
    page.goto("/")
    log_in(page, "dr.keeps")
    page.goto(reverse("session-log", args=[patient.pk]))

    page.locator("#id_technique").select_option(label=Technique.MICRONEEDLING.label)
    page.get_by_role("group", name="Immediate adverse events").get_by_label(
        ImmediateAdverseEvent.NONE.label, exact=True
    ).check()
    page.locator("#id_needle_depth_mm").fill("4.2")
    page.locator("#id_photos-0-view").select_option(label=PhotoView.FRONTAL.label)
    checklist = page.locator("#photo-checklist")
    expect(checklist.locator('[data-phase="before"] [data-view="frontal"]')).to_be_visible()
    page.locator("#id_photos-0-image").set_input_files(photo)
    # The checklist follows what is chosen: the before-frontal view leaves it, the after-frontal one stays.
    expect(checklist.locator('[data-phase="before"] [data-view="frontal"]')).to_be_hidden()
    expect(checklist.locator('[data-phase="after"] [data-view="frontal"]')).to_be_visible()
    expect(checklist.locator('[data-phase="before"]')).to_match_aria_snapshot(
        '- listitem: "Before: Vertex, Top, Left, Right, Occipital, Close-up / trichoscopy"'
    )
    page.get_by_role("button", name="Save session").click()

    expect(page.get_by_text("Needle depth must be between 0.1 and 3.0 mm.")).to_be_visible()
    kept = page.get_by_role("img", name="The photo chosen for this row")
    expect(kept).to_be_visible()
    # The thumbnail loads (a broken one never does, and the wait times out).
    page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=kept.element_handle())
    expect(page.locator("#id_photos-0-view")).to_have_value(PhotoView.FRONTAL.value)
    expect(checklist.locator('[data-phase="before"] [data-view="frontal"]')).to_be_hidden()

    page.locator("#id_needle_depth_mm").fill("1.2")
    page.get_by_role("button", name="Save session").click()

    expect(page.get_by_role("alert")).to_contain_text("Session logged.")
    expect(page.locator(".photo-grid figcaption")).to_contain_text("Frontal")
    assert TreatmentSession.objects.get().photos.count() == 1
    assert page_problems == []
