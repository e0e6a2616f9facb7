import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.models import DeviceKind
from clinic.vocabularies import ScalpZone
from sessions.forms import PRODUCT_NEEDED
from sessions.models import SessionPhoto, TreatmentSession
from tests.support.factories import (
    CartridgeFactory,
    DeviceFactory,
    LotFactory,
    PatientFactory,
    ProductFactory,
    SessionFactory,
)
from tests.support.images import jpeg_bytes, upload
from tests.support.pages import scalp_map, text
from tests.support.posts import session_data, with_blend, with_photos

pytestmark = pytest.mark.django_db


def test_the_form_offers_an_empty_blend_row_and_a_photo_row(clinician_client, patient):
    response = clinician_client.get(reverse("session-log", args=[patient.pk]))

    body = response.content.decode()
    assert 'name="blend-0-product"' in body
    assert 'name="photos-0-image"' in body
    assert 'name="blend-0-DELETE"' not in body  # nothing stored yet, so nothing to remove
    assert "__prefix__" in body  # the template row that "Add a component" clones


def test_a_clinician_logs_an_mmp_session_with_blend_and_photo(clinician_client, clinician, patient):
    data = with_photos(
        with_blend(session_data(treated_zones=["vertex", "mid_scalp"]), LotFactory(), LotFactory()),
        upload(jpeg_bytes()),
    )

    response = clinician_client.post(reverse("session-log", args=[patient.pk]), data)

    session = TreatmentSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == session.get_absolute_url()
    assert session.patient == patient and session.clinician == clinician
    assert session.treated_zones == ["vertex", "mid_scalp"]
    assert session.adverse_events == ["none"]
    assert session.blend_components.count() == 2
    assert session.photos.get().view == "vertex"


def test_empty_blend_and_photo_rows_are_ignored(clinician_client, patient):
    data = session_data(
        **{"blend-TOTAL_FORMS": "1", "photos-TOTAL_FORMS": "1", "photos-0-phase": "before", "photos-0-view": "frontal"}
    )

    response = clinician_client.post(reverse("session-log", args=[patient.pk]), data)

    assert response.status_code == 302
    session = TreatmentSession.objects.get()
    assert session.blend_components.count() == 0
    assert session.photos.count() == 0


def test_a_rejected_session_keeps_everything_typed_and_says_why(clinician_client, patient):
    lot = LotFactory()
    data = with_blend(session_data(needle_depth_mm="4.2"), lot)

    response = clinician_client.post(reverse("session-log", args=[patient.pk]), data)

    assert response.status_code == 200
    assert not TreatmentSession.objects.exists()
    body = response.content.decode()
    assert "Needle depth must be between 0.1 and 3.0 mm." in body
    assert 'value="4.2"' in body
    assert "Tolerated well" in body
    assert f'<option value="{lot.pk}" selected data-product="{lot.product_id}">' in body
    assert re.search(r'name="treated_zones" value="vertex"\s+id="\w+" checked', body)


def test_photos_attached_to_a_rejected_form_are_kept_for_the_next_attempt(clinician_client, patient):
    data = with_photos(session_data(pain_score="11"), upload(jpeg_bytes()))

    body = clinician_client.post(reverse("session-log", args=[patient.pk]), data).content.decode()

    assert "Pain score must be between 0 and 10." in body
    assert "Kept from your last attempt: it is attached when you save." in body
    assert not SessionPhoto.objects.exists()


def test_a_photo_that_is_not_an_image_is_refused_next_to_its_row(clinician_client, patient):
    data = with_photos(session_data(), upload(b"<svg onload=alert(1)>"))

    body = clinician_client.post(reverse("session-log", args=[patient.pk]), data).content.decode()

    assert "This file is not a JPEG or PNG photo." in body
    assert not TreatmentSession.objects.exists()


def test_the_adverse_event_question_must_be_answered(clinician_client, patient):
    data = session_data()
    del data["adverse_events"]

    body = clinician_client.post(reverse("session-log", args=[patient.pk]), data).content.decode()

    assert "Tick “None” or the adverse events that occurred." in body
    assert not TreatmentSession.objects.exists()


def test_other_adverse_event_needs_a_description(clinician_client, patient):
    body = clinician_client.post(
        reverse("session-log", args=[patient.pk]), session_data(adverse_events=["other"])
    ).content.decode()

    assert "Describe the “other” adverse event." in body


