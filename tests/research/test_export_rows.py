"""Which sessions the research export holds: consent, voided and demo records, and each filter."""

from datetime import date, timedelta

import pytest

from clinic.vocabularies import Diagnosis, Technique
from protocols.models import EvidenceType, PresetStatus, ProtocolPreset
from research.query import ExportFilters, count_sessions, pseudonym
from sessions.services import void_record
from tests.research.support import exported, session_keys, session_with_blend
from tests.support.dates import local
from tests.support.factories import BlendComponentFactory, PatientFactory, ProductFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def keys(*sessions):
    return sorted(pseudonym("s", session.pk) for session in sessions)


def test_only_patients_with_research_consent_are_exported():
    consenting = SessionFactory(patient=PatientFactory(research_consent=True))
    SessionFactory(patient=PatientFactory(research_consent=False, research_consent_date=None))

    assert sorted(session_keys()) == keys(consenting)
    assert count_sessions(ExportFilters()) == 1
    assert count_sessions(ExportFilters(), research_consent=False) == 1


def test_a_withdrawn_consent_takes_every_session_of_the_patient_out():
    patient = PatientFactory()
    SessionFactory(patient=patient)
    SessionFactory(patient=patient)
    assert len(session_keys()) == 2

    patient.research_consent = False
    patient.research_consent_date = None
    patient.save()

    assert session_keys() == []


def test_voided_sessions_and_their_components_are_left_out(clinician):
    product = ProductFactory(name="Voided-session product")
    kept = SessionFactory()
    voided = session_with_blend(product)
    void_record(record=voided, reason="Logged on the wrong patient", by=clinician)

    sessions, blend = exported()

    assert [row["session_id"] for row in sessions] == keys(kept)
    assert all(row["product"] != "Voided-session product" for row in blend)
    assert count_sessions(ExportFilters()) == 1


def test_voided_blend_components_are_left_out_of_both_files(clinician):
    kept, dropped = ProductFactory(name="Kept product"), ProductFactory(name="Dropped product")
    session = session_with_blend(kept)
    wrong = BlendComponentFactory(session=session, product=dropped, lot=None)
    void_record(record=wrong, reason="Entered twice", by=clinician)

    (row,), blend = exported()

    assert [component["product"] for component in blend] == ["Kept product"]
    assert "Dropped product" not in row["blend"]
    assert row["blend"].startswith("Kept product")


def test_demo_records_are_left_out_unless_asked_for():
    real = SessionFactory()
    demo = SessionFactory(patient=PatientFactory(is_demo=True), is_demo=True)

    assert session_keys() == keys(real)
    assert sorted(session_keys(ExportFilters(include_demo=True))) == keys(real, demo)
    assert count_sessions(ExportFilters()) == 1
    assert count_sessions(ExportFilters(include_demo=True)) == 2


def test_a_demo_patient_without_consent_stays_out_even_with_demo_records():
    SessionFactory(patient=PatientFactory(is_demo=True, research_consent=False, research_consent_date=None))

    assert session_keys(ExportFilters(include_demo=True)) == []


def test_the_technique_filter():
    mmp = SessionFactory(technique=Technique.MMP)
    needling = SessionFactory(technique=Technique.MICRONEEDLING)

    assert session_keys(ExportFilters(technique=Technique.MMP)) == keys(mmp)
    assert session_keys(ExportFilters(technique=Technique.MICRONEEDLING)) == keys(needling)
    assert session_keys(ExportFilters(technique=Technique.SMP)) == []


def test_the_diagnosis_filter():
    areata = SessionFactory(patient=PatientFactory(diagnosis=Diagnosis.ALOPECIA_AREATA))
    SessionFactory(patient=PatientFactory(diagnosis=Diagnosis.FEMALE_PATTERN))

    assert session_keys(ExportFilters(diagnosis=Diagnosis.ALOPECIA_AREATA)) == keys(areata)


def test_the_clinician_filter():
    mine, theirs = UserFactory(roles=["clinician"]), UserFactory(roles=["clinician"])
    first, second = SessionFactory(clinician=mine), SessionFactory(clinician=mine)
    SessionFactory(clinician=theirs)

    assert sorted(session_keys(ExportFilters(clinician=mine.pk))) == keys(first, second)


