"""The session report: a PDF of one session for clinicians, with its parameters, blend, lots, departures and
photos at print size (none without photo consent), each one a disclosure in the audit trail."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditAction, AuditEvent
from sessions.courses import session_deviations
from sessions.models import DelayedAdverseEvent
from sessions.services import void_record
from tests.support.factories import BlendComponentFactory, PatientFactory, SessionFactory
from tests.support.images import jpeg_bytes
from tests.support.pdfs import read_pdf
from tests.support.photos import new_photo, store_photos

pytestmark = pytest.mark.django_db

CAMERA_SIZE = (2400, 1600)
PRINT_SIZE = (1600, 1067)  # the screen rendition: at most 1600 px a side


@pytest.fixture
def session(barletta, clinician):
    """A Barletta session done deeper than the preset says, with a two-product blend, a before and an after photo
    of the vertex, and a delayed adverse event (and a voided blend row, photo and delayed event)."""
    session = SessionFactory(
        preset=barletta,
        technique=barletta.technique,
        needle_depth_mm="1.50",
        frequency_hz=70,
        passes=3,
        treated_zones=["vertex", "frontal"],
        cartridge_lot="CL-5521",
        cartridge_expiry=date(2027, 9, 30),
        anaesthesia="topical",
        endpoint="erythema",
    )
    BlendComponentFactory(session=session, lot__number="LOT-7731", lot__expiry_date=date(2027, 3, 31))
    BlendComponentFactory(session=session, lot__number="LOT-2208", lot__expiry_date=date(2026, 12, 31))
    void_record(record=BlendComponentFactory(session=session, lot__number="LOT-VOIDED"), reason="Typo.", by=clinician)
    camera = jpeg_bytes(*CAMERA_SIZE)
    store_photos(
        session,
        clinician,
        new_photo(camera, phase="before", view="vertex"),
        new_photo(camera, phase="after", view="vertex"),
        new_photo(camera, phase="before", view="frontal"),
        warnings_confirmed=True,
    )
    void_record(record=session.photos.get(view="frontal"), reason="Wrong patient.", by=clinician)
    DelayedAdverseEvent.objects.create(
        session=session, kind="folliculitis", onset_on=session.performed_on, severity="mild", recorded_by=clinician
    )
    mistaken = DelayedAdverseEvent.objects.create(
        session=session, kind="infection", onset_on=session.performed_on, severity="mild", recorded_by=clinician
    )
    void_record(record=mistaken, reason="Another patient's.", by=clinician)
    return session


def report_of(client, session):
    return client.get(reverse("session-report", args=[session.pk]))


def test_it_is_a_pdf_download_named_without_the_patient(session, clinician_client):
    response = report_of(clinician_client, session)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="session-{session.pk}-report.pdf"'
    assert response["Cache-Control"] == "no-store"
    assert session.patient.last_name not in response["Content-Disposition"]


def test_it_holds_the_patient_the_parameters_and_the_equipment(session, clinician_client):
    text = read_pdf(report_of(clinician_client, session).content).flowing
    patient = session.patient

    for shown in (
        patient.full_name,
        patient.record_number,
        "born 1980-05-17",
        session.get_technique_display(),
        "1.5 mm",
        "70 Hz",
        session.device_label,
        session.cartridge_name,
        "CL-5521, expires 2027-09-30",
        ", ".join(session.zone_labels()),
        "Topical",
        "Erythema",
        "Folliculitis",
    ):
        assert shown in text, shown
    assert "Infection" not in text  # the voided delayed event


def test_in_spanish_it_speaks_spanish_with_local_dates_and_decimal_commas(session, clinician, clinician_client):
    clinician.language = "es"
    clinician.save(update_fields=["language"])

    text = read_pdf(report_of(clinician_client, session).content).flowing

    with translation.override("es"):
        technique, zones = session.get_technique_display(), ", ".join(session.zone_labels())
    assert technique != "MMP® (microinfusion of drugs into the skin)" and technique in text
    assert zones in text
    assert "1,5 mm" in text and "17/05/1980" in text and "30/09/2027" in text
    assert "1.5 mm" not in text and "1980-05-17" not in text


def test_it_holds_the_blend_with_each_lot_and_its_expiry_but_no_voided_row(session, clinician_client):
    text = read_pdf(report_of(clinician_client, session).content).flowing

    assert "LOT-7731 2027-03-31" in text
    assert "LOT-2208 2026-12-31" in text
    for component in session.blend_components.current():
        assert component.phrase in text
    assert "LOT-VOIDED" not in text


def test_it_says_the_departures_from_the_preset(session, clinician_client):
    departures = session_deviations(session, list(session.blend_components.current()))
    assert departures, "the session was meant to depart from its preset"

    text = read_pdf(report_of(clinician_client, session).content).flowing

    assert "Departures from the preset" in text
    for departure in departures:
        assert str(departure) in text


def test_it_holds_the_current_photos_at_print_size(session, clinician_client):
    pdf = read_pdf(report_of(clinician_client, session).content)

    assert pdf.images == [PRINT_SIZE, PRINT_SIZE]  # before and after; not the voided one
    assert "Before – Vertex" in pdf.flowing and "After – Vertex" in pdf.flowing


def test_without_photo_consent_it_holds_no_photo_and_says_why(session, clinician_client):
    patient = session.patient
    patient.photo_consent, patient.photo_consent_date = False, None
    patient.save()

    pdf = read_pdf(report_of(clinician_client, session).content)

    assert pdf.images == []
    assert "No photo consent: the photos of this patient are left out of the report." in pdf.flowing
    assert AuditEvent.objects.get(action=AuditAction.DISCLOSE).detail["photos"] == []


def test_each_report_is_a_disclosure_naming_the_photos_it_holds(session, clinician_client, clinician):
    report_of(clinician_client, session)

    event = AuditEvent.objects.get(action=AuditAction.DISCLOSE)
    assert (event.user, event.object_type, event.object_id) == (clinician, "session", str(session.pk))
    assert event.detail["report"] == "session"
    assert sorted(event.detail["photos"]) == sorted(str(photo.pk) for photo in session.photos.current())


def test_a_voided_session_has_no_report(session, clinician_client, clinician):
    void_record(record=session, reason="Logged on the wrong patient.", by=clinician)

    assert report_of(clinician_client, session).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.DISCLOSE).exists()


def test_it_is_refused_to_staff_without_the_clinician_role(refused_client):
    session = SessionFactory(patient=PatientFactory())

    response = report_of(refused_client, session)

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.DISCLOSE).exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    session = SessionFactory()

    response = report_of(client, session)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_the_session_page_links_to_its_report(session, clinician_client):
    page = clinician_client.get(session.get_absolute_url()).content.decode()

    assert f'href="{reverse("session-report", args=[session.pk])}"' in page
