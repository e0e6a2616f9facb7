"""manage.py export_sessions: the same rows as the web download, audited, and clear errors."""

import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django.utils.html import escape

from audit.models import AuditAction, AuditEvent
from clinic.vocabularies import Diagnosis, Technique
from protocols.models import PresetStatus, ProtocolPreset
from tests.research.support import BLEND_URL, CODEBOOK_URL, SESSIONS_URL, as_dicts, body, parse, session_with_blend
from tests.support.dates import local
from tests.support.db import module_rows, seed_literature_presets
from tests.support.exports import export_by_command
from tests.support.factories import PatientFactory, ProductFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


@module_rows
def records():
    """Made once for the module: every test here reads them (an export changes no row)."""
    preset = seed_literature_presets().get(slug="barletta-mmp-triamcinolone-aa")
    doctor = UserFactory(username="dr.export", roles=["clinician"])
    products = [ProductFactory(name="Minoxidil 5 % – ½ µg"), ProductFactory(name='=HYPERLINK("x")')]
    areata = PatientFactory(diagnosis=Diagnosis.ALOPECIA_AREATA)
    for n, day in enumerate((date(2026, 2, 27), date(2026, 3, 1), date(2026, 3, 15), date(2026, 3, 31))):
        session_with_blend(
            *products,
            patient=areata if n % 2 else PatientFactory(),
            performed_at=local(day, 23 if n == 3 else 0),
            technique=Technique.MMP if n < 3 else Technique.MESOTHERAPY,
            preset=preset if n % 2 else None,
            clinician=doctor if n > 0 else UserFactory(roles=["clinician"]),
        )
    SessionFactory(patient=PatientFactory(research_consent=False, research_consent_date=None))
    SessionFactory(patient=PatientFactory(is_demo=True), is_demo=True, performed_at=local(date(2026, 3, 2)))
    ProtocolPreset.objects.create(
        name="Unfinished", slug="unfinished", status=PresetStatus.DRAFT, technique="mmp", authors="Test A."
    )
    return {"preset": preset, "doctor": doctor}


def run(tmp_path, *args):
    files = export_by_command(tmp_path, *args)
    return {
        "out": files["sessions"].decode("utf-8"),
        "blend": files["blend_components"].decode("utf-8"),
        "codebook": files["codebook"].decode("utf-8"),
    }


FILTERS = [
    ([], {}),
    (["--technique", "mmp"], {"technique": "mmp"}),
    (["--from-year", "2026", "--to-year", "2026"], {"year_from": "2026", "year_to": "2026"}),
    (["--diagnosis", "aa"], {"diagnosis": "aa"}),
    (["--preset", "barletta-mmp-triamcinolone-aa"], {"preset": "barletta-mmp-triamcinolone-aa"}),
    (["--include-demo"], {"include_demo": "on"}),
]


@pytest.mark.parametrize(("args", "params"), FILTERS, ids=[" ".join(args) or "all" for args, _ in FILTERS])
def test_the_command_writes_the_rows_of_the_web_download(tmp_path, client_for, researcher, records, args, params):
    files = run(tmp_path, *args)
    client = client_for(researcher)

    assert parse(files["out"]) == parse(body(client.get(SESSIONS_URL, params)))
    assert parse(files["blend"]) == parse(body(client.get(BLEND_URL, params)))
    assert parse(files["codebook"]) == parse(body(client.get(CODEBOOK_URL)))
    assert len(parse(files["out"])) > 1 or args == ["--diagnosis", "aa"]


def test_the_clinician_filter_by_username(tmp_path, client_for, researcher, records):
    files = run(tmp_path, "--clinician", "dr.export")

    web = parse(body(client_for(researcher).get(SESSIONS_URL, {"clinician": records["doctor"].pk})))
    assert parse(files["out"]) == web
    assert len(web) == 1 + 3


