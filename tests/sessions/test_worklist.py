"""The "Today" worklist above the clinician's patient list: preset courses due this week or overdue (not those
complete, not yet due, or abandoned), and the sessions performed today; only on the first page without a search."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from sessions import worklist as worklist_module
from sessions.services import void_record
from tests.support.dates import local
from tests.support.db import count_queries
from tests.support.factories import PatientFactory, SessionFactory
from tests.support.pages import text_of

pytestmark = pytest.mark.django_db

URL = reverse("patient-list")


def days_ago(days, hour=10):
    return local(timezone.localdate() - timedelta(days=days), hour)


def course(preset, *days_ago_each, patient=None):
    """A patient's sessions of a preset course, `days_ago_each` days before today; the patient."""
    patient = patient or PatientFactory()
    for days in days_ago_each:
        SessionFactory(patient=patient, preset=preset, technique=preset.technique, performed_at=days_ago(days))
    return patient


def due_list(client, url=URL):
    return text_of(client.get(url), "worklist-due")


def test_a_course_due_this_week_is_listed_with_its_days_to_go(clinician_client, barletta):
    patient = course(barletta, 56, 26)  # monthly: next session due in 4 days

    listed = due_list(clinician_client)

    assert f"{patient.record_number} {patient.last_name}, {patient.first_name}" in listed
    assert "2 of 4 sessions done" in listed and "due in 4 days" in listed
    assert (timezone.localdate() + timedelta(days=4)).isoformat() in listed


def test_an_overdue_course_is_listed_with_its_days_overdue(clinician_client, barletta):
    patient = course(barletta, 40)

    listed = due_list(clinician_client)

    assert patient.record_number in listed and "overdue by 10 days" in listed


def test_a_course_due_today_says_so(clinician_client, barletta):
    course(barletta, 30)

    assert "due today" in due_list(clinician_client)


@pytest.mark.parametrize(
    ("days", "listed"),
    [(24, True), (23, False), (10, False), (120, True), (121, False)],
    ids=["due in 6 days", "due in 7 days", "due in 20 days", "overdue by 90 days", "overdue by 91 days: abandoned"],
)
def test_only_courses_due_this_week_or_overdue_but_not_abandoned_are_listed(clinician_client, barletta, days, listed):
    patient = course(barletta, days)

    assert (patient.record_number in due_list(clinician_client)) is listed


def test_a_complete_course_is_not_listed(clinician_client, barletta):
    patient = course(barletta, 130, 100, 70, 40)

    listed = due_list(clinician_client)

    assert patient.record_number not in listed and "No course is due this week." in listed


def test_sessions_without_a_preset_have_no_due_date_and_are_not_listed(clinician_client):
    session = SessionFactory(performed_at=days_ago(30))

    assert session.patient.record_number not in due_list(clinician_client)


def test_voided_sessions_are_ignored(clinician_client, clinician, barletta):
    patient = course(barletta, 26)
    void_record(record=patient.treatment_sessions.get(), reason="Logged on the wrong patient.", by=clinician)
    voided_today = SessionFactory(performed_at=days_ago(0, hour=0))
    void_record(record=voided_today, reason="Logged twice.", by=clinician)

    response = clinician_client.get(URL)

    assert patient.record_number not in text_of(response, "worklist-due")
    assert voided_today.patient.record_number not in text_of(response, "worklist-today")


def test_voiding_the_latest_session_makes_the_one_before_it_the_last(clinician_client, clinician, barletta):
    patient = course(barletta, 56, 26)
    void_record(record=patient.treatment_sessions.latest("performed_at"), reason="Logged twice.", by=clinician)

    listed = due_list(clinician_client)

    assert "1 of 4 sessions done" in listed and "overdue by 26 days" in listed


def test_the_sessions_performed_today_are_listed_with_links(clinician_client, client_for):
    today = SessionFactory(performed_at=days_ago(0, hour=0), patient=PatientFactory(last_name="Rossi"))
    yesterday = SessionFactory(performed_at=days_ago(1, hour=23))

    response = clinician_client.get(URL)

    listed = text_of(response, "worklist-today")
    assert f"00:00 {today.get_technique_display()}" in listed
    assert f"{today.patient.record_number} Rossi" in listed and today.clinician.get_username() in listed
    assert yesterday.patient.record_number not in listed
    assert f'href="{today.get_absolute_url()}"' in response.content.decode()


def test_long_lists_are_cut_with_a_count_of_the_rest(clinician_client, barletta, monkeypatch):
    monkeypatch.setattr(worklist_module, "SHOWN", 2)
    for days in (26, 27, 28):
        course(barletta, days)
    for _ in range(3):
        SessionFactory(performed_at=days_ago(0, hour=0))

    response = clinician_client.get(URL)

    assert "and 1 more." in text_of(response, "worklist-due")
    assert "and 1 more." in text_of(response, "worklist-today")


def test_the_patients_it_shows_are_audited_as_a_list(clinician_client, clinician, barletta):
    due = course(barletta, 26)
    today = SessionFactory(performed_at=days_ago(0, hour=0))
    course(barletta, 10)  # not due: not shown, not recorded

    clinician_client.get(URL)

    (listed,) = AuditEvent.objects.filter(action=AuditAction.VIEW, detail__has_key="worklist")
    assert listed.user == clinician and listed.detail["listed"] == "patient"
    assert listed.detail["worklist"] == [str(due.pk), str(today.patient.pk)]


def test_it_is_only_on_the_first_page_without_a_search(clinician_client, barletta):
    for _ in range(26):
        PatientFactory()
    patient = course(barletta, 26)

    assert patient.record_number in due_list(clinician_client, f"{URL}?page=1&sort=record")
    assert due_list(clinician_client, f"{URL}?page=2") is None
    assert due_list(clinician_client, f"{URL}?q={patient.record_number}") is None


def add_patients_due_and_seen_today(count, preset):
    for _ in range(count):
        patient = course(preset, 56, 26)
        SessionFactory(patient=patient, performed_at=days_ago(0, hour=0))


def test_the_worklist_costs_as_many_queries_for_60_patients_as_for_30_and_counts_only_long_lists(
    clinician_client, barletta
):
    add_patients_due_and_seen_today(3, barletta)
    at_3 = count_queries(clinician_client, URL)
    add_patients_due_and_seen_today(27, barletta)
    at_30 = count_queries(clinician_client, URL)

    add_patients_due_and_seen_today(30, barletta)
    at_60 = count_queries(clinician_client, URL)

    assert "and 40 more." in text_of(clinician_client.get(URL), "worklist-due")
    assert at_60 == at_30
    assert at_3 == at_30 - 2  # both lists fit: neither is counted
