import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from clinic.vocabularies import Diagnosis, Technique
from research.columns import codebook_rows
from research.export import blend_lines, outcome_lines, session_lines
from research.files import csv_lines, record_export
from research.query import ExportFilters


def day(text):
    value = parse_date(text) if text else None
    if value is None:
        raise ValueError(f"not a date (YYYY-MM-DD): {text!r}")
    return value


class Command(BaseCommand):
    help = "Write the de-identified research export (the same rows as the export page) to CSV files."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="The sessions file to write (wide, one row per session).")
        parser.add_argument("--blend-out", help="Also write the blend components file (long) here.")
        parser.add_argument("--outcomes-out", help="Also write the outcomes file (long) here.")
        parser.add_argument("--codebook-out", help="Also write the codebook here.")
        parser.add_argument("--technique", choices=Technique.values)
        parser.add_argument("--from", dest="date_from", type=day, help="First session date, YYYY-MM-DD.")
        parser.add_argument("--to", dest="date_to", type=day, help="Last session date, YYYY-MM-DD.")
        parser.add_argument("--diagnosis", choices=Diagnosis.values)
        parser.add_argument("--preset", help="A preset's slug (every version).")
        parser.add_argument("--clinician", help="A clinician's username.")
        parser.add_argument("--include-demo", action="store_true", help="Include synthetic demo records.")

    def handle(self, *args, out, blend_out, outcomes_out, codebook_out, clinician, **options):
        if options["date_from"] and options["date_to"] and options["date_from"] > options["date_to"]:
            raise CommandError("--to is before --from.")
        clinician_id = None
        if clinician:
            user = get_user_model().objects.filter(username=clinician).first()
            if user is None:
                raise CommandError(f"No user named {clinician!r}.")
            clinician_id = user.pk
        filters = ExportFilters(
            technique=options["technique"] or "",
            date_from=options["date_from"],
            date_to=options["date_to"],
            diagnosis=options["diagnosis"] or "",
            preset=options["preset"] or "",
            clinician=clinician_id,
            include_demo=options["include_demo"],
        )
        outputs = [
            (out, session_lines, "sessions.csv"),
            (blend_out, blend_lines, "blend_components.csv"),
            (outcomes_out, outcome_lines, "outcomes.csv"),
        ]
        for path, lines, name in outputs:
            if path:
                started = time.perf_counter()
                written = self._write(path, lines(filters), audit={"file_name": name, "filters": filters})
                self.stdout.write(f"{path}: {written} rows in {time.perf_counter() - started:.1f} s")
        if codebook_out:
            written = self._write(codebook_out, csv_lines(codebook_rows()))
            self.stdout.write(f"{codebook_out}: {written} variables")

    def _write(self, path, lines, audit=None):
        """Write the CSV lines; an audited export counts as complete only once its file is closed."""
        count, complete = -1, False
        try:
            with Path(path).open("w", newline="", encoding="utf-8") as handle:
                for line in lines:
                    handle.write(line)
                    count += 1
            complete = True
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}.") from None
        finally:
            if audit:
                lines.close()
                record_export(**audit, rows=count, complete=complete, username="(shell)")
        return count
