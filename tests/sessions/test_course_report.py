"""The course report: a PDF of every current session of one course of a patient, its outcome charts, and the
first and latest photo of each view (none without photo consent), each one a disclosure in the audit trail."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditAction, AuditEvent
from sessions.courses import PRESET, TECHNIQUE, course_key, session_deviations
from sessions.services import void_record
from tests.support.clients import signed_in
from tests.support.factories import AssessmentFactory, SessionFactory
from tests.support.images import jpeg_bytes
from tests.support.pdfs import read_pdf
from tests.support.photos import new_photo, store_photos

pytestmark = pytest.mark.django_db

PHOTO_HEIGHT = 200  # each session's photo is told apart by its width (small: printed as they are)


def days_ago(days):
    return (timezone.now() - timedelta(days=days)).replace(second=0, microsecond=0)


def photographed(session, clinician, width, view="vertex"):
    return store_photos(
        session, clinician, new_photo(jpeg_bytes(width, PHOTO_HEIGHT), view=view), warnings_confirmed=True
    )


@pytest.fixture
def course(patient, barletta, clinician):
    """Three current Barletta sessions, a month apart, each with a vertex photo 300, 310 and 320 px wide, and a
    voided one between them."""
    sessions = []
    for number, days in enumerate((90, 60, 30)):
        session = SessionFactory(
            patient=patient,
            preset=barletta,
            technique=barletta.technique,
            performed_at=days_ago(days),
            frequency_hz=70,
            cartridge_lot=f"CL-{number + 1}",
        )
        sessions.append(photographed(session, clinician, 300 + 10 * number))
    voided = SessionFactory(patient=patient, preset=barletta, performed_at=days_ago(45), cartridge_lot="CL-VOIDED")
    void_record(record=voided, reason="Logged twice.", by=clinician)
    return sessions


@pytest.fixture
def other_course(patient, clinician):
    """A microneedling session of the same patient, without a preset: a course of its own."""
    session = SessionFactory(
        patient=patient, technique="microneedling", performed_at=days_ago(50), cartridge_lot="CL-OTHER"
    )
    return photographed(session, clinician, 330)


def report_url(patient, session):
    kind, key = course_key(session)
    return reverse("course-report", args=[patient.pk, kind, key])


def report_of(client, patient, session):
    return client.get(report_url(patient, session))


def test_it_is_a_pdf_download_named_without_the_patient(course, patient, clinician_client):
    response = report_of(clinician_client, patient, course[0])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="patient-{patient.pk}-course-{course[0].preset.slug}-report.pdf"'
    )
    assert response["Cache-Control"] == "no-store"


def test_it_holds_every_current_session_of_the_course_and_no_other(course, other_course, patient, clinician_client):
    text = read_pdf(report_of(clinician_client, patient, course[0]).content).flowing

    for number, session in enumerate(course, start=1):
        assert f"{timezone.localtime(session.performed_at):%Y-%m-%d %H:%M} · Session {number} of 4" in text
        assert f"cartridge lot CL-{number}" in text
    assert "CL-VOIDED" not in text
    assert "CL-OTHER" not in text
    assert patient.record_number in text


def test_a_course_without_a_preset_holds_its_own_sessions(course, other_course, patient, clinician_client):
    pdf = read_pdf(report_of(clinician_client, patient, other_course).content)

    assert "Microneedling without a preset" in pdf.flowing
    assert "CL-OTHER" in pdf.flowing and "Session 1" in pdf.flowing
    assert "CL-1" not in pdf.flowing
    assert pdf.images == [(330, PHOTO_HEIGHT)]  # its only photo


def test_it_holds_the_first_and_the_latest_photo_of_each_view(course, other_course, patient, clinician_client):
    pdf = read_pdf(report_of(clinician_client, patient, course[0]).content)

    assert pdf.images == [(300, PHOTO_HEIGHT), (320, PHOTO_HEIGHT)]
    first, latest = (timezone.localtime(course[i].performed_at) for i in (0, -1))
    assert f"Before – Vertex · {first:%Y-%m-%d %H:%M}" in pdf.flowing
    assert f"Before – Vertex · {latest:%Y-%m-%d %H:%M}" in pdf.flowing


def test_voided_photos_are_left_out(course, patient, clinician_client, clinician):
    void_record(record=course[-1].photos.get(), reason="Wrong patient.", by=clinician)

    pdf = read_pdf(report_of(clinician_client, patient, course[0]).content)

    assert pdf.images == [(300, PHOTO_HEIGHT), (310, PHOTO_HEIGHT)]


def test_without_photo_consent_it_holds_no_photo_and_says_why(course, patient, clinician_client):
    patient.photo_consent, patient.photo_consent_date = False, None
    patient.save()

    pdf = read_pdf(report_of(clinician_client, patient, course[0]).content)

    assert pdf.images == []
    assert "No photo consent: the photos of this patient are left out of the report." in pdf.flowing
    assert AuditEvent.objects.get(action=AuditAction.DISCLOSE).detail["photos"] == []


def test_it_draws_the_outcome_charts(course, patient, clinician_client):
    for session, satisfaction in zip(course, (2, 3, 4), strict=True):
        AssessmentFactory(patient=patient, assessed_on=session.performed_on, satisfaction=satisfaction)

    text = read_pdf(report_of(clinician_client, patient, course[0]).content).flowing

    assert "Outcomes" in text and "Patient satisfaction (1–5)" in text


def test_each_report_is_a_disclosure_naming_its_sessions_and_photos(course, patient, clinician_client, clinician):
    report_of(clinician_client, patient, course[0])

    event = AuditEvent.objects.get(action=AuditAction.DISCLOSE)
    assert (event.user, event.object_type, event.object_id) == (clinician, "patient", str(patient.pk))
    assert event.detail["report"] == "course"
    assert event.detail["course"] == [PRESET, course[0].preset.slug]
    assert event.detail["sessions"] == [session.pk for session in course]
    assert event.detail["photos"] == [str(course[0].photos.get().pk), str(course[-1].photos.get().pk)]


@pytest.mark.parametrize(
    ("kind", "key"), [(PRESET, "no-such-preset"), (TECHNIQUE, "smp"), (TECHNIQUE, "no-such-technique"), ("other", "x")]
)
def test_a_course_the_patient_does_not_have_is_404(course, patient, clinician_client, kind, key):
    response = clinician_client.get(reverse("course-report", args=[patient.pk, kind, key]))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.DISCLOSE).exists()


def test_it_is_refused_to_staff_without_the_clinician_role(refused_client):
    session = SessionFactory()

    response = report_of(refused_client, session.patient, session)

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.DISCLOSE).exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    session = SessionFactory()

    response = report_of(client, session.patient, session)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_the_patient_page_links_each_course_to_its_report(course, other_course, patient, clinician_client):
    page = clinician_client.get(patient.get_absolute_url()).content.decode()

    assert f'href="{report_url(patient, course[0])}"' in page
    assert f'href="{report_url(patient, other_course)}"' in page


def test_departures_are_said_in_the_readers_language_though_stored_in_english(course, patient, clinician, barletta):
    clinician.language = "pt-br"
    clinician.save(update_fields=["language"])
    session = course[0]
    session.refresh_from_db()
    components = list(session.blend_components.all())

    text = read_pdf(report_of(signed_in(clinician), patient, session).content).flowing

    with translation.override("pt-br"):
        said = [str(departure) for departure in session_deviations(session, components)]
    assert said and all(" ".join(departure.split()) in text for departure in said)
    assert session.deviation_summary and session.deviation_summary not in text
