"""Benchmark: how long `demo_data` takes to add N sessions to a fresh PostgreSQL database.

Usage: make bench-demo-data [BENCH_ARGS="--sessions 100000"]
       DATABASE_URL=postgres://postgres@127.0.0.1:5432/scalp_bench python bench/demo_data.py
The database named in DATABASE_URL is dropped and re-created: point it at a scratch database.
"""

import argparse
import time

from support import recreate_database, use_scratch_database

use_scratch_database("scalp_bench")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--sessions-per-patient", type=int, default=5)
    args = parser.parse_args()

    recreate_database()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from sessions.demo import create_demo_data

    patients = args.sessions // args.sessions_per_patient
    started = time.perf_counter()
    counts = create_demo_data(patients=patients, sessions_per_patient=args.sessions_per_patient, seed=1)
    elapsed = time.perf_counter() - started
    print(
        f"demo_data on PostgreSQL: {counts['patients']:,} patients, {counts['sessions']:,} sessions, "
        f"{counts['blend_components']:,} blend components"
    )
    print(f"  {elapsed:.1f} s  ({counts['sessions'] / elapsed:,.0f} sessions/s)")


if __name__ == "__main__":
    main()
