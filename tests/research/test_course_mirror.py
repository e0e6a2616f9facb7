"""The export's SQL window numbers each session in its course exactly as sessions.courses does, on
awkward data: a preset slug spelled like a technique code, same-minute sessions, a void in the middle,
back-dated sessions, two versions of one preset, preset-less sessions of two techniques."""

from datetime import date

import pytest

from clinic.vocabularies import Technique
from protocols.models import EvidenceType, PresetStatus, ProtocolPreset
from research.export import session_rows
from research.query import ExportFilters, pseudonym
from sessions.courses import course_places
from sessions.services import void_record
from tests.research.support import as_dicts, exported
from tests.support.dates import local
from tests.support.factories import PatientFactory, SessionFactory

pytestmark = pytest.mark.django_db


def preset(version, status):
    return ProtocolPreset.objects.create(
        name="A preset whose slug is a technique code",
        slug=Technique.MMP,
        version=version,
        status=status,
        technique=Technique.MMP,
        evidence_type=EvidenceType.CASE_SERIES,
        authors="Tester A",
    )


@pytest.fixture
def awkward(clinician):
    old, new = preset(1, PresetStatus.RETIRED), preset(2, PresetStatus.PUBLISHED)
    patient = PatientFactory()

    def log(day, *, minute=0, preset=None, technique=Technique.MMP):
        return SessionFactory(
            patient=patient, performed_at=local(day, minute=minute), preset=preset, technique=technique
        )

    named = {
        "preset 1": log(date(2026, 1, 5), preset=old),
        "plain 1": log(date(2026, 1, 5)),  # the same minute as "preset 1", of the technique its slug spells
        "plain 2": log(date(2026, 1, 5)),  # the same minute again: the pk decides
        "voided": log(date(2026, 2, 5), preset=old),
        "preset 3": log(date(2026, 3, 5), preset=new),
        "meso 1": log(date(2026, 3, 9), technique=Technique.MESOTHERAPY),
        # Logged last, performed before the later sessions of both mmp courses.
        "preset 2": log(date(2026, 2, 20), preset=new),
        "plain 0": log(date(2026, 1, 1)),
    }
    void_record(record=named["voided"], reason="Logged for the wrong patient", by=clinician)
    other = SessionFactory(patient=PatientFactory(), performed_at=local(date(2026, 1, 2)))  # numbered on its own
    return patient, named, other


def numbers_by_key(rows):
    return {row["session_id"]: int(row["course_session_number"]) for row in rows}


def test_the_courses_are_the_tagged_keys_numbered_by_time_then_pk(awkward):
    patient, named, _other = awkward

    places = course_places(patient)

    assert {name: places[s.pk].label for name, s in named.items() if s.pk in places} == {
        "preset 1": "session 1",
        "preset 2": "session 2",
        "preset 3": "session 3",
        "plain 0": "session 1",
        "plain 1": "session 2",
        "plain 2": "session 3",
        "meso 1": "session 1",
    }
    assert named["voided"].pk not in places


@pytest.mark.parametrize("path", ["file", "python rows"])
def test_the_exported_course_numbers_are_the_course_modules(awkward, path):
    patient, _named, other = awkward
    rows = exported()[0] if path == "file" else as_dicts(list(session_rows(ExportFilters())))

    expected = {pseudonym("s", pk): place.number for pk, place in course_places(patient).items()}
    expected[pseudonym("s", other.pk)] = 1

    assert numbers_by_key(rows) == expected