def test_an_expired_lot_is_saved_only_after_the_clinician_confirms(clinician_client, patient):
    lot = LotFactory(expiry_date=timezone.localdate() - timedelta(days=10))
    data = with_blend(session_data(), lot)

    first = clinician_client.post(reverse("session-log", args=[patient.pk]), data)
    assert first.status_code == 200
    assert f"lot {lot.number} expired on" in first.content.decode()
    assert 'name="confirm_warnings"' in first.content.decode()
    assert not TreatmentSession.objects.exists()

    second = clinician_client.post(reverse("session-log", args=[patient.pk]), {**data, "confirm_warnings": "on"})
    assert second.status_code == 302
    assert TreatmentSession.objects.count() == 1


def test_without_photo_consent_no_photo_field_is_offered_and_posted_photos_are_refused(clinician_client):
    patient = PatientFactory(photo_consent=False, photo_consent_date=None)

    page = clinician_client.get(reverse("session-log", args=[patient.pk])).content.decode()
    assert 'name="photos-0-image"' not in page
    assert "has not given photo consent" in page

    data = with_photos(session_data(), upload(jpeg_bytes()))
    refused = clinician_client.post(reverse("session-log", args=[patient.pk]), data).content.decode()
    assert "has not consented to photos" in refused
    assert not TreatmentSession.objects.exists()


def test_without_photo_consent_the_form_still_sends_what_a_save_needs(clinician_client):
    patient = PatientFactory(photo_consent=False, photo_consent_date=None)
    page = clinician_client.get(reverse("session-log", args=[patient.pk])).content.decode()
    counts = dict(re.findall(r'name="(photos-(?:TOTAL|INITIAL)_FORMS)" value="(\d+)"', page))
    data = {key: value for key, value in session_data().items() if not key.startswith("photos-")} | counts

    response = clinician_client.post(reverse("session-log", args=[patient.pk]), data)

    assert set(counts) == {"photos-TOTAL_FORMS", "photos-INITIAL_FORMS"}
    assert response.status_code == 302 and TreatmentSession.objects.count() == 1


def test_retired_devices_are_not_offered_for_new_sessions(clinician_client, patient):
    DeviceFactory(model_name="Old Pen", active=False)
    DeviceFactory(model_name="New Pen")

    body = clinician_client.get(reverse("session-log", args=[patient.pk])).content.decode()

    assert "New Pen" in body
    assert "Old Pen" not in body


def test_demo_equipment_gives_way_to_the_clinics_own_of_the_same_kind(clinician_client, patient):
    DeviceFactory(model_name="Hawk Pen (demo)", is_demo=True)
    DeviceFactory(kind=DeviceKind.DERMAROLLER, model_name="Scalp roller (demo)", is_demo=True)
    CartridgeFactory(name="27 RM magnum (demo)", is_demo=True)
    LotFactory(product=ProductFactory(name="Minoxidil 0.5 % injectable (demo)", is_demo=True), number="DEMO-LOT-1")
    log_form = reverse("session-log", args=[patient.pk])
    before = clinician_client.get(log_form).content.decode()

    DeviceFactory(model_name="Clinic Pen")
    CartridgeFactory(name="Clinic cartridge")
    ProductFactory(name="Clinic minoxidil")
    after = clinician_client.get(log_form).content.decode()

    demo = ["Hawk Pen (demo)", "Scalp roller (demo)", "27 RM magnum (demo)", "Minoxidil 0.5 % injectable (demo)"]
    assert all(name in before for name in demo)
    assert [name for name in demo if name in after] == ["Scalp roller (demo)"]  # no roller of its own yet
    assert "DEMO-LOT-1" in before and "DEMO-LOT-1" not in after  # the lots follow their products
    assert all(name in after for name in ("Clinic Pen", "Clinic cartridge", "Clinic minoxidil"))


def test_a_session_keeps_the_demo_equipment_it_used(clinician_client, patient):
    pen = DeviceFactory(model_name="Hawk Pen (demo)", is_demo=True)
    session = SessionFactory(patient=patient, device=pen)
    DeviceFactory(model_name="Clinic Pen")

    body = clinician_client.get(reverse("session-edit", args=[session.pk])).content.decode()

    assert "Hawk Pen (demo)" in body


