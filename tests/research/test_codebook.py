"""The codebook describes every column of every file exactly once, and the codes they hold."""

import io
from collections import Counter
from decimal import Decimal

import pandas as pd
import pytest

from clinic.roles import RESEARCHER
from research.columns import CODEBOOK_COLUMNS
from sessions.demo import create_demo_data
from tests.research.support import BLEND_URL, CODEBOOK_URL, SESSIONS_URL, as_dicts, body, parse
from tests.support.clients import signed_in
from tests.support.db import module_rows, seed_literature_presets
from tests.support.factories import UserFactory

OUTCOMES_URL = SESSIONS_URL.replace("sessions", "outcomes")
DELAYED_URL = SESSIONS_URL.replace("sessions", "delayed_adverse_events")
FILE_NAMES = ("sessions.csv", "blend_components.csv", "outcomes.csv", "delayed_adverse_events.csv")

pytestmark = pytest.mark.django_db

TYPES = {"text", "integer", "decimal", "code", "codes"}


@module_rows
def downloads():
    """Made and downloaded once for the module: the tests only read the files."""
    seed_literature_presets()
    create_demo_data(patients=15, sessions_per_patient=3, seed=5)
    client = signed_in(UserFactory(username="researcher.codebook", roles=[RESEARCHER]))
    return {
        "sessions.csv": parse(body(client.get(SESSIONS_URL, {"include_demo": "on"}))),
        "blend_components.csv": parse(body(client.get(BLEND_URL, {"include_demo": "on"}))),
        "outcomes.csv": parse(body(client.get(OUTCOMES_URL, {"include_demo": "on"}))),
        "delayed_adverse_events.csv": parse(body(client.get(DELAYED_URL, {"include_demo": "on"}))),
        "codebook": body(client.get(CODEBOOK_URL)),
    }


@pytest.fixture
def codebook(downloads):
    return as_dicts(parse(downloads["codebook"]))


@pytest.mark.parametrize("file_name", FILE_NAMES)
def test_every_column_written_has_exactly_one_entry_in_the_same_order(downloads, codebook, file_name):
    header, *rows = downloads[file_name]
    described = [entry["variable"] for entry in codebook if entry["file"] == file_name]

    assert rows, "the export is empty: nothing to compare"
    assert described == header
    assert all(len(row) == len(header) for row in rows), "a row has more or fewer cells than the header"


def test_no_entry_describes_a_column_that_is_not_written(downloads, codebook):
    written = {(name, column) for name in FILE_NAMES for column in downloads[name][0]}
    entries = Counter((entry["file"], entry["variable"]) for entry in codebook)

    assert set(entries) == written
    assert max(entries.values()) == 1


def test_every_entry_is_complete(codebook):
    for entry in codebook:
        assert entry["label"].strip(), entry
        assert entry["type"] in TYPES, entry
        if entry["type"] in ("code", "codes"):
            assert entry["allowed_values"], entry
        if entry["variable"].endswith(("_mm", "_cm2", "_hz", "_ml", "_pct")):
            assert entry["unit"], entry


def test_pandas_reads_the_codebook(downloads, codebook):
    frame = pd.read_csv(io.StringIO(downloads["codebook"]), dtype=str, keep_default_na=False)

    assert list(frame.columns) == CODEBOOK_COLUMNS
    assert frame.to_dict("records") == codebook
    assert len(frame) == sum(len(downloads[name][0]) for name in FILE_NAMES)


def allowed_codes(entry):
    """The codes a codebook entry allows: "value = label; …" or a plain "I; II; …" list."""
    return {item.split(" = ", 1)[0] for item in entry["allowed_values"].split("; ")}


def cells_of_type(downloads, codebook, *types):
    """(codebook entry, cell) for every cell of every column the codebook gives one of these types."""
    for entry in codebook:
        if entry["type"] in types:
            header, *rows = downloads[entry["file"]]
            position = header.index(entry["variable"])
            for row in rows:
                yield entry, row[position]


def test_every_code_in_the_files_is_explained_in_the_codebook(downloads, codebook):
    checked = 0
    for entry, cell in cells_of_type(downloads, codebook, "code", "codes"):
        allowed = allowed_codes(entry)
        for value in filter(None, cell.split(";") if entry["type"] == "codes" else [cell]):
            assert value in allowed, (entry["variable"], value, allowed)
            checked += 1
    assert checked > 100


def test_columns_declared_as_numbers_hold_numbers(downloads, codebook):
    checked = 0
    for entry, value in cells_of_type(downloads, codebook, "integer", "decimal"):
        if value == "" or (entry["variable"] == "age_years" and value == "90+"):
            continue
        number = Decimal(value)
        assert number == number.to_integral_value() or entry["type"] == "decimal", (entry["variable"], value)
        checked += 1
    assert checked > 100
