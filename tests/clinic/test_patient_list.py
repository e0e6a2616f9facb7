import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from sessions.services import void_record
from tests.support.db import count_queries
from tests.support.factories import PatientFactory, SessionFactory

URL = reverse("patient-list")


def test_it_lists_patients_with_their_session_count(clinician_client):
    patient = PatientFactory(first_name="Ada", last_name="Lovelace", record_number="P-1815")
    SessionFactory.create_batch(2, patient=patient)

    body = clinician_client.get(URL).content.decode()

    assert "P-1815" in body
    assert "Lovelace, Ada" in body
    assert '<td class="text-end">2</td>' in body


def test_voided_sessions_neither_count_nor_make_the_last_session(clinician_client):
    patient = PatientFactory(record_number="P-1815")
    kept = SessionFactory(patient=patient, performed_at=timezone.now() - timedelta(days=30))
    voided = SessionFactory(patient=patient, performed_at=timezone.now() - timedelta(days=1))
    void_record(record=voided, reason="Logged against the wrong patient", by=kept.clinician)

    (listed,) = clinician_client.get(URL).context["page"].object_list

    assert (listed.session_count, listed.last_session_at) == (1, kept.performed_at)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("-last_session", ["recent", "older", "never"]), ("last_session", ["never", "older", "recent"])],
)
def test_sorting_by_last_session_puts_the_never_treated_as_longest_ago(clinician_client, sort, expected):
    for name, days_ago in (("older", 60), ("recent", 2), ("never", None)):
        patient = PatientFactory(last_name=name)
        if days_ago is not None:
            SessionFactory(patient=patient, performed_at=timezone.now() - timedelta(days=days_ago))

    listed = clinician_client.get(URL, {"sort": sort}).context["page"].object_list

    assert [patient.last_name for patient in listed] == expected


def test_it_finds_a_patient_by_record_number_or_name(clinician_client):
    PatientFactory(first_name="Ada", last_name="Lovelace", record_number="P-1815")
    PatientFactory(first_name="Grace", last_name="Hopper", record_number="P-1906")

    by_record = clinician_client.get(URL, {"q": "1906"}).content.decode()
    by_name = clinician_client.get(URL, {"q": "lovelace"}).content.decode()
    by_both_words = clinician_client.get(URL, {"q": "ada lovelace"}).content.decode()

    assert "Hopper" in by_record and "Lovelace" not in by_record
    assert "Lovelace" in by_name and "Hopper" not in by_name
    assert "Lovelace" in by_both_words and "Hopper" not in by_both_words


def test_it_says_when_nothing_matches(clinician_client):
    PatientFactory(last_name="Lovelace")

    body = clinician_client.get(URL, {"q": "nobody"}).content.decode()

    assert "No patient matches “nobody”" in body


def test_it_escapes_the_search_text(clinician_client):
    body = clinician_client.get(URL, {"q": "<script>alert(1)</script>"}).content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_it_pages_through_25_patients_at_a_time(clinician_client):
    PatientFactory.create_batch(30)

    first = clinician_client.get(URL)
    second = clinician_client.get(URL, {"page": 2})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert "Page 1 of 2 (30)" in first.content.decode()


def test_a_page_number_out_of_range_or_not_a_number_shows_a_page(clinician_client):
    PatientFactory.create_batch(3)

    assert clinician_client.get(URL, {"page": "999"}).status_code == 200
    assert clinician_client.get(URL, {"page": "abc"}).status_code == 200


def test_the_search_keeps_working_across_pages_and_its_term_never_reaches_an_address(clinician_client):
    PatientFactory.create_batch(30, last_name="Smith")

    searched = clinician_client.post(reverse("patient-search"), {"q": "Smith"}, follow=True)

    address, _ = searched.redirect_chain[-1]
    token = re.fullmatch(r"/patients/\?search=([\w-]+)", address).group(1)
    body = searched.content.decode()
    assert f"search={token}&amp;sort=name&amp;page=2" in body
    assert "Smith" not in address and "q=Smith" not in body and "?q=" not in body
    second = clinician_client.get(URL, {"search": token, "page": 2})
    assert len(second.context["page"].object_list) == 5 and second.context["query"] == "Smith"
    assert clinician_client.get(URL, {"search": "forgotten"}).context["query"] == ""


def test_each_page_of_patients_shown_is_audited_with_the_search(clinician_client):
    smiths = PatientFactory.create_batch(3, last_name="Smith")
    PatientFactory(last_name="Jones")

    clinician_client.post(reverse("patient-search"), {"q": "smith"}, follow=True)

    event = AuditEvent.objects.filter(action=AuditAction.VIEW).last()
    assert event.detail == {"listed": "patient", "pks": [str(p.pk) for p in smiths], "search": "smith"}


def test_it_runs_the_same_number_of_queries_for_10_or_50_patients(clinician_client):
    for patient in PatientFactory.create_batch(10):
        SessionFactory(patient=patient)
    ten = count_queries(clinician_client, URL)

    for patient in PatientFactory.create_batch(40):
        SessionFactory(patient=patient)
    fifty = count_queries(clinician_client, URL)

    assert ten == fifty


@pytest.mark.parametrize("sort", ["name", "-name", "record", "-record", "last_session", "-last_session"])
def test_every_page_holds_the_patients_of_its_place_in_the_order(clinician_client, sort):
    for number in range(53):
        patient = PatientFactory(last_name=f"Same{number % 4}", first_name="Ada")
        if number % 3:  # a third never treated, the others on a few shared days
            SessionFactory(patient=patient, performed_at=timezone.now() - timedelta(days=number % 5 + 1))

    pages = [clinician_client.get(URL, {"sort": sort, "page": page}).context["page"] for page in (1, 2, 3)]
    whole = clinician_client.get(URL, {"sort": sort, "page": 1}).context["page"].paginator.object_list

    assert [len(page.object_list) for page in pages] == [25, 25, 3]
    assert [patient.pk for page in pages for patient in page.object_list] == [patient.pk for patient in whole]
