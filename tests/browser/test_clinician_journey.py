"""A clinician's first morning, in a real browser: log in, register a patient, log an MMP session
with a two-product blend and a before photo, and find it all on the patient's timeline."""

import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clinic.dosage import ConcentrationUnit
from clinic.roles import CLINICIAN
from clinic.vocabularies import ScalpZone, Sex, Technique
from sessions.blend_choices import lot_label
from sessions.models import BlendComponent, ImmediateAdverseEvent, PhotoPhase, PhotoView, SessionPhoto, TreatmentSession
from tests.support.browser import log_in, sign_consent_on_the_pad
from tests.support.factories import (
    CartridgeFactory,
    ConsentDocumentFactory,
    DeviceFactory,
    LotFactory,
    UserFactory,
)
from tests.support.images import jpeg_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def equipment_and_stock(db):
    """What the clinic's admin has already entered: a device, a cartridge and two products in stock."""
    return {
        "device": DeviceFactory(manufacturer="Cheyenne", model_name="Hawk Pen", serial_number="HP-1"),
        "cartridge": CartridgeFactory(name="Cheyenne Safety 27 RM"),
        "minoxidil": LotFactory(product__name="Minoxidil 0.5 %", number="MX-2026"),
        "dutasteride": LotFactory(
            product__name="Dutasteride 0.01 %", product__active_ingredient="dutasteride", number="DU-77"
        ),
    }


@pytest.fixture
def photo_file(tmp_path):
    path = tmp_path / "vertex-before.jpg"
    path.write_bytes(jpeg_bytes(640, 480))
    return path


