"""Text that a spreadsheet would run as a formula is neutralised in every cell; numbers are untouched."""

import io
import re
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from django.db import connection

from clinic.spreadsheets import FORMULA_STARTS
from protocols.models import EvidenceType, PresetStatus, ProtocolPreset
from research.columns import BLEND_COLUMNS, SESSION_COLUMNS, codebook_rows
from research.export import _text
from research.query import ExportFilters
from tests.research.support import BLEND_URL, CODEBOOK_URL, SESSIONS_URL, as_dicts, body, parse
from tests.support.dates import local
from tests.support.factories import BlendComponentFactory, DeviceFactory, ProductFactory, SessionFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "\n=1",
    "\x00=1",
    "=cmd|' /C calc'!A0",
    "-",
]


def neutralised(value):
    """What the files must hold for a dangerous value: NULs gone, one leading apostrophe."""
    return "'" + value.replace("\x00", "")


def needs_nul(value):
    if "\x00" in value and connection.vendor == "postgresql":
        pytest.skip("PostgreSQL cannot store a NUL character in text")


@pytest.fixture
def poisoned(request, client_for, researcher):
    """One session whose every free-text source holds the payload, and both files downloaded."""
    value = request.param
    needs_nul(value)
    product = ProductFactory(name=value, active_ingredient=value)
    preset = ProtocolPreset.objects.create(
        name="Poisoned",
        slug=value,
        version=1,
        status=PresetStatus.PUBLISHED,
        technique="mmp",
        evidence_type=EvidenceType.CASE_SERIES,
        authors="Tester A",
    )
    session = SessionFactory(
        preset=preset,
        device=DeviceFactory(manufacturer=value, model_name=value),
        performed_at=local(date(2026, 3, 1)),
        needle_depth_mm=Decimal("0.50"),
        treated_area_cm2=Decimal("12.5"),
    )
    BlendComponentFactory(
        session=session, product=product, lot=None, concentration=Decimal("0.5"), volume_ml=Decimal("1.00")
    )
    client = client_for(researcher)
    sessions = body(client.get(SESSIONS_URL))
    blend = body(client.get(BLEND_URL))
    return value, as_dicts(parse(sessions))[0], as_dicts(parse(blend))[0], sessions + blend


@pytest.mark.parametrize("poisoned", PAYLOADS, indirect=True, ids=repr)
def test_every_text_cell_holding_the_payload_is_neutralised(poisoned):
    value, session, component, _text_of_files = poisoned
    safe = neutralised(value)
    rest = value.replace("\x00", "")

    assert component["product"] == safe
    assert component["active_ingredient"] == safe
    assert session["preset_slug"] == safe
    assert session["device_model"] == f"{safe} {rest}"
    assert session["blend"] == f"{safe} 0.5 % (1 mL)"


@pytest.mark.parametrize("poisoned", PAYLOADS, indirect=True, ids=repr)
def test_no_cell_starts_a_formula_and_no_nul_is_written(poisoned):
    _value, session, component, text = poisoned

    assert "\x00" not in text
    for row in (session, component):
        for column, cell in row.items():
            assert not cell.startswith(FORMULA_STARTS), (column, cell)


@pytest.mark.parametrize("poisoned", PAYLOADS, indirect=True, ids=repr)
def test_numbers_next_to_the_payload_are_untouched(poisoned):
    _value, session, component, _text_of_files = poisoned

    assert (session["depth_mm"], session["treated_area_cm2"], session["needle_diameter_mm"]) == ("0.5", "12.5", "0.3")
    assert (session["frequency_hz"], session["passes"], session["pain_score"], session["needle_count"]) == (
        "120",
        "2",
        "3",
        "27",
    )
    assert (session["preset_version"], session["course_session_number"], session["days_since_first_session"]) == (
        "1",
        "1",
        "0",
    )
    assert (component["concentration"], component["volume_ml"]) == ("0.5", "1")


@pytest.mark.parametrize("poisoned", ['=HYPERLINK("http://x","y")', "\r=1", "\n=1"], indirect=True, ids=repr)
def test_pandas_reads_the_neutralised_value_back_whole(poisoned):
    value, _session, _component, _text_of_files = poisoned
    blend_file = _text_of_files[_text_of_files.index("session_id,product") :]

    frame = pd.read_csv(io.StringIO(blend_file), dtype=str, keep_default_na=False)

    assert frame["product"].tolist() == [neutralised(value)]


NUMERIC = {column.name for column in SESSION_COLUMNS + BLEND_COLUMNS if column.type in ("integer", "decimal")}


def test_numeric_columns_hold_plain_numbers_only(client_for, researcher):
    product = ProductFactory(name="-5 % minoxidil")
    session = SessionFactory(needle_depth_mm=Decimal("0.50"), treated_area_cm2=Decimal("7.0"), pain_score=0)
    BlendComponentFactory(
        session=session, product=product, lot=None, concentration=Decimal("0.0500"), volume_ml=Decimal("0.05")
    )
    client = client_for(researcher)
    rows = as_dicts(parse(body(client.get(SESSIONS_URL)))) + as_dicts(parse(body(client.get(BLEND_URL))))

    cells = [(name, value) for row in rows for name, value in row.items() if name in NUMERIC]
    assert cells
    for name, value in cells:
        assert re.fullmatch(r"(\d+(\.\d+)?|90\+)?", value), (name, value)
    assert rows[0]["pain_score"] == "0"
    assert (rows[-1]["concentration"], rows[-1]["volume_ml"]) == ("0.05", "0.05")


@pytest.mark.parametrize("start", FORMULA_STARTS, ids=repr)
def test_the_neutraliser_on_each_dangerous_start(start):
    assert _text(f"{start}1+1") == f"'{start}1+1"
    assert _text(f"\x00{start}1+1") == f"'{start}1+1"


def test_every_start_spreadsheets_run_is_covered():
    assert set(FORMULA_STARTS) >= {"=", "+", "-", "@", "\t", "\r", "\n"}


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("Minoxidil", "Minoxidil"),
        ("a=1", "a=1"),
        (" =1", " =1"),
        ("Mino\x00xidil", "Minoxidil"),
        ("\x00Minoxidil", "Minoxidil"),
        ("\x00\x00=1", "'=1"),
        ("", ""),
        (None, ""),
    ],
    ids=repr,
)
def test_the_neutraliser_leaves_safe_text_alone(value, cell):
    assert _text(value) == cell


def test_a_nul_inside_a_name_is_dropped_from_the_file(client_for, researcher):
    needs_nul("\x00")
    BlendComponentFactory(product=ProductFactory(name="Mino\x00xidil"), lot=None)

    text = body(client_for(researcher).get(BLEND_URL))

    assert "\x00" not in text
    assert as_dicts(parse(text))[0]["product"] == "Minoxidil"


def test_no_codebook_cell_starts_a_formula(client_for, researcher):
    rows = parse(body(client_for(researcher).get(CODEBOOK_URL)))

    assert rows == [list(row) for row in codebook_rows(ExportFilters())]
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell
