"""The research bundle: one ZIP with every file of an export, read from one snapshot, and what each
statistics package needs to open them with their labels.

- the four CSV files and the codebook, as the page and the command write them;
- `privacy_report.txt` (research.privacy) and a `README.txt`;
- `datapackage.json`: a Frictionless Data Package, a Table Schema per CSV (types, units, codes, missing
  values, the sessions file's primary key and the other files' foreign keys into it);
- `redcap_data_dictionary.csv`: REDCap's 18 columns, one instrument per file;
- `<file>.sav` (SPSS) and `<file>.dta` (Stata) of every CSV, with variable labels and value labels: each code
  column holds 1, 2, … in the codebook's order, labelled.
"""

import json
import tempfile
import zipfile
from pathlib import Path

from django.utils import timezone

from research.columns import CODEBOOK_COLUMNS, file_columns
from research.export import FILES
from research.files import csv_lines, write_lines
from research.privacy import OLDEST_AGE
from research.query import export_transaction, privacy_plan

STATA_LABEL_LENGTH = 80  # Stata's limit for a variable's label
TABLE_TYPES = {"text": "string", "integer": "integer", "decimal": "number", "date": "date"}
REDCAP_COLUMNS = [
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
]
KEYS = {
    "sessions": {"primaryKey": ["session_id"]},
    "blend_components": {"foreignKeys": [("session_id", "sessions", "session_id")]},
    "outcomes": {"foreignKeys": [("patient_id", "sessions", "patient_id")]},
    "delayed_adverse_events": {"foreignKeys": [("session_id", "sessions", "session_id")]},
}


def write_bundle(filters, target, *, progress=None):
    """Write the bundle to the binary file `target`; returns the rows of each CSV. `progress(rows)` is called
    as the sessions file is written."""
    columns = {name.removesuffix(".csv"): cols for name, cols in file_columns(filters).items()}
    with tempfile.TemporaryDirectory(prefix="bundle-") as folder:
        folder = Path(folder)
        with export_transaction():  # every file from one snapshot
            report = privacy_plan(filters).report
            rows = {name: _write_csv(folder / f"{name}.csv", lines(filters), progress) for name, lines in FILES.items()}
        _write_lines(folder / "codebook.csv", _codebook_lines(columns))
        (folder / "privacy_report.txt").write_text("\n".join(report.lines()) + "\n", encoding="utf-8")
        (folder / "datapackage.json").write_text(json.dumps(data_package(columns), indent=2, ensure_ascii=False))
        _write_lines(folder / "redcap_data_dictionary.csv", csv_lines(redcap_dictionary(columns)))
        for name, cols in columns.items():
            _write_statistics_files(folder, name, cols)
        (folder / "README.txt").write_text(_readme(filters, rows), encoding="utf-8")
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for path in sorted(folder.iterdir()):
                bundle.write(path, path.name)
    return rows


