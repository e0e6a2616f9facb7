import argparse
import time

from django.core.management.base import BaseCommand, CommandError

from clinic.parsing import positive_int
from sessions.demo import create_demo_data
from sessions.demo_removal import demo_data_to_remove, remove_demo_data


def at_least_one(text):
    value = positive_int(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return value


class Command(BaseCommand):
    help = (
        "Add synthetic demo patients and treatment sessions (no real people; every record flagged as demo), "
        "or take every demo record out again with --remove."
    )

    def add_arguments(self, parser):
        parser.add_argument("--patients", type=at_least_one, default=30, help="How many patients to add (default 30).")
        parser.add_argument(
            "--sessions-per-patient", type=at_least_one, default=5, help="Sessions per patient (default 5)."
        )
        parser.add_argument("--seed", type=int, default=None, help="Random seed, for repeatable data.")
        parser.add_argument(
            "--remove",
            action="store_true",
            help="Delete every demo record instead (demo equipment that the clinic's own sessions used stays).",
        )
        parser.add_argument(
            "--no-input", "--noinput", dest="interactive", action="store_false", help="Do not ask for confirmation."
        )

    def handle(self, *args, patients, sessions_per_patient, seed, remove=False, interactive=True, **options):
        if remove:
            return self._remove(interactive)
        if patients * sessions_per_patient > 5_000_000:
            raise CommandError("That is more than 5,000,000 sessions; add them in several runs.")
        started = time.perf_counter()
        counts = create_demo_data(patients=patients, sessions_per_patient=sessions_per_patient, seed=seed)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {counts['patients']} demo patients, {counts['sessions']} sessions and "
                f"{counts['blend_components']} blend components in {elapsed:.1f} s."
            )
        )

    def _remove(self, interactive):
        planned = demo_data_to_remove()
        if not planned.anything:
            self.stdout.write("No demo data to remove: nothing was changed.")
            return
        self._summary("To remove", planned)
        if interactive and input("Type 'yes' to delete these records: ").strip().lower() != "yes":
            raise CommandError("Nothing was removed.")
        done = remove_demo_data()
        self._summary("Removed", done)
        self.stdout.write(self.style.SUCCESS("Demo data removed; the audit trail records it."))

    def _summary(self, heading, removal):
        counts = ", ".join(f"{count} {kind}" for kind, count in removal.removed.items() if count)
        self.stdout.write(f"{heading}: {counts or 'nothing'}.")
        for record, why in removal.kept:
            self.stdout.write(f"Kept {record}: {why}.")
