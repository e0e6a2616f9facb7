"""Before and after, in a real browser: a clinician opens the comparison of a patient's vertex photos,
moves the overlay slider, and downloads the labelled composite."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from audit.models import AuditAction, AuditEvent
from clinic.roles import CLINICIAN
from sessions.models import PhotoPhase, SessionPhoto
from tests.support.browser import log_in
from tests.support.factories import PatientFactory, SessionFactory, UserFactory
from tests.support.images import jpeg_bytes
from tests.support.photos import stored_photo

pytestmark = pytest.mark.browser

RED, BLUE = (200, 30, 30), (40, 60, 200)


def session_with_photo(patient, clinician, days_ago, phase, colour):
    performed_at = (timezone.now() - timedelta(days=days_ago)).replace(hour=10, minute=0, second=0, microsecond=0)
    session = SessionFactory(patient=patient, performed_at=performed_at)
    return stored_photo(session, clinician, jpeg_bytes(640, 480, colour=colour, gps=True), phase=phase)


def clip_path(page):
    return page.locator("[data-compare-top]").evaluate("img => img.style.clipPath")


def test_a_clinician_compares_two_vertex_photos_and_downloads_the_composite(page, page_problems, tmp_path):
    clinician = UserFactory(username="dr.rossi", roles=[CLINICIAN])
    patient = PatientFactory(first_name="Giulia", last_name="Bianchi", record_number="GB-42")
    before = session_with_photo(patient, clinician, 30, PhotoPhase.BEFORE, RED)
    after = session_with_photo(patient, clinician, 2, PhotoPhase.AFTER, BLUE)

    page.goto("/")
    log_in(page, "dr.rossi")

    page.get_by_role("link", name="Patients", exact=True).click()
    page.get_by_role("link", name="GB-42").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Giulia Bianchi")
    page.get_by_role("link", name="Compare photos").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Compare photos")
    expect(page).to_have_url(re.compile(rf"/patients/{patient.pk}/compare/$"))
    expect(page.locator(".nav-tabs .nav-link.active")).to_have_text("Vertex")

    # Both photos side by side, the earlier on the left, each labelled.
    side = page.locator("#side-by-side img")
    expect(side).to_have_count(2)
    expect(side.nth(0)).to_have_attribute("src", f"/photos/{before.pk}/screen/")
    expect(side.nth(1)).to_have_attribute("src", f"/photos/{after.pk}/screen/")
    captions = page.locator("#side-by-side figcaption")
    expect(captions.nth(0)).to_contain_text(f"{timezone.localtime(before.taken_at):%Y-%m-%d} · Before · session 1")
    expect(captions.nth(1)).to_contain_text(f"{timezone.localtime(after.taken_at):%Y-%m-%d} · After · session 2")
    for index in range(2):
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=side.nth(index).element_handle())
        assert side.nth(index).evaluate("img => [img.naturalWidth, img.naturalHeight]") == [640, 480]
    left, right = side.nth(0).bounding_box(), side.nth(1).bounding_box()
    assert left["x"] + left["width"] <= right["x"] and abs(left["y"] - right["y"]) < 1

    # The overlay: the later photo on top of the earlier, half revealed at first.
    overlay = page.locator("[data-compare-overlay]")
    expect(overlay).to_be_visible()
    expect(overlay.locator("img")).to_have_count(2)
    top = page.locator("[data-compare-top]")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=top.element_handle())
    slider = page.get_by_role("slider")
    expect(slider).to_have_value("50")
    assert clip_path(page) == "inset(0px 50% 0px 0px)"

    slider.fill("20")
    assert clip_path(page) == "inset(0px 80% 0px 0px)"
    slider.focus()
    slider.press("ArrowRight")
    expect(slider).to_have_value("21")
    assert clip_path(page) == "inset(0px 79% 0px 0px)"
    slider.press("End")
    expect(slider).to_have_value("100")
    assert clip_path(page) in ("inset(0px)", "inset(0px 0% 0px 0px)")
    slider.press("Home")
    assert clip_path(page) == "inset(0px 100% 0px 0px)"
    # The computed style agrees: the page really clips the top image.
    assert top.evaluate("img => getComputedStyle(img).clipPath") == "inset(0px 100% 0px 0px)"

    # The strip shows both photos, oldest first.
    expect(page.locator("#strip figure")).to_have_count(2)
    expect(page.locator("#strip figcaption").nth(0)).to_contain_text("Before · session 1")
    expect(page.locator("#strip figcaption").nth(1)).to_contain_text("After · session 2")

    # The composite download.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the comparison (JPEG)").click()
    composite = download.value
    assert re.fullmatch(r"compare-vertex-\d{8}-\d{8}\.jpg", composite.suggested_filename)
    path = tmp_path / composite.suggested_filename
    composite.save_as(path)
    image = Image.open(BytesIO(path.read_bytes()))
    assert image.format == "JPEG"
    assert len(image.getexif()) == 0 and "exif" not in image.info
    assert image.width > image.height
    assert image.getpixel((image.width // 4, image.height // 2))[0] > 150  # red on the left
    assert image.getpixel((3 * image.width // 4, image.height // 2))[2] > 150  # blue on the right

    downloaded = AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="photo", detail={"via": "composite download"}
    )
    assert sorted(downloaded.values_list("object_id", flat=True)) == sorted([str(before.pk), str(after.pk)])
    assert SessionPhoto.objects.count() == 2

    # Chromium ends a navigation that turns into a download with ERR_ABORTED: that is the download itself.
    downloads = [p for p in page_problems if "/compare/download.jpg" in p and "net::ERR_ABORTED" in p]
    assert len(downloads) == 1
    assert [p for p in page_problems if p not in downloads] == []