def test_without_scripts_the_lots_are_grouped_under_their_products_with_number_and_expiry(clinician_client, patient):
    today = timezone.localdate()
    minoxidil = ProductFactory(name="Minoxidil 0.5 %", default_concentration=Decimal("0.50"))
    LotFactory(product=minoxidil, number="MX-OLD", expiry_date=today - timedelta(days=1))
    LotFactory(product=minoxidil, number="MX-NEW", expiry_date=today + timedelta(days=9))
    LotFactory(product=ProductFactory(name="Biotin"), number="BI-1", expiry_date=None)

    body = clinician_client.get(reverse("session-log", args=[patient.pk])).content.decode()
    row = body[body.index('name="blend-0-lot"') :]
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', row[: row.index("</select>")], re.S)

    assert [(label, re.findall(r">([^<]+)</option>", options)) for label, options in groups] == [
        ("Biotin", ["BI-1 · no expiry date"]),
        (
            "Minoxidil 0.5 %",
            [
                f"MX-NEW · exp. {today + timedelta(days=9):%Y-%m-%d}",
                f"MX-OLD · expired {today - timedelta(days=1):%Y-%m-%d}",
            ],
        ),
    ]
    assert f'value="{minoxidil.pk}" data-concentration="0.5" data-unit="%"' in body


def test_the_optional_blend_and_photo_rows_mark_nothing_required(clinician_client, patient):
    body = clinician_client.get(reverse("session-log", args=[patient.pk])).content.decode()

    for rows in ('data-formset="blend"', 'data-formset="photos"'):
        fieldset = body[body.index(rows) :].split("</fieldset>")[0]
        assert "asteriskField" not in fieldset


def test_a_blend_row_in_use_still_needs_its_product(clinician_client, patient):
    data = with_blend(session_data(), LotFactory())
    data |= {"blend-0-product": "", "blend-0-lot": ""}

    body = clinician_client.post(reverse("session-log", args=[patient.pk]), data).content.decode()

    assert PRODUCT_NEEDED in body
    assert not TreatmentSession.objects.exists()


def test_a_lot_of_another_product_is_refused(clinician_client, patient):
    lot, other = LotFactory(), LotFactory()
    data = with_blend(session_data(), lot)
    data["blend-0-product"] = other.product.pk

    body = clinician_client.post(reverse("session-log", args=[patient.pk]), data).content.decode()

    assert "This lot belongs to" in body
    assert not TreatmentSession.objects.exists()


def test_a_tampered_formset_count_is_refused_cleanly(clinician_client, patient):
    data = session_data(**{"blend-TOTAL_FORMS": "5000"})

    response = clinician_client.post(reverse("session-log", args=[patient.pk]), data)

    assert response.status_code == 200
    assert "Please submit at most 20 forms." in response.content.decode()
    assert not TreatmentSession.objects.exists()


def test_a_missing_management_form_is_refused_cleanly(clinician_client, patient):
    data = session_data()
    for key in [k for k in data if "FORMS" in k]:
        del data[key]

    response = clinician_client.post(reverse("session-log", args=[patient.pk]), data)

    assert response.status_code == 200
    assert "ManagementForm data is missing" in response.content.decode()
    assert not TreatmentSession.objects.exists()


def test_the_form_offers_the_scalp_map_hidden_until_its_script_shows_it(clinician_client, patient):
    """Without JavaScript the map stays hidden and the checkboxes, the only thing submitted, work as before."""
    response = clinician_client.get(reverse("session-log", args=[patient.pk]))

    box, regions = scalp_map(text(response))
    assert "hidden" in box and box["data-scalp-map"] == "treated_zones"
    assert {zone: (region["role"], region["tabindex"], region["aria-label"]) for zone, region in regions.items()} == {
        zone: ("checkbox", "0", zone.label) for zone in ScalpZone if zone != ScalpZone.SCAR
    }
    assert all(region["aria-checked"] == "false" for region in regions.values())
    assert text(response).count('name="treated_zones"') == len(ScalpZone)


def test_a_rejected_form_keeps_the_ticked_zones_on_the_map(clinician_client, patient):
    data = session_data(needle_depth_mm="4.2", treated_zones=["vertex", "scar"])

    response = clinician_client.post(reverse("session-log", args=[patient.pk]), data)

    _, regions = scalp_map(text(response))
    assert [zone for zone, region in regions.items() if region["aria-checked"] == "true"] == [ScalpZone.VERTEX]