def preset(slug, version, status, technique=Technique.MMP):
    return ProtocolPreset.objects.create(
        name=f"Test preset {slug}",
        slug=slug,
        version=version,
        status=status,
        technique=technique,
        evidence_type=EvidenceType.CASE_SERIES,
        authors="Tester A",
    )


def test_the_preset_filter_takes_every_version_of_the_slug():
    old = preset("test-course", 1, PresetStatus.RETIRED)
    new = preset("test-course", 2, PresetStatus.PUBLISHED)
    other = preset("other-course", 1, PresetStatus.PUBLISHED)
    from_old, from_new = SessionFactory(preset=old), SessionFactory(preset=new)
    SessionFactory(preset=other)
    SessionFactory(preset=None)

    assert sorted(session_keys(ExportFilters(preset="test-course"))) == keys(from_old, from_new)
    assert count_sessions(ExportFilters(preset="test-course")) == 2


def test_filters_combine():
    patient = PatientFactory(diagnosis=Diagnosis.ALOPECIA_AREATA)
    match = SessionFactory(patient=patient, technique=Technique.MESOTHERAPY, performed_at=local(date(2026, 3, 4)))
    SessionFactory(patient=patient, technique=Technique.MMP, performed_at=local(date(2026, 3, 4)))
    SessionFactory(patient=patient, technique=Technique.MESOTHERAPY, performed_at=local(date(2026, 5, 4)))

    filters = ExportFilters(
        technique=Technique.MESOTHERAPY,
        diagnosis=Diagnosis.ALOPECIA_AREATA,
        date_from=date(2026, 3, 1),
        date_to=date(2026, 3, 31),
    )
    assert session_keys(filters) == keys(match)
    assert count_sessions(filters) == 1


# The date range is of local calendar days, both ends included. A zone far from UTC (-5 in
# March, -4 after 8 March 2026) makes a filter on UTC days, or one that ignores the zone, fail.
@pytest.fixture(params=["UTC", "America/New_York", "Asia/Tokyo"])
def zone(request, settings):
    settings.TIME_ZONE = request.param
    return request.param


def test_the_date_range_includes_both_days_whole_in_local_time(zone):
    first, last = date(2026, 3, 10), date(2026, 3, 12)
    sessions = {
        "day before, 23:59": SessionFactory(performed_at=local(first - timedelta(days=1), 23, 59)),
        "first day, 00:00": SessionFactory(performed_at=local(first, 0, 0)),
        "first day, 00:30": SessionFactory(performed_at=local(first, 0, 30)),
        "middle day, noon": SessionFactory(performed_at=local(date(2026, 3, 11), 12)),
        "last day, 23:30": SessionFactory(performed_at=local(last, 23, 30)),
        "last day, 23:59": SessionFactory(performed_at=local(last, 23, 59)),
        "day after, 00:00": SessionFactory(performed_at=local(last + timedelta(days=1), 0, 0)),
    }
    inside = {pseudonym("s", s.pk): name for name, s in sessions.items() if not name.startswith("day ")}

    found = session_keys(ExportFilters(date_from=first, date_to=last))

    assert sorted(inside[key] for key in found if key in inside) == sorted(inside.values())
    assert len(found) == len(inside), "a session outside the range was exported"
    assert count_sessions(ExportFilters(date_from=first, date_to=last)) == 5


def test_a_one_day_range_is_that_local_day(zone):
    day = date(2026, 3, 10)
    early, late = SessionFactory(performed_at=local(day, 0, 5)), SessionFactory(performed_at=local(day, 23, 55))
    SessionFactory(performed_at=local(day - timedelta(days=1), 23, 55))
    SessionFactory(performed_at=local(day + timedelta(days=1), 0, 5))

    assert sorted(session_keys(ExportFilters(date_from=day, date_to=day))) == keys(early, late)


def test_only_a_start_or_only_an_end_date(zone):
    day = date(2026, 3, 10)
    before = SessionFactory(performed_at=local(day - timedelta(days=1), 23, 0))
    on_the_day = SessionFactory(performed_at=local(day, 1, 0))

    assert session_keys(ExportFilters(date_from=day)) == keys(on_the_day)
    assert session_keys(ExportFilters(date_to=day - timedelta(days=1))) == keys(before)