def _write_csv(path, lines, progress):
    """The file's rows; only the sessions file's progress is reported (the page shows sessions written)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        return write_lines(lines, handle.write, progress if path.stem == "sessions" else None)


def _write_lines(path, lines):
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.writelines(lines)


def _codebook_lines(columns):
    rows = [[f"{name}.csv", c.name, c.label, c.type, c.unit, c.allowed] for name, cols in columns.items() for c in cols]
    return csv_lines([CODEBOOK_COLUMNS, *rows])


def data_package(columns):
    """The Frictionless Data Package describing the CSV files."""
    resources = []
    for name, cols in columns.items():
        schema = {"fields": [_table_field(column) for column in cols], "missingValues": [""]}
        keys = KEYS[name]
        if "primaryKey" in keys:
            schema["primaryKey"] = keys["primaryKey"]
        if "foreignKeys" in keys:
            schema["foreignKeys"] = [
                {"fields": [field], "reference": {"resource": resource, "fields": [target]}}
                for field, resource, target in keys["foreignKeys"]
            ]
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "header": True},
                "schema": schema,
            }
        )
    return {
        "name": "scalp-session-logger-export",
        "title": "Scalp Session Logger: de-identified research export",
        "profile": "tabular-data-package",
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "resources": resources,
    }


def _table_field(column):
    field = {"name": column.name, "title": column.label}
    description = [f"Unit: {column.unit}."] if column.unit else []
    codes = [code for code, _label in column.choices]
    if column.type == "code":
        field |= {"type": "string", "constraints": {"enum": codes}}
        description.append("Codes: " + column.allowed + ".")
    elif column.type == "codes":
        alternatives = "|".join(_escaped(code) for code in codes)
        field |= {"type": "string", "constraints": {"pattern": f"({alternatives})(;({alternatives}))*"}}
        description.append("Codes separated by ';': " + column.allowed + ".")
    elif column.name == "age_years":  # exact ages: a number, or 90+ for every age above 89
        field |= {"type": "string", "constraints": {"pattern": r"\d{1,2}|90\+"}}
    else:
        field["type"] = TABLE_TYPES[column.type]
        if column.allowed:
            description.append(f"Allowed: {column.allowed}.")
    if description:
        field["description"] = " ".join(description)
    return field


def _escaped(code):
    return "".join(f"\\{char}" if char in r".^$*+?{}[]\|()" else char for char in code)


def redcap_dictionary(columns):
    """REDCap's data dictionary: one instrument (form) per file; a key shared with the sessions file is
    described once, under the sessions instrument."""
    yield REDCAP_COLUMNS
    seen = set()
    for name, cols in columns.items():
        for column in cols:
            if column.name in seen:
                continue
            seen.add(column.name)
            field_type, choices, validation = "text", "", ""
            if column.type == "code":
                field_type = "dropdown"
                choices = " | ".join(
                    f"{n}, {code} ({label})" if label != code else f"{n}, {code}"
                    for n, (code, label) in enumerate(column.choices, start=1)
                )
            elif column.type == "integer" and column.name != "age_years":
                validation = "integer"
            elif column.type == "decimal":
                validation = "number"
            elif column.type == "date":
                validation = "date_ymd"
            elif column.type in ("text", "codes"):
                field_type = "notes" if column.name in ("deviations", "blend") else "text"
            note = f"Unit: {column.unit}" if column.unit else ""
            row = [column.name, name, "", field_type, column.label, choices, note, validation]
            yield row + [""] * (len(REDCAP_COLUMNS) - len(row))


def _write_statistics_files(folder, name, columns):
    # Imported here: pandas and pyreadstat take a third of a second to import, in every process that loads the
    # URLs (each app server worker, each manage.py command), and only the export worker writes bundles.
    import pandas as pd
    import pyreadstat

    frame = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8")
    labels, value_labels = [], {}
    for column in columns:
        frame[column.name], coded = _for_statistics(frame[column.name], column)
        if coded:
            value_labels[column.name] = coded
        labels.append(column.label)
    pyreadstat.write_sav(
        frame, folder / f"{name}.sav", column_labels=labels, variable_value_labels=value_labels or None
    )
    pyreadstat.write_dta(
        frame,
        folder / f"{name}.dta",
        column_labels=[label[:STATA_LABEL_LENGTH] for label in labels],
        variable_value_labels=value_labels or None,
        version=15,
    )


def statistics_codes(column):
    """{CSV cell: number} of a code column as the .sav and .dta files hold it."""
    if column.type == "code":
        return {code: number for number, (code, _label) in enumerate(column.choices, start=1)}
    if column.name == "age_years" and column.type == "integer":
        return {"90+": OLDEST_AGE + 1}
    return {}


def _for_statistics(values, column):
    """(the column as numbers or text, its value labels)."""
    if column.type == "code":
        numbers = statistics_codes(column)
        labels = {number: label for number, (_code, label) in enumerate(column.choices, start=1)}
        return values.map(lambda cell: numbers.get(cell)).astype("float64"), labels
    if column.type in ("integer", "decimal"):
        labels = {OLDEST_AGE + 1: "90 or older"} if column.name == "age_years" else None
        replaced = values.replace(statistics_codes(column)) if labels else values
        return replaced.replace("", None).astype("float64"), labels
    return values, None


def _readme(filters, rows):
    described = "\n".join(f"  {key}: {value}" for key, value in filters.described().items()) or "  (none)"
    counts = "\n".join(f"  {name}.csv: {count} rows" for name, count in rows.items())
    return f"""Scalp Session Logger: research export bundle
Written {timezone.localtime():%Y-%m-%d %H:%M %Z}.

Filters:
{described}

Files:
{counts}
  codebook.csv: every column of every file, with its label, type, unit and codes.
  privacy_report.txt: k-anonymity of the quasi-identifiers, and what was generalised and withheld.
  datapackage.json: a Frictionless Data Package (frictionless validate datapackage.json).
  redcap_data_dictionary.csv: a REDCap data dictionary, one instrument per file.
  *.sav, *.dta: each CSV for SPSS and Stata, with variable and value labels (codes as 1, 2, ... in the
  codebook's order).

The files join on session_id (sessions, blend components, delayed adverse events) and patient_id (sessions,
outcomes): keyed pseudonyms, stable across exports made with the same key. There are no names, record numbers,
dates of birth, contact details, notes or photos{", and no calendar dates" if not filters.limited_data_set else ""}.
"""
