"""Ages over 89 are one group, on the local day of the session; the patient and session keys are keyed
pseudonyms, stable with one key and unlinkable without it. Each test exports only what it made."""

import re
from datetime import date

import pytest

from research.query import ExportFilters, pseudonym
from sessions.models import TreatmentSession
from tests.research.support import EXACT, exported
from tests.support.dates import local
from tests.support.factories import BlendComponentFactory, PatientFactory, ProductFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


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

    (row,), _blend = exported(EXACT)

    assert row["age_years"] == age


def test_the_oldest_patients_are_not_told_apart(settings):
    for born in (date(1936, 6, 15), date(1930, 1, 1), date(1920, 12, 31), date(1926, 6, 15)):
        SessionFactory(patient=PatientFactory(date_of_birth=born), performed_at=local(date(2026, 6, 15), 12))

    rows, _blend = exported(EXACT)

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