def test_a_clinician_logs_a_session_with_a_blend_and_a_photo_and_finds_it_on_the_timeline(
    page, page_problems, equipment_and_stock, photo_file, tmp_path
):
    UserFactory(username="dr.rossi", roles=[CLINICIAN])
    device = equipment_and_stock["device"]
    cartridge = equipment_and_stock["cartridge"]
    minoxidil = equipment_and_stock["minoxidil"]
    dutasteride = equipment_and_stock["dutasteride"]

    ConsentDocumentFactory(purpose="photographs")
    ConsentDocumentFactory(technique=Technique.MMP)
    # Anyone opening the site is asked to log in first.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    log_in(page, "dr.rossi")

    # A new patient, with photo consent.
    page.get_by_role("link", name="Patients", exact=True).click()
    page.get_by_role("link", name="New patient").click()
    page.get_by_label("Clinic record number").fill("p-00042")
    page.get_by_label("First name").fill("Giulia")
    page.get_by_label("Last name").fill("Bianchi")
    page.get_by_label("Date of birth").fill("1986-03-14")
    page.get_by_label("Sex").select_option(Sex.FEMALE.value)
    page.get_by_label("Primary diagnosis").select_option(label="Female pattern hair loss")
    page.get_by_role("button", name="Save patient").click()

    expect(page.get_by_role("alert")).to_contain_text("Patient P-00042 created.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Giulia Bianchi")
    # She signs photo consent and consent to MMP on the pad.
    sign_consent_on_the_pad(page, "Photographs")
    sign_consent_on_the_pad(page, f"Treatment: {Technique.MMP.label}")
    expect(page.locator("#consents")).to_contain_text(f"given on {timezone.localdate():%Y-%m-%d}")
    patient_url = page.url.split("#")[0]

    # An MMP session: equipment, parameters, zone and no adverse event.
    page.get_by_role("link", name="Log a session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a session")
    page.locator("#id_technique").select_option(label=Technique.MMP.label)
    page.locator("#id_device").select_option(label=str(device))
    page.locator("#id_cartridge").select_option(label=str(cartridge))
    page.locator("#id_needle_depth_mm").fill("1.0")
    page.locator("#id_frequency_hz").fill("120")
    page.get_by_role("group", name="Treated scalp zones").get_by_label(ScalpZone.VERTEX.label).check()
    page.get_by_role("group", name="Immediate adverse events").get_by_label(
        ImmediateAdverseEvent.NONE.label, exact=True
    ).check()

    # A two-product blend: the second row is added in the page by formset.js.
    fill_blend_row(page, 0, minoxidil, concentration="0.5", volume="2")
    expect(page.locator("#id_blend-1-product")).to_have_count(0)
    page.get_by_role("button", name="Add a component").click()
    expect(page.locator("#id_blend-1-product")).to_be_focused()
    fill_blend_row(page, 1, dutasteride, concentration="0.01", volume="1.5")
    expect(page.locator("#id_blend-TOTAL_FORMS")).to_have_value("2")

    # A before photo of the vertex.
    page.locator("#id_photos-0-phase").select_option(PhotoPhase.BEFORE.value)
    page.locator("#id_photos-0-view").select_option(label=PhotoView.VERTEX.label)
    page.locator("#id_photos-0-image").set_input_files(photo_file)

    page.get_by_role("button", name="Save session").click()

    # The session page shows the whole blend.
    expect(page.get_by_role("alert")).to_contain_text("Session logged.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(Technique.MMP.label)
    blend = page.locator("#blend")
    expect(blend.locator("tbody tr")).to_have_count(2)
    expect(blend).to_contain_text("Minoxidil 0.5 %")
    expect(blend).to_contain_text("MX-2026")
    expect(blend).to_contain_text("Dutasteride 0.01 %")
    expect(blend).to_contain_text("DU-77")
    expect(page.locator(".photo-grid figcaption")).to_contain_text("Before – Vertex")

    # The patient's timeline shows the session, its depth, both products and the photo's thumbnail.
    page.get_by_role("link", name=re.compile(r"Giulia Bianchi \(P-00042\)")).click()
    expect(page).to_have_url(patient_url)
    timeline = page.locator("#timeline")
    expect(timeline.locator("> li")).to_have_count(1)
    expect(timeline).to_contain_text(Technique.MMP.label)
    expect(timeline).to_contain_text("depth 1 mm")
    expect(timeline).to_contain_text("120 Hz")
    expect(timeline).to_contain_text("Minoxidil 0.5 % 0.5 % (2 mL)")
    expect(timeline).to_contain_text("Dutasteride 0.01 % 0.01 % (1.5 mL)")
    thumbnail = timeline.get_by_role("img", name="Before – Vertex")
    expect(thumbnail).to_be_visible()
    # loading="lazy": wait until the browser has really fetched and decoded the thumbnail.
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    assert thumbnail.evaluate("img => img.naturalWidth") == 320  # a 640x480 upload, fitted into 320x320

    page.screenshot(path=os.environ.get("JOURNEY_SCREENSHOT") or tmp_path / "journey.png", full_page=True)
    assert page_problems == []

    # And in the database: one session, its two blend components and one photo, nothing more.
    session = TreatmentSession.objects.get()
    assert session.patient.record_number == "P-00042"
    assert session.clinician.username == "dr.rossi"
    assert session.treated_zones == [ScalpZone.VERTEX]
    assert session.adverse_events == [ImmediateAdverseEvent.NONE]
    assert [(c.product.name, c.lot.number) for c in BlendComponent.objects.filter(session=session)] == [
        ("Minoxidil 0.5 %", "MX-2026"),
        ("Dutasteride 0.01 %", "DU-77"),
    ]
    assert BlendComponent.objects.count() == 2
    photo = SessionPhoto.objects.get()
    assert (photo.session, photo.phase, photo.view) == (session, PhotoPhase.BEFORE, PhotoView.VERTEX)


def fill_blend_row(page, index, lot, *, concentration, volume):
    row = f"#id_blend-{index}"
    page.locator(f"{row}-product").select_option(label=lot.product.name)
    page.locator(f"{row}-lot").select_option(label=lot_label(lot, timezone.localdate()))
    page.locator(f"{row}-concentration").fill(concentration)
    page.locator(f"{row}-concentration_unit").select_option(ConcentrationUnit.PERCENT.value)
    page.locator(f"{row}-volume_ml").fill(volume)
