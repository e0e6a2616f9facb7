"""The export page's counts (one cheap COUNT) are the numbers of rows the full export query gives."""

from datetime import date

import pytest
from django.db import connection

from clinic.vocabularies import Diagnosis, Technique
from protocols.models import PresetStatus
from research.query import ExportFilters, session_counts
from sessions.services import void_record
from tests.research.support import session_keys
from tests.research.test_export_rows import preset
from tests.support.dates import local
from tests.support.factories import PatientFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

FILTERS = [
    ExportFilters(),
    ExportFilters(include_demo=True),
    ExportFilters(technique=Technique.MESOTHERAPY),
    ExportFilters(diagnosis=Diagnosis.ALOPECIA_AREATA),
    ExportFilters(preset="counted-course"),
    ExportFilters(date_from=date(2026, 3, 1)),
    ExportFilters(date_to=date(2026, 3, 31)),
    ExportFilters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31), technique=Technique.MMP),
    ExportFilters(preset="counted-course", diagnosis=Diagnosis.ALOPECIA_AREATA, include_demo=True),
    ExportFilters(technique=Technique.MICRONEEDLING),
]


@pytest.fixture
def sessions_of_every_kind(clinician):
    old, new = preset("counted-course", 1, PresetStatus.RETIRED), preset("counted-course", 2, PresetStatus.PUBLISHED)
    patients = [
        PatientFactory(),
        PatientFactory(diagnosis=Diagnosis.ALOPECIA_AREATA),
        PatientFactory(research_consent=False, research_consent_date=None),
        PatientFactory(diagnosis=Diagnosis.ALOPECIA_AREATA, research_consent=False, research_consent_date=None),
        PatientFactory(is_demo=True),
        PatientFactory(is_demo=True, research_consent=False, research_consent_date=None),
    ]
    other_clinician = UserFactory(roles=["clinician"])
    for number, patient in enumerate(patients):
        SessionFactory(patient=patient, performed_at=local(date(2026, 2, 20 + number)), preset=old)
        SessionFactory(patient=patient, performed_at=local(date(2026, 3, 10 + number)), preset=new)
        SessionFactory(patient=patient, performed_at=local(date(2026, 3, 31), 23, 30), technique=Technique.MESOTHERAPY)
        SessionFactory(patient=patient, performed_at=local(date(2026, 4, 2)), clinician=other_clinician)
        void_record(record=SessionFactory(patient=patient), reason="Logged twice", by=clinician)
    return other_clinician


def rows_of_the_export_query(filters, research_consent):
    sql, params = filters.sql(research_consent)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return len(cursor.fetchall())


def test_the_counts_are_the_rows_of_the_export(sessions_of_every_kind):
    # Every filter set on one world: building it is what costs.
    differing = {}
    for filters in FILTERS:
        counted = session_counts(filters)
        exported = {
            "included": rows_of_the_export_query(filters, True),
            "without_consent": rows_of_the_export_query(filters, False),
        }
        assert len(session_keys(filters)) == exported["included"], filters.described()
        # Whole numbers, not PostgreSQL's numeric sums: the page and the bench print them, JSON carries them.
        if counted != exported or {type(count) for count in counted.values()} != {int}:
            differing[str(filters.described())] = (counted, exported)

    assert differing == {}


def test_the_clinician_filter_counts_the_same_rows(sessions_of_every_kind):
    filters = ExportFilters(clinician=sessions_of_every_kind.pk, include_demo=True)

    assert session_counts(filters) == {"included": 3, "without_consent": 3}
    assert len(session_keys(filters)) == 3


def test_with_nothing_matching_both_counts_are_zero(sessions_of_every_kind):
    assert session_counts(ExportFilters(date_from=date(2031, 1, 1))) == {"included": 0, "without_consent": 0}
