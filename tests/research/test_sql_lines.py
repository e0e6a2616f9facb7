"""On PostgreSQL the sessions file is built in SQL: it must be the very bytes the Python path writes."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from clinic.models import Device, Product
from protocols.models import ProtocolPreset
from research import sql_lines
from research.export import ExportFilters, session_lines, session_rows
from research.files import csv_lines
from sessions.services import void_record
from tests.factories import BlendComponentFactory, DeviceFactory, LotFactory, PatientFactory, SessionFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL path is PostgreSQL's (pgcrypto)"),
]

AWKWARD_TEXT = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2",
    "@SUM(A1)",
    "\t=1",
    'Quote "inside", and a comma',
    "Line one\nline two",
    "Carriage\rreturn",
    "Minoxidil 5 % – ½ µg ✓",
]


@pytest.fixture
def awkward_world(clinician):
    barletta = ProtocolPreset.objects.get(slug="barletta-mmp-triamcinolone-aa")
    old = PatientFactory(date_of_birth=date(1930, 1, 1))
    for index, text in enumerate(AWKWARD_TEXT):
        patient = old if index % 3 == 0 else PatientFactory(date_of_birth=date(1970 + index, 2, 28))
        device = DeviceFactory(manufacturer=text, model_name=f"{text} model") if index % 2 else None
        session = SessionFactory(
            patient=patient,
            device=device,
            preset=barletta if index % 2 else None,
            needle_depth_mm=Decimal("1.25") if index % 4 else None,
            treated_zones=["vertex", "occipital"] if index % 2 else [],
            adverse_events=["haematoma", "other"] if index == 4 else ["none"],
            treated_area_cm2=Decimal("100.0"),
            performed_at=(timezone.now() - timedelta(days=40 - index)).replace(second=0, microsecond=0),
        )
        product = Product.objects.create(name=text, kind="drug", active_ingredient=text)
        BlendComponentFactory(session=session, lot=LotFactory(product=product), volume_ml=Decimal("0.50"))
        if index % 3 == 1:
            void_record(record=BlendComponentFactory(session=session), reason="Removed", by=clinician)
    SessionFactory(patient=PatientFactory(), device=Device.objects.first(), cartridge=None, frequency_hz=None)


def test_postgresql_here_builds_the_lines_in_sql(awkward_world):
    assert sql_lines.available()


@pytest.mark.parametrize(
    "filters",
    [
        ExportFilters(),
        ExportFilters(include_demo=True, technique="mmp"),
        ExportFilters(preset="barletta-mmp-triamcinolone-aa"),
    ],
    ids=["all", "mmp", "preset"],
)
def test_the_sql_lines_are_the_bytes_the_python_path_writes(awkward_world, filters):
    from_sql = list(session_lines(filters))
    from_python = list(csv_lines(session_rows(filters)))

    assert len(from_sql) > 1
    assert from_sql == from_python


def test_hostile_text_is_neutralised_and_quoted_in_sql_too(awkward_world):
    text = "".join(session_lines(ExportFilters()))

    assert '\'=HYPERLINK(""http://x"",""y"")' in text
    assert '"Line one\nline two' in text
    assert ",90+," in text
