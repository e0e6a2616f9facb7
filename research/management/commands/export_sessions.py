import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.services import SHELL_USERNAME
from clinic.vocabularies import Diagnosis, Technique
from research.bundle import write_bundle
from research.columns import codebook_rows
from research.english import english
from research.export import FILES
from research.files import audited, csv_lines, record_export
from research.forms import ExportForm

# The export page's form fields whose option is not simply "--<field>".
OPTIONS = {
    "date_from": "--from",
    "date_to": "--to",
    "year_from": "--from-year",
    "year_to": "--to-year",
    "limited_data_set": "--limited-data-set",
}


class Command(BaseCommand):
    help = (
        "Write the de-identified research export (the same rows as the export page) to CSV files. "
        "The filters go through the export page's form: the command refuses what the page refuses, "
        f"with the page's messages. Each file but the codebook is recorded in the audit trail as {SHELL_USERNAME}."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", help="The sessions file to write (wide, one row per session).")
        parser.add_argument(
            "--bundle",
            help="Write the whole export as one ZIP here: every CSV, the codebook, the privacy report, a Frictionless "
            "data package, a REDCap data dictionary and SPSS/Stata files with labels.",
        )
        parser.add_argument("--blend-out", help="Also write the blend components file (long) here.")
        parser.add_argument("--outcomes-out", help="Also write the outcomes file (long) here.")
        parser.add_argument("--delayed-events-out", help="Also write the delayed adverse events file (long) here.")
        parser.add_argument("--codebook-out", help="Also write the codebook here.")
        parser.add_argument("--technique", help=f"A technique's code: {', '.join(Technique.values)}.")
        parser.add_argument("--from-year", dest="year_from", help="First year of the sessions, e.g. 2025.")
        parser.add_argument("--to-year", dest="year_to", help="Last year of the sessions.")
        parser.add_argument(
            "--limited-data-set",
            metavar="AGREEMENT",
            help="Export a limited data set (exact dates, day-level --from/--to) under this data use agreement's "
            "reference, which the audit trail records.",
        )
        parser.add_argument("--from", dest="date_from", help="First session date, YYYY-MM-DD (limited data set).")
        parser.add_argument("--to", dest="date_to", help="Last session date, YYYY-MM-DD (limited data set).")
        parser.add_argument("--age", choices=["1", "5", "10"], help="Ages in exact years or 5- or 10-year bands.")
        parser.add_argument("--fitzpatrick", choices=["grouped", "exact"], help="Fitzpatrick types (grouped).")
        parser.add_argument("--staging", choices=["grouped", "exact"], help="Stages (grouped).")
        parser.add_argument("--diagnosis", help=f"A diagnosis' code: {', '.join(Diagnosis.values)}.")
        parser.add_argument("--preset", help="A published or retired preset's slug (every version).")
        parser.add_argument("--clinician", help="A clinician's username.")
        parser.add_argument("--include-demo", action="store_true", help="Include synthetic demo records.")

    def handle(self, *args, **options):
        with english():  # the files, and the page's messages the command repeats, in English
            self._export(**options)

    def _export(self, *, out, bundle, blend_out, outcomes_out, delayed_events_out, codebook_out, **options):
        if not (out or bundle):
            raise CommandError("Say where to write: --out for the sessions file, or --bundle for the ZIP.")
        filters = _filters(options)
        if bundle:
            self._bundle(filters, bundle)
        for path, name in (
            (out, "sessions"),
            (blend_out, "blend_components"),
            (outcomes_out, "outcomes"),
            (delayed_events_out, "delayed_adverse_events"),
        ):
            if path:
                started = time.perf_counter()
                lines = audited(
                    _written(path, FILES[name](filters)),
                    file_name=f"{name}.csv",
                    filters=filters,
                    username=SHELL_USERNAME,
                )
                rows = _exhaust(lines, path) - 1  # the header is not a row of data
                self.stdout.write(f"{path}: {rows} rows in {time.perf_counter() - started:.1f} s")
        if codebook_out:
            variables = _exhaust(_written(codebook_out, csv_lines(codebook_rows(filters))), codebook_out) - 1
            self.stdout.write(f"{codebook_out}: {variables} variables")

    def _bundle(self, filters, path):
        started = time.perf_counter()
        complete, rows = False, {}
        try:
            with Path(path).open("wb") as target:
                rows = write_bundle(filters, target)
            complete = True
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}.") from None
        finally:
            record_export(
                file_name="bundle.zip",
                filters=filters,
                rows=rows.get("sessions", 0),
                complete=complete,
                username=SHELL_USERNAME,
            )
        self.stdout.write(f"{path}: {rows['sessions']} sessions in {time.perf_counter() - started:.1f} s")


def _filters(options):
    """The export page's form bound to the options (the clinician by username); its errors as one CommandError."""
    data = {name: options[name] for name in ExportForm.base_fields if options.get(name) not in (None, "", False)}
    agreement = (options.get("limited_data_set") or "").strip()
    form = ExportForm(data | {"limited_data_set": bool(agreement)}, clinician_by="username", agreement=agreement)
    if not form.is_valid():
        raise CommandError(
            " ".join(
                f"{OPTIONS.get(name, '--' + name.replace('_', '-'))}: {message}"
                for name, messages in form.errors.items()
                for message in messages
            )
        )
    return form.filters()


def _written(path, lines):
    """Write the lines to the file, passing each on once written, and end only once the file is closed:
    an audited export counts as complete only when its bytes are all out."""
    try:
        with Path(path).open("w", newline="", encoding="utf-8") as handle:
            for line in lines:
                handle.write(line)
                yield line
    finally:
        # Close the source at once, not when it is collected: it may hold the export's transaction.
        lines.close()


def _exhaust(lines, path):
    """How many lines were written to `path`; an error of the file system as a CommandError."""
    count = 0
    try:
        for _line in lines:
            count += 1
    except OSError as error:
        raise CommandError(f"Cannot write {path}: {error.strerror}.") from None
    return count