def test_the_date_range_takes_both_whole_days_in_a_limited_data_set(tmp_path, records):
    files = run(tmp_path, "--limited-data-set", "DUA-2026-07", "--from", "2026-03-01", "--to", "2026-03-31")

    rows = as_dicts(parse(files["out"]))
    assert sorted(row["session_date"] for row in rows) == ["2026-03-01", "2026-03-15", "2026-03-31"]
    (event, _blend) = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("pk")
    assert event.detail["filters"]["limited_data_set"] == "DUA-2026-07"


def test_day_level_dates_are_refused_without_a_limited_data_set(tmp_path, records):
    with pytest.raises(CommandError, match="--from: A de-identified export chooses sessions by calendar year"):
        run(tmp_path, "--from", "2026-03-01")


def test_the_files_are_crlf_utf_8_and_neutralised(tmp_path, records):
    files = run(tmp_path)

    for name in ("out", "blend", "codebook"):
        assert files[name].endswith("\r\n")
        assert "\n" not in files[name].replace("\r\n", "")
    assert "Minoxidil 5 % – ½ µg" in files["blend"]
    assert '"\'=HYPERLINK(""x"")"' in files["blend"]


def test_each_file_written_is_audited_as_the_shell(tmp_path, records):
    files = run(tmp_path, "--technique", "mmp")

    events = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("pk")
    assert [(event.user, event.username) for event in events] == [(None, "(shell)"), (None, "(shell)")]
    assert [event.detail for event in events] == [
        {"file": "sessions.csv", "filters": {"technique": "mmp"}, "rows": 3, "complete": True},
        {"file": "blend_components.csv", "filters": {"technique": "mmp"}, "rows": 6, "complete": True},
    ]
    assert len(parse(files["out"])) == 4 and len(parse(files["blend"])) == 7


def test_the_command_says_how_many_rows_it_wrote(tmp_path, records, capsys):
    out = tmp_path / "s.csv"
    call_command("export_sessions", "--out", str(out))

    assert f"{out}: 4 rows" in capsys.readouterr().out
    assert not (tmp_path / "blend.csv").exists()


def test_only_the_sessions_file_is_required(tmp_path, records):
    call_command("export_sessions", "--out", str(tmp_path / "s.csv"), stdout=io.StringIO())

    assert list(tmp_path.iterdir()) == [tmp_path / "s.csv"]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1


# (command options, the same filter as the page's query, the option named, the page's message)
REFUSED = [
    (["--clinician", "nobody"], {"clinician": 99999999}, "--clinician", "That choice is not one of the available"),
    (["--clinician", "researcher"], "researcher", "--clinician", "That choice is not one of the available"),
    (["--preset", "not-a-preset"], {"preset": "not-a-preset"}, "--preset", "not-a-preset is not one of the"),
    (["--preset", "unfinished"], {"preset": "unfinished"}, "--preset", "unfinished is not one of the"),
    (["--technique", "laser"], {"technique": "laser"}, "--technique", "laser is not one of the available"),
    (["--diagnosis", "x' OR 1=1"], {"diagnosis": "x' OR 1=1"}, "--diagnosis", "x' OR 1=1 is not one of the"),
    (["--from", "2026-99-01"], {"date_from": "2026-99-01"}, "--from", "Enter a valid date."),
    (["--from", "yesterday"], {"date_from": "yesterday"}, "--from", "Enter a valid date."),
    (["--to", "2026-02-30"], {"date_to": "2026-02-30"}, "--to", "Enter a valid date."),
    (["--to", "9999-12-31"], {"date_to": "9999-12-31"}, "--to", "Choose a date from 1900-01-01 to 2100-12-31."),
    (["--from", "0001-01-01"], {"date_from": "0001-01-01"}, "--from", "Choose a date from 1900-01-01 to 2100-12-31."),
    (
        ["--from", "2026-03-02", "--to", "2026-03-01"],
        {"date_from": "2026-03-02", "date_to": "2026-03-01"},
        "--to",
        "The end date is before the start date.",
    ),
]


