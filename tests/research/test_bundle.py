"""The research bundle: one ZIP that Frictionless validates, with SPSS and Stata files that read back equal to
the CSV, a REDCap data dictionary, the codebook and the privacy report, all from one snapshot."""

import csv
import io
import math
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from django.core.management import call_command

from audit.models import AuditAction, AuditEvent
from research.bundle import REDCAP_COLUMNS, statistics_codes
from research.columns import file_columns
from research.query import ExportFilters, privacy_plan
from sessions.demo import create_demo_data
from tests.research.support import AS_RECORDED
from tests.support.db import module_rows, seed_literature_presets

pytestmark = pytest.mark.django_db

CSV_FILES = ["sessions", "blend_components", "outcomes", "delayed_adverse_events"]
OPTIONS = {
    "default": [],
    "exact-limited": ["--age", "1", "--fitzpatrick", "exact", "--staging", "exact", "--limited-data-set", "DUA-9"],
}
FILTERS = {
    "default": ExportFilters(include_demo=True),
    "exact-limited": ExportFilters(
        include_demo=True,
        limited_data_set="DUA-9",
        generalisation=AS_RECORDED,
    ),
}


@module_rows
def bundles():
    seed_literature_presets()
    create_demo_data(patients=30, sessions_per_patient=5, seed=11)
    made = {}
    for name, options in OPTIONS.items():
        folder = Path(tempfile.mkdtemp(prefix=f"bundle-{name}-"))
        call_command(
            "export_sessions", "--bundle", str(folder / "b.zip"), "--include-demo", *options, stdout=io.StringIO()
        )
        with zipfile.ZipFile(folder / "b.zip") as bundle:
            bundle.extractall(folder / "files")
            made[name] = {"folder": folder / "files", "names": sorted(bundle.namelist())}
    return made


@pytest.fixture(params=OPTIONS)
def bundle(request, bundles):
    return bundles[request.param] | {"filters": FILTERS[request.param]}


def read_csv(folder, name):
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8")


def test_the_bundle_holds_every_file(bundle):
    expected = {f"{name}.{kind}" for name in CSV_FILES for kind in ("csv", "sav", "dta")} | {
        "codebook.csv",
        "privacy_report.txt",
        "datapackage.json",
        "redcap_data_dictionary.csv",
        "README.txt",
    }
    assert set(bundle["names"]) == expected
    assert len(read_csv(bundle["folder"], "sessions")) > 50


def test_frictionless_validates_the_data_package(bundle):
    # The command line of requirements-dev.txt's frictionless, beside the Python running the tests.
    result = subprocess.run(
        [Path(sys.executable).with_name("frictionless"), "validate", "--json", "datapackage.json"],
        cwd=bundle["folder"],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert '"valid": true' in result.stdout


@pytest.mark.parametrize("reader", [pyreadstat.read_sav, pyreadstat.read_dta], ids=["spss", "stata"])
@pytest.mark.parametrize("name", CSV_FILES)
def test_the_spss_and_stata_files_read_back_equal_to_the_csv_with_their_labels(bundle, name, reader):
    columns = file_columns(bundle["filters"])[f"{name}.csv"]
    expected = read_csv(bundle["folder"], name)
    frame, meta = reader(str(bundle["folder"] / f"{name}.{'sav' if reader is pyreadstat.read_sav else 'dta'}"))

    assert list(frame.columns) == [column.name for column in columns]
    assert len(frame) == len(expected)
    for column in columns:
        assert meta.column_names_to_labels[column.name].startswith(column.label[:80]), column.name
        numbers = statistics_codes(column)
        for cell, value in zip(expected[column.name], frame[column.name], strict=True):
            if column.type == "code" or column.type in ("integer", "decimal"):
                wanted = numbers.get(cell, cell)
                if wanted == "":
                    assert value is None or math.isnan(value), (column.name, cell, value)
                else:
                    assert float(value) == float(wanted), (column.name, cell, value)
            else:
                assert (value or "") == cell, (column.name, cell, value)
        if column.type == "code":
            assert meta.variable_value_labels[column.name] == {
                number: label for number, (_code, label) in enumerate(column.choices, start=1)
            }


def test_the_redcap_dictionary_has_redcaps_18_columns_and_one_instrument_per_file(bundle):
    with (bundle["folder"] / "redcap_data_dictionary.csv").open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))

    assert header == REDCAP_COLUMNS and len(header) == 18
    assert all(len(row) == 18 for row in rows)
    assert [row[0] for row in rows][:2] == ["session_id", "patient_id"]
    assert len({row[0] for row in rows}) == len(rows), "a variable is described once"
    assert {row[1] for row in rows} == set(CSV_FILES)
    sex = next(row for row in rows if row[0] == "sex")
    assert (sex[3], sex[5]) == ("dropdown", "1, female (Female) | 2, male (Male) | 3, other (Other / intersex)")


def test_the_privacy_report_and_readme_say_what_was_done(bundle):
    report = (bundle["folder"] / "privacy_report.txt").read_text(encoding="utf-8")
    readme = (bundle["folder"] / "README.txt").read_text(encoding="utf-8")

    assert report.splitlines() == privacy_plan(bundle["filters"]).report.lines()
    assert "sessions.csv:" in readme and "datapackage.json" in readme
    if bundle["filters"].limited_data_set:
        assert "session_date" in read_csv(bundle["folder"], "sessions").columns
    else:
        assert "no calendar dates" in readme


def test_each_bundle_is_in_the_audit_trail(bundles):
    events = AuditEvent.objects.filter(action=AuditAction.EXPORT, detail__file="bundle.zip").order_by("pk")

    assert [(event.username, event.detail["complete"]) for event in events] == [("(shell)", True)] * 2
    assert events[1].detail["filters"]["limited_data_set"] == "DUA-9"
