import argparse
import time

from django.core.management.base import BaseCommand, CommandError

from clinic.parsing import positive_int
from sessions.demo import create_demo_data


def at_least_one(text):
    value = positive_int(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return value


class Command(BaseCommand):
    help = "Add synthetic demo patients and treatment sessions (no real people; every record flagged as demo)."

    def add_arguments(self, parser):
        parser.add_argument("--patients", type=at_least_one, default=30, help="How many patients to add (default 30).")
        parser.add_argument(
            "--sessions-per-patient", type=at_least_one, default=5, help="Sessions per patient (default 5)."
        )
        parser.add_argument("--seed", type=int, default=None, help="Random seed, for repeatable data.")

    def handle(self, *args, patients, sessions_per_patient, seed, **options):
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
