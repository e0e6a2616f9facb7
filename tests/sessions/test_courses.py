"""Course tracking: session n of N, the next due date from the preset's interval, overdue courses; courses
of sessions logged without a preset, numbered by technique."""

from datetime import date, datetime, time, timedelta
from importlib import import_module

import pytest
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from clinic.vocabularies import Technique
from protocols.models import EvidenceType, PresetStatus, ProtocolPreset
from sessions.courses import course_numbers, course_places, course_position, courses_for, refresh_course_deviations
from sessions.models import TreatmentSession
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

    assert (course_position(first).number, course_position(first).days_since_previous) == (1, None)
    assert (course_position(third).number, course_position(third).days_since_previous) == (3, 32)
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


def logged_without_preset(patient, technique, *days):
    return [SessionFactory(patient=patient, technique=technique, performed_at=on(day)) for day in days]


def test_sessions_without_a_preset_make_a_course_per_technique_with_no_total_or_due_date(monthly):
    patient = PatientFactory()
    logged_without_preset(patient, Technique.MICRONEEDLING, date(2026, 1, 1), date(2026, 2, 1))
    course_of(patient, monthly, date(2026, 1, 15))
    *_, third = logged_without_preset(patient, Technique.MICRONEEDLING, date(2026, 3, 1))
    (mesotherapy,) = logged_without_preset(patient, Technique.MESOTHERAPY, date(2026, 3, 2))

    courses = courses_for(patient, today=date(2027, 1, 1))

    assert [(c.preset, c.technique_label, c.place.label) for c in courses] == [
        (None, "Microneedling", "session 3"),
        (monthly, monthly.get_technique_display(), "session 1 of 4"),
        (None, "Mesotherapy", "session 1"),
    ]
    assert (courses[0].due_from, courses[0].overdue, courses[0].complete) == (None, False, False)
    assert courses[1].overdue  # a year on: only a preset's course has a due date to miss
    assert course_places(patient)[third.pk].label == "session 3"
    assert course_places(patient)[mesotherapy.pk].label == "session 1"
    assert third.pk not in course_numbers(patient)  # the preset courses' numbers, as photo labels show them


def test_a_preset_whose_slug_is_a_technique_code_is_not_merged_with_sessions_without_a_preset():
    spelled_like_mmp = ProtocolPreset.objects.create(
        name="House MMP protocol",
        slug=Technique.MMP,
        status=PresetStatus.PUBLISHED,
        technique=Technique.MMP,
        session_count=3,
        evidence_type=EvidenceType.CASE_SERIES,
        authors="Tester A",
    )
    patient = PatientFactory()
    plain = logged_without_preset(patient, Technique.MMP, date(2026, 1, 1), date(2026, 2, 1))
    from_preset = course_of(patient, spelled_like_mmp, date(2026, 1, 15), date(2026, 2, 15))

    places = course_places(patient)

    assert [places[s.pk].label for s in plain + from_preset] == [
        "session 1",
        "session 2",
        "session 1 of 3",
        "session 2 of 3",
    ]
    assert [c.place.label for c in courses_for(patient)] == ["session 2", "session 2 of 3"]


def test_the_patient_page_numbers_sessions_logged_without_a_preset(clinician_client):
    patient = PatientFactory()
    logged_without_preset(patient, Technique.MICRONEEDLING, date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1))

    body = clinician_client.get(patient.get_absolute_url()).content.decode()

    courses = body.split('id="courses"')[1].split("</ul>")[0]
    assert "Microneedling (no preset):" in courses and "session 3 · last on 2026-03-01" in courses
    assert "next due" not in courses
    timeline = body.split('id="timeline"')[1]
    assert timeline.index("session 3") < timeline.index("session 2") < timeline.index("session 1")  # newest first


def test_the_session_page_shows_its_place_in_the_course(clinician_client, monthly):
    patient = PatientFactory()
    _first, second = course_of(patient, monthly, date(2026, 9, 1), date(2026, 10, 1))
    (plain,) = logged_without_preset(patient, Technique.MICRONEEDLING, date(2026, 10, 5))

    from_preset = clinician_client.get(second.get_absolute_url()).content.decode()
    without = clinician_client.get(plain.get_absolute_url()).content.decode()

    assert "· session 2 of 4." in from_preset.split('id="preset"')[1].split("</p>")[0]
    assert "session 1 of Microneedling without a preset" in without.split('id="preset"')[1].split("</p>")[0]


def stored_due_dates(patient):
    return list(patient.treatment_sessions.order_by("performed_at").values_list("next_due_from", "next_due_to"))


def test_the_latest_session_of_an_unfinished_course_stores_when_the_next_is_due(monthly, clinician):
    patient = PatientFactory()
    _, second = course_of(patient, monthly, date(2026, 9, 1), date(2026, 10, 1))
    assert stored_due_dates(patient) == [(None, None), (date(2026, 10, 31), date(2026, 10, 31))]

    void_record(record=second, reason="Logged on the wrong day.", by=clinician)
    assert stored_due_dates(patient) == [(date(2026, 10, 1), date(2026, 10, 1)), (None, None)]

    course_of(patient, monthly, date(2026, 10, 2), date(2026, 11, 1), date(2026, 12, 1))  # 4 of 4: complete
    assert set(stored_due_dates(patient)) == {(None, None)}


def test_a_session_taken_out_of_its_preset_course_keeps_no_due_dates(monthly):
    patient = PatientFactory()
    (session,) = course_of(patient, monthly, date(2026, 9, 1))
    TreatmentSession.objects.filter(pk=session.pk).update(preset=None)

    refresh_course_deviations(patient, monthly.slug)  # what an edit that drops the preset does for the old course

    assert stored_due_dates(patient) == [(None, None)]


def test_the_migration_stores_what_the_courses_store(monthly):
    """Migration 0011 fills the due dates of the sessions logged before it as the course refresh stores them."""
    open_course, complete_course = PatientFactory(), PatientFactory()
    course_of(open_course, monthly, date(2026, 9, 1), date(2026, 10, 1))
    course_of(complete_course, monthly, date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1))
    SessionFactory(patient=open_course, performed_at=on(date(2026, 10, 5)))  # no preset: no due dates
    stored = list(TreatmentSession.objects.order_by("pk").values_list("pk", "next_due_from", "next_due_to"))
    TreatmentSession.objects.update(next_due_from=None, next_due_to=None)

    apps = MigrationLoader(None, ignore_no_migrations=True).project_state(("treatments", MIGRATION)).apps
    import_module(f"sessions.migrations.{MIGRATION}").store_next_due_dates(apps, None)

    assert list(TreatmentSession.objects.order_by("pk").values_list("pk", "next_due_from", "next_due_to")) == stored
    assert sum(due_from is not None for _, due_from, _ in stored) == 1


MIGRATION = "0013_worklist_due_dates"
