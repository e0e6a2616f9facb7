"""Nothing in the research files identifies a patient: no names, record numbers, dates, notes or contact;
ages over 89 are one group; the patient key is a keyed pseudonym."""

import re
from datetime import date

import pytest

from clinic.models import Patient
from research.columns import SESSION_COLUMNS
from research.query import ExportFilters, pseudonym
from sessions.demo import DEMO_CLINICIAN, DEMO_NOTE, create_demo_data
from sessions.models import TreatmentSession
from tests.research.support import BLEND_URL, CODEBOOK_URL, SESSIONS_URL, as_dicts, body, exported, parse
from tests.support.dates import local
from tests.support.factories import BlendComponentFactory, PatientFactory, ProductFactory, SessionFactory, UserFactory

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


@pytest.fixture
def clinic(seeded_presets, clinician):
    """Demo courses (some patients with consent, some without) and real-looking patients whose
    every identifying field carries a marker."""
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


@pytest.fixture
def files(clinic, client_for, researcher):
    client = client_for(researcher)
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
    names = {column.name for column in SESSION_COLUMNS}
    forbidden = re.compile(r"name$|record|birth|dob|date|_at$|phone|email|notes?$|address|photo|clinician|serial|lot")

    assert {name for name in names if forbidden.search(name) and name != "device_model"} == set()


# --- Ages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo", "America/Los_Angeles"])
@pytest.mark.parametrize(
    ("born", "performed", "age"),
    [
        (date(1937, 6, 15), (date(2026, 6, 15), 0, 30), "89"),
        (date(1936, 6, 15), (date(2026, 6, 14), 23, 30), "89"),  # the day before the 90th birthday
        (date(1936, 6, 15), (date(2026, 6, 15), 0, 30), "90+"),  # the 90th birthday itself
        (date(1936, 6, 15), (date(2026, 6, 15), 23, 30), "90+"),
        (date(1926, 6, 15), (date(2026, 6, 15), 0, 30), "90+"),  # 100
        (date(1926, 6, 16), (date(2026, 6, 15), 12, 0), "90+"),  # 99
        (date(1936, 2, 29), (date(2026, 2, 28), 12, 0), "89"),  # born on 29 February
        (date(1936, 2, 29), (date(2026, 3, 1), 12, 0), "90+"),
        (date(2000, 1, 1), (date(2026, 1, 1), 0, 0), "26"),
    ],
)
def test_the_age_is_on_the_local_session_day_and_over_89_is_one_group(settings, zone, born, performed, age):
    settings.TIME_ZONE = zone
    day, hour, minute = performed
    SessionFactory(patient=PatientFactory(date_of_birth=born), performed_at=local(day, hour, minute))

    (row,), _blend = exported()

    assert row["age_years"] == age


def test_the_oldest_patients_are_not_told_apart(settings):
    for born in (date(1936, 6, 15), date(1930, 1, 1), date(1920, 12, 31), date(1926, 6, 15)):
        SessionFactory(patient=PatientFactory(date_of_birth=born), performed_at=local(date(2026, 6, 15), 12))

    rows, _blend = exported()

    assert [row["age_years"] for row in rows] == ["90+"] * 4


# --- Pseudonyms ------------------------------------------------------------------------------


@pytest.fixture
def patients():
    people = [PatientFactory(record_number=f"P-{n:05d}") for n in range(1, 6)]
    for patient in people:
        SessionFactory(patient=patient)
        SessionFactory(patient=patient)
    return people


def ids(settings, key):
    settings.RESEARCH_PSEUDONYM_KEY = key
    rows, blend = exported()
    return [(row["patient_id"], row["session_id"]) for row in rows], [row["session_id"] for row in blend]


def test_pseudonyms_are_stable_across_exports_with_the_same_key(settings, patients):
    first, _ = ids(settings, "study-key-1")
    second, _ = ids(settings, "study-key-1")

    assert first == second
    assert len({patient for patient, _session in first}) == 5
    assert len({session for _patient, session in first}) == 10


def test_another_key_gives_other_pseudonyms_for_everyone(settings, patients):
    one, _ = ids(settings, "study-key-1")
    other, _ = ids(settings, "study-key-2")

    assert {p for p, _s in one}.isdisjoint({p for p, _s in other})
    assert {s for _p, s in one}.isdisjoint({s for _p, s in other})


def test_without_a_research_key_the_pseudonyms_follow_the_secret_key(settings, patients):
    settings.SECRET_KEY = "one secret key for this test only, long enough"
    one, _ = ids(settings, "")
    settings.SECRET_KEY = "another secret key for this test only, long enough"
    other, _ = ids(settings, "")

    assert {p for p, _s in one}.isdisjoint({p for p, _s in other})


def test_the_patient_key_is_neither_the_id_nor_the_record_number(settings, patients):
    settings.RESEARCH_PSEUDONYM_KEY = "study-key-1"
    rows, _blend = exported()
    by_patient = {pseudonym("p", patient.pk): patient for patient in patients}

    assert {row["patient_id"] for row in rows} == set(by_patient)
    for key, patient in by_patient.items():
        assert re.fullmatch(r"p_[0-9a-f]{20}", key)
        assert key not in (str(patient.pk), patient.record_number, f"p_{patient.pk}")
        assert patient.record_number.lower() not in key.lower()
        assert patient.record_number.replace("P-", "") not in key
    session_pks = {str(pk) for pk in TreatmentSession.objects.values_list("pk", flat=True)}
    assert not {row["session_id"] for row in rows} & session_pks


def test_the_session_key_joins_the_two_files_and_differs_from_the_patient_key(settings, patients):
    for session in TreatmentSession.objects.all()[:3]:
        BlendComponentFactory(session=session, product=ProductFactory(), lot=None)
    rows, blend = exported()

    assert {row["session_id"] for row in blend} <= {row["session_id"] for row in rows}
    assert len({row["session_id"] for row in blend}) == 3
    assert pseudonym("s", patients[0].pk) != pseudonym("p", patients[0].pk)


def test_the_clinician_filter_does_not_put_the_clinician_in_the_file(patients):
    doctor = UserFactory(username="dr.unique-marker", first_name="Hildegard", last_name="Vonbingen")
    SessionFactory(clinician=doctor)

    rows, _blend = exported(ExportFilters(clinician=doctor.pk))

    assert len(rows) == 1
    assert not any("unique-marker" in cell or "Hildegard" in cell for cell in rows[0].values())
