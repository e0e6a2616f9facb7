"""Nothing in the research files identifies a patient: no names, record numbers, dates, notes or contact
(ages and the keys: tests/research/test_ages_and_pseudonyms.py)."""

import re
from datetime import date

import pytest

from clinic.models import Patient
from clinic.roles import CLINICIAN, RESEARCHER
from research.columns import session_columns
from research.query import ExportFilters
from sessions.demo import DEMO_CLINICIAN, DEMO_NOTE, create_demo_data
from sessions.models import TreatmentSession
from tests.research.support import BLEND_URL, CODEBOOK_URL, SESSIONS_URL, as_dicts, body, parse
from tests.support.clients import signed_in
from tests.support.dates import local
from tests.support.db import module_rows, seed_literature_presets
from tests.support.factories import PatientFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def date_formats(day):
    """The ways a date of birth could be written."""
    return {
        day.isoformat(),
        f"{day:%d/%m/%Y}",
        f"{day:%m/%d/%Y}",
        f"{day:%d.%m.%Y}",
        f"{day:%d-%m-%Y}",
        f"{day:%Y/%m/%d}",
        f"{day.day}/{day.month}/{day.year}",
        f"{day.month}/{day.day}/{day.year}",
        f"{day:%d/%m/%y}",
        f"{day:%d %b %Y}",
        f"{day:%d %B %Y}",
        f"{day:%B %d, %Y}",
    }


CALENDAR_DATE = re.compile(
    r"\b(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{4}/\d{1,2}/\d{1,2}|\d{8})\b"
    r"|\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}\b",
    re.IGNORECASE,
)


@module_rows
def files():
    """Demo courses (some patients with consent, some without) and real-looking patients whose every identifying
    field carries a marker, made and downloaded once for the module: the tests only read the files."""
    seed_literature_presets()
    clinician = UserFactory(username="dr.deidentification", roles=[CLINICIAN])
    create_demo_data(patients=30, sessions_per_patient=3, seed=20260301)
    for n in range(3):
        patient = PatientFactory(
            record_number=f"MRN-4711{n}",
            first_name=f"Zebulon{n}",
            last_name=f"Quixotic{n}",
            date_of_birth=date(1961, 8, 23 + n),
            phone=f"+41 79 555 01 0{n}",
            email=f"zebulon{n}@example.org",
            notes=f"PATIENT-NOTE-MARKER-{n}",
        )
        SessionFactory(
            patient=patient,
            clinician=clinician,
            notes=f"SESSION-NOTE-MARKER-{n}",
            adverse_event_notes=f"ADVERSE-NOTE-MARKER-{n}",
            cartridge_lot=f"CARTLOT-MARKER-{n}",
            device__serial_number=f"SERIAL-MARKER-{n}",
            performed_at=local(date(2026, 4, 1 + n)),
        )
    consenting = Patient.objects.filter(research_consent=True)
    assert consenting.filter(is_demo=True).exists() and Patient.objects.filter(research_consent=False).exists()
    assert TreatmentSession.objects.filter(patient__in=consenting, is_demo=True).count() > 10
    client = signed_in(UserFactory(username="researcher.deidentification", roles=[RESEARCHER]))
    return {
        "sessions.csv": body(client.get(SESSIONS_URL, {"include_demo": "on"})),
        "blend_components.csv": body(client.get(BLEND_URL, {"include_demo": "on"})),
        "codebook.csv": body(client.get(CODEBOOK_URL)),
    }


def test_the_export_holds_the_demo_sessions_of_consenting_patients(files):
    rows = as_dicts(parse(files["sessions.csv"]))
    expected = TreatmentSession.objects.filter(patient__research_consent=True).count()

    assert len(rows) == expected > 10


def leaks(text, patients):
    """Each patient's name, record number or date of birth found in the text."""
    found, lowered = [], text.lower()
    for patient in patients:
        for full_name in (
            f"{patient.first_name} {patient.last_name}",
            f"{patient.last_name} {patient.first_name}",
            f"{patient.last_name}, {patient.first_name}",
            f"{patient.first_name}{patient.last_name}",
        ):
            if full_name.lower() in lowered:
                found.append(full_name)
        if patient.record_number.lower() in lowered:
            found.append(patient.record_number)
        found += [written for written in date_formats(patient.date_of_birth) if written.lower() in lowered]
    return found


def test_no_name_record_number_or_date_of_birth_appears_in_any_file(files):
    everyone = list(Patient.objects.all())
    assert len(everyone) == 33

    for name, text in files.items():
        assert leaks(text, everyone) == [], name


def test_the_scan_would_find_a_leak(files):
    patient = Patient.objects.filter(is_demo=True, research_consent=True).first()
    for planted in (
        f"x,{patient.first_name} {patient.last_name},1\r\n",
        f"x,{patient.record_number},1\r\n",
        f"x,{patient.date_of_birth:%d/%m/%Y},1\r\n",
        f"x,{patient.date_of_birth.isoformat()},1\r\n",
    ):
        assert leaks(files["sessions.csv"] + planted, [patient])
    assert CALENDAR_DATE.search(f"{patient.date_of_birth:%d.%m.%Y}")
    assert CALENDAR_DATE.search(patient.date_of_birth.isoformat())
    assert not CALENDAR_DATE.search("0.5") and not CALENDAR_DATE.search("12.5")


def test_no_marked_identifier_notes_or_contact_detail_appears(files):
    text = "\n".join(files.values())

    for marker in ("Zebulon", "Quixotic", "MRN-4711", "@example.org", "+41 79", "555 01"):
        assert marker.lower() not in text.lower(), marker
    for marker in ("PATIENT-NOTE", "SESSION-NOTE", "ADVERSE-NOTE", "CARTLOT", "SERIAL-MARKER", DEMO_NOTE):
        assert marker not in text, marker
    assert "DEMO-0" not in text  # demo record numbers and lots
    for username in (DEMO_CLINICIAN, "dr.clinician"):
        assert username not in text


def test_no_cell_holds_a_calendar_date(files):
    for name in ("sessions.csv", "blend_components.csv"):
        for row in parse(files[name]):
            for cell in row:
                assert not CALENDAR_DATE.search(cell), (name, cell)


def test_no_column_is_an_identifier_or_a_date():
    names = {column.name for column in session_columns(ExportFilters())}
    forbidden = re.compile(r"name$|record|birth|dob|date|_at$|phone|email|notes?$|address|photo|clinician|serial|lot")

    assert {name for name in names if forbidden.search(name) and name != "device_model"} == set()
