"""Course tracking: session n of N, the next due date from the preset's interval, overdue courses."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from protocols.models import ProtocolPreset
from sessions.courses import course_numbers, course_position, courses_for
from sessions.services import void_record
from tests.support.factories import PatientFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def monthly():
    """Barletta: 4 sessions, monthly (30 days)."""
    return ProtocolPreset.objects.get(slug="barletta-mmp-triamcinolone-aa")


def on(day):
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def course_of(patient, preset, *days):
    return [SessionFactory(patient=patient, preset=preset, performed_at=on(day)) for day in days]


def test_it_counts_sessions_and_gives_the_next_due_date(monthly):
    patient = PatientFactory()
    course_of(patient, monthly, date(2026, 9, 1), date(2026, 10, 1))

    (course,) = courses_for(patient, today=date(2026, 10, 20))

    assert (course.done, course.total, course.last_on) == (2, 4, date(2026, 10, 1))
    assert (course.due_from, course.due_to) == (date(2026, 10, 31), date(2026, 10, 31))
    assert not course.overdue and not course.complete


def test_a_course_past_its_due_date_and_tolerance_is_overdue(monthly):
    patient = PatientFactory()
    course_of(patient, monthly, date(2026, 9, 1))

    assert not courses_for(patient, today=date(2026, 10, 4))[0].overdue  # due 1 Oct, 3 days' tolerance
    assert courses_for(patient, today=date(2026, 10, 5))[0].overdue


def test_a_complete_course_has_no_next_date_and_is_never_overdue(monthly):
    patient = PatientFactory()
    course_of(patient, monthly, date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1))

    (course,) = courses_for(patient, today=date(2026, 11, 1))

    assert course.complete and course.due_from is None and not course.overdue


def test_voided_sessions_do_not_count(monthly, clinician):
    patient = PatientFactory()
    _first, second = course_of(patient, monthly, date(2026, 9, 1), date(2026, 10, 1))
    void_record(record=second, reason="Logged twice", by=clinician)

    (course,) = courses_for(patient, today=date(2026, 10, 2))

    assert (course.done, course.last_on) == (1, date(2026, 9, 1))


def test_each_preset_is_its_own_course_and_versions_share_a_course(monthly):
    from protocols.services import new_version, publish

    patient = PatientFactory()
    course_of(patient, monthly, date(2026, 9, 1))
    version_2 = new_version(monthly)
    publish(version_2)
    course_of(patient, version_2, date(2026, 10, 1))
    weekly = ProtocolPreset.objects.get(slug="dhurat-2013-dermaroller-minoxidil")
    course_of(patient, weekly, date(2026, 10, 10))

    courses = courses_for(patient, today=date(2026, 10, 12))

    assert [(c.preset.slug, c.preset.version, c.done) for c in courses] == [
        (monthly.slug, 2, 2),
        (weekly.slug, 1, 1),
    ]
    assert courses[1].due_from == date(2026, 10, 17)


def test_course_position_counts_earlier_sessions_and_days_since_the_previous(monthly):
    patient = PatientFactory()
    first, second, third = course_of(patient, monthly, date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 3))

    assert course_position(first) == (1, None)
    assert course_position(third) == (3, 32)
    assert course_numbers(patient) == {first.pk: 1, second.pk: 2, third.pk: 3}


def test_the_patient_page_shows_session_n_of_n_and_flags_an_overdue_course(clinician_client, monthly):
    patient = PatientFactory()
    last = timezone.localdate() - timedelta(days=60)
    course_of(patient, monthly, last - timedelta(days=30), last)

    body = clinician_client.get(patient.get_absolute_url()).content.decode()

    courses = body.split('id="courses"')[1].split("</ul>")[0]
    assert "session 2 of 4" in courses
    assert f"next due {last + timedelta(days=30):%Y-%m-%d}" in courses
    assert "overdue" in courses
    assert "session 2 of 4" in body.split('id="timeline"')[1]
