"""Lot recall: a clinician finds every patient and session that received a product lot or a cartridge lot, on a
page and as a CSV for recall letters; every search and download is in the audit trail."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from clinic.vocabularies import Technique
from sessions.services import void_record
from sessions.views import recall as recall_views
from tests.support.dates import local
from tests.support.factories import BlendComponentFactory, CartridgeFactory, LotFactory, PatientFactory, SessionFactory
from tests.support.pages import text, text_of

pytestmark = pytest.mark.django_db

URL = reverse("lot-recall")
CSV_URL = reverse("lot-recall-csv")


@pytest.fixture
def minoxidil_lot():
    return LotFactory(number="MX-2026-A", product__name="Minoxidil 5 %", expiry_date=date(2027, 3, 31))


def given(lot, **session):
    """A session whose blend used the lot."""
    return BlendComponentFactory(lot=lot, **{f"session__{name}": value for name, value in session.items()}).session


def search(client, lot, url=URL, **more):
    return client.get(url, {"lot": lot, **more})


def letters(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("typed", ["MX-2026-A", "mx-2026-a", "  Mx-2026-A  "])
def test_it_finds_the_patients_given_a_product_lot_whatever_the_case_and_spaces(clinician_client, minoxidil_lot, typed):
    session = given(minoxidil_lot, patient=PatientFactory(record_number="P-777", last_name="Rossi"))
    given(LotFactory(number="MX-2026-B"))  # another lot of the same family: not an exact match

    response = search(clinician_client, typed)

    results = text_of(response, "recall-results")
    assert "P-777 Rossi" in results
    assert "Minoxidil 5 %" in results and "MX-2026-A" in results and "2027-03-31" in results
    assert "MX-2026-B" not in results
    assert "1 patient, 1 session." in results
    assert session.get_absolute_url() in text(response)
    assert session.patient.get_absolute_url() in text(response)


def test_it_finds_the_patients_given_a_cartridge_lot(clinician_client):
    session = SessionFactory(cartridge_lot="CH-881", cartridge_expiry=date(2028, 1, 31))
    SessionFactory(cartridge_lot="CH-8810")

    response = search(clinician_client, "ch-881 ")

    results = text_of(response, "recall-results")
    assert session.patient.record_number in results
    assert session.cartridge_name in results and "cartridge" in results and "2028-01-31" in results
    assert "1 patient, 1 session." in results


def test_a_lot_renamed_in_the_stock_list_is_found_by_the_number_the_session_used(clinician_client, minoxidil_lot):
    session = given(minoxidil_lot)
    minoxidil_lot.number = "MX-2026-A1"  # corrected in the admin after the session
    minoxidil_lot.save()

    by_old_number = text_of(search(clinician_client, "MX-2026-A"), "recall-results")
    by_new_number = text_of(search(clinician_client, "MX-2026-A1"), "recall-results")

    assert session.patient.record_number in by_old_number
    assert session.patient.record_number in by_new_number
    assert "MX-2026-A (now MX-2026-A1 in the stock list)" in by_new_number


def test_voided_sessions_and_blend_rows_are_left_out(clinician_client, clinician, minoxidil_lot):
    kept = given(minoxidil_lot)
    voided_session = given(minoxidil_lot)
    void_record(record=voided_session, reason="Logged on the wrong patient.", by=clinician)
    row = BlendComponentFactory(lot=minoxidil_lot)
    void_record(record=row, reason="Not given after all.", by=clinician)

    results = text_of(search(clinician_client, "MX-2026-A"), "recall-results")

    assert kept.patient.record_number in results
    assert voided_session.patient.record_number not in results
    assert row.session.patient.record_number not in results
    assert "1 patient, 1 session." in results


def test_it_says_when_nothing_matched(clinician_client, minoxidil_lot):
    given(minoxidil_lot)

    response = search(clinician_client, "NO-SUCH-LOT")

    assert response.status_code == 200
    assert "No current session received lot “NO-SUCH-LOT”" in text_of(response, "recall-none")
    assert "recall-csv" not in text(response)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the lot number to look for."),
        ("   ", "Enter the lot number to look for."),
        ("L" * 61, "A lot number has at most 60 characters (this one has 61)."),
    ],
    ids=["empty", "spaces", "too long"],
)
def test_bad_input_gets_a_clear_message(clinician_client, typed, message):
    page = search(clinician_client, typed)
    download = search(clinician_client, typed, url=CSV_URL)

    assert page.status_code == 200 and message in text(page)
    assert download.status_code == 400 and message in text(download)
    assert not AuditEvent.objects.filter(action__in=[AuditAction.SEARCH, AuditAction.EXPORT]).exists()


def test_a_null_character_is_refused_with_a_message(clinician_client):
    for url in (URL, CSV_URL):
        response = search(clinician_client, "MX\x00-1", url=url)

        assert response.status_code == 400 and "null character" in text(response)


def test_the_empty_page_asks_for_a_lot_number_without_an_error(clinician_client):
    response = clinician_client.get(URL)

    assert response.status_code == 200
    assert 'name="lot"' in text(response) and "Enter the lot number" not in text(response)


def test_a_long_result_comes_a_page_at_a_time(clinician_client, minoxidil_lot, monkeypatch):
    monkeypatch.setattr(recall_views, "SESSIONS_PER_PAGE", 2)
    sessions = [given(minoxidil_lot, performed_at=local(date(2026, 1, day))) for day in (1, 2, 3)]

    first = search(clinician_client, "mx-2026-a")
    second = search(clinician_client, "mx-2026-a", page=2)

    assert "Sessions 1–2 of 3, newest first" in text_of(first, "recall-pages")
    assert "?lot=mx-2026-a&amp;page=2" in text(first)
    assert [s.get_absolute_url() in text(first) for s in sessions] == [False, True, True]
    assert [s.get_absolute_url() in text(second) for s in sessions] == [True, False, False]
    assert "3 patients, 3 sessions." in text_of(second, "recall-results")


def test_each_search_and_the_patients_it_lists_are_audited(clinician_client, clinician, minoxidil_lot):
    first, second = given(minoxidil_lot), given(minoxidil_lot)
    cartridge_only = SessionFactory(patient=first.patient, cartridge_lot="mx-2026-a")

    search(clinician_client, " mx-2026-a ")

    searched = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert (searched.user, searched.detail) == (
        clinician,
        {"lot_recall": "mx-2026-a", "patients": 2, "sessions": 3},
    )
    listed = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert listed.detail["listed"] == "patient" and listed.detail["lot_recall"] == "mx-2026-a"
    assert sorted(listed.detail["pks"]) == sorted([str(first.patient.pk), str(second.patient.pk)])
    assert cartridge_only.patient == first.patient


def test_the_csv_holds_one_row_per_lot_received_with_the_patients_contact(clinician_client, minoxidil_lot):
    patient = PatientFactory(
        record_number="P-900", first_name="Giulia", last_name="Bianchi", phone="0471 123456", email="g@example.org"
    )
    given(minoxidil_lot, patient=patient, performed_at=local(date(2026, 2, 3)), technique=Technique.MMP)
    SessionFactory(
        patient=patient,
        performed_at=local(date(2026, 2, 10)),
        technique=Technique.MMP,
        cartridge=CartridgeFactory(name="27 RM"),
        cartridge_lot="MX-2026-A",
    )

    rows = letters(search(clinician_client, "mx-2026-a", url=CSV_URL))

    common = {
        "record_number": "P-900",
        "last_name": "Bianchi",
        "first_name": "Giulia",
        "date_of_birth": "1980-05-17",
        "phone": "0471 123456",
        "email": "g@example.org",
        "technique": Technique.MMP.label,
    }
    assert rows == [
        {
            **common,
            "session_date": "2026-02-10",
            "received": "cartridge",
            "product_or_cartridge": "27 RM",
            "lot_number": "MX-2026-A",
            "lot_expiry": "",
        },
        {
            **common,
            "session_date": "2026-02-03",
            "received": "product",
            "product_or_cartridge": "Minoxidil 5 %",
            "lot_number": "MX-2026-A",
            "lot_expiry": "2027-03-31",
        },
    ]


def test_the_csv_neutralises_text_a_spreadsheet_would_run(clinician_client):
    patient = PatientFactory(last_name='=HYPERLINK("http://x","y")', first_name="@SUM(A1)", phone="+1 555")
    lot = LotFactory(number="-2", product__name="=cmd|' /C calc'!A0")
    given(lot, patient=patient)

    (row,) = letters(search(clinician_client, "-2", url=CSV_URL))

    assert row["last_name"] == '\'=HYPERLINK("http://x","y")'
    assert row["first_name"] == "'@SUM(A1)"
    assert row["phone"] == "'+1 555"
    assert row["product_or_cartridge"] == "'=cmd|' /C calc'!A0"
    assert row["lot_number"] == "'-2"


def test_the_download_is_audited_as_an_export_naming_the_patients(clinician_client, clinician, minoxidil_lot):
    sessions = [given(minoxidil_lot), given(minoxidil_lot)]

    response = search(clinician_client, "MX-2026-A", url=CSV_URL)

    assert response["Content-Disposition"] == 'attachment; filename="lot-recall.csv"'
    exported = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert exported.user == clinician
    assert exported.detail == {
        "file": "lot-recall.csv",
        "lot_recall": "MX-2026-A",
        "patients": 2,
        "sessions": 2,
        "rows": 2,
        "pks": sorted(str(session.patient.pk) for session in sessions),
    }


@pytest.mark.parametrize("url", [URL, CSV_URL])
def test_staff_without_the_clinician_role_are_refused_and_see_no_patient(refused_client, minoxidil_lot, url):
    session = given(minoxidil_lot)

    response = search(refused_client, "MX-2026-A", url=url)

    assert response.status_code == 403
    assert session.patient.record_number not in text(response)
    assert not AuditEvent.objects.filter(action__in=[AuditAction.SEARCH, AuditAction.EXPORT]).exists()


@pytest.mark.parametrize("url", [URL, CSV_URL])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = search(client, "MX-2026-A", url=url)

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_clinicians_reach_it_from_the_menu_and_the_patient_list(clinician_client):
    page = text(clinician_client.get(reverse("patient-list")))

    assert page.count(f'href="{URL}"') == 2