@pytest.mark.parametrize(("args", "params", "option", "message"), REFUSED, ids=[" ".join(r[0]) for r in REFUSED])
def test_the_command_refuses_what_the_page_refuses_with_its_message_and_writes_nothing(
    tmp_path, client_for, researcher, records, args, params, option, message
):
    if params == "researcher":  # a user, but not a clinician: the page is given their id
        params = {"clinician": researcher.pk}
    page = client_for(researcher).get(SESSIONS_URL, params)
    assert page.status_code == 400
    assert escape(message) in page.content.decode()

    with pytest.raises(CommandError, match=re.escape(f"{option}: ") + r".*" + re.escape(message)):
        call_command("export_sessions", "--out", str(tmp_path / "s.csv"), *args)

    assert list(tmp_path.iterdir()) == []
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_refused_option_writes_none_of_the_files(tmp_path, records):
    paths = [tmp_path / name for name in ("s.csv", "b.csv", "o.csv", "c.csv")]
    with pytest.raises(CommandError, match="--technique"):
        call_command(
            "export_sessions",
            *("--out", paths[0], "--blend-out", paths[1], "--outcomes-out", paths[2], "--codebook-out", paths[3]),
            *("--technique", "laser"),
        )

    assert list(tmp_path.iterdir()) == []


def test_every_refused_option_is_named(tmp_path, records):
    with pytest.raises(CommandError) as refused:
        call_command("export_sessions", "--out", str(tmp_path / "s.csv"), "--technique", "laser", "--to", "soon")

    assert "--technique: " in str(refused.value) and "--to: Enter a valid date." in str(refused.value)


def test_a_command_export_is_audited_as_a_page_export_is(tmp_path, client_for, researcher, records):
    doctor = records["doctor"]
    body(client_for(researcher).get(SESSIONS_URL, {"technique": "mmp", "year_from": "2026", "clinician": doctor.pk}))
    call_command(
        "export_sessions",
        *("--out", str(tmp_path / "s.csv"), "--technique", "mmp", "--from-year", "2026", "--clinician", "dr.export"),
        stdout=io.StringIO(),
    )

    page, shell = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("pk")
    assert (page.user, page.username) == (researcher, "researcher")
    assert (shell.user, shell.username) == (None, "(shell)")
    assert shell.detail == page.detail
    assert page.detail == {
        "file": "sessions.csv",
        "filters": {"technique": "mmp", "date_from": "2026-01-01", "clinician": str(doctor.pk)},
        "rows": 2,
        "complete": True,
    }


def test_the_sessions_file_is_required():
    with pytest.raises(CommandError, match="--out"):
        call_command("export_sessions")


@pytest.mark.parametrize("where", ["missing directory", "a directory", "a file as directory"])
def test_an_unwritable_path_gives_a_clear_error(tmp_path, records, where):
    (tmp_path / "plain-file").write_text("x")
    path = {
        "missing directory": tmp_path / "no" / "such" / "dir" / "s.csv",
        "a directory": tmp_path,
        "a file as directory": tmp_path / "plain-file" / "s.csv",
    }[where]

    with pytest.raises(CommandError, match=rf"Cannot write {path}: .+\."):
        call_command("export_sessions", "--out", str(path))
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT, detail__complete=True).exists()


def test_a_blend_file_that_cannot_be_written_is_a_clear_error_after_the_sessions_file(tmp_path, records):
    with pytest.raises(CommandError, match="Cannot write"):
        call_command(
            "export_sessions",
            "--out",
            str(tmp_path / "s.csv"),
            "--blend-out",
            str(tmp_path / "missing" / "b.csv"),
            stdout=io.StringIO(),
        )
    assert (tmp_path / "s.csv").exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_write_that_fails_is_not_recorded_as_a_complete_export(records):
    """/dev/full accepts the file and refuses its bytes when they are flushed (a full disk)."""
    with pytest.raises(CommandError, match="Cannot write /dev/full: No space left on device"):
        call_command("export_sessions", "--out", "/dev/full")

    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT, detail__complete=True).exists()


def test_from_the_shell_a_refused_option_exits_non_zero_with_the_message(tmp_path, records, capsys):
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "export_sessions", "--out", str(tmp_path / "s.csv"), "--preset", "x"])

    assert exited.value.code != 0
    assert "--preset: Select a valid choice. x is not one of the available choices." in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
