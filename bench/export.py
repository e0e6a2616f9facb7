"""Benchmark: our streaming research export against PostgreSQL COPY of the same rows.

Usage: make bench-export [BENCH_ARGS="--sessions 1000000"]
       DATABASE_URL=postgres://postgres@127.0.0.1:5432/scalp_bench python bench/export.py --sessions 100000

Fills the PostgreSQL database named by DATABASE_URL with demo_data up to N sessions (creating it if
needed; it is a scratch database: point it at one), then measures, each in a fresh process:
- ours: session_lines(), the sessions file as the page and the command write it (rows/s, time to
  the first data row, peak RSS growth over the process after start-up);
- web: the same file downloaded through the production server (gunicorn with deploy/gunicorn.conf.py, 2 workers,
  DEBUG off) with a signed-in researcher's session cookie, read as a browser reads it; the streaming threshold
  (RESEARCH_BACKGROUND_EXPORT_SESSIONS) is raised for the benchmark so that the file streams at any size;
- COPY (SELECT … the same rows and columns, blend flattened in SQL …) TO STDOUT WITH CSV, once with
  the server's JIT settings and once with JIT off (ours runs without JIT; COPY gets the faster);
and prints the ratios to COPY of the medians of --runs alternated runs (3 by default). Then, once, the same file
exported in the background: asked as the page asks, written by django-tasks' database worker (`db_worker --batch`)
into the configured storage; it prints the worker's rows/s, its peak RSS and the progress the page saw. Demo
records are included, as a benchmark must ask for them.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from support import ROOT, create_database_if_missing, fill_with_demo_data, production_server, use_scratch_database

use_scratch_database("scalp_bench")
RESULTS = ROOT / "var" / "bench_export"
EXPORT_QUERY = "technique=&include_demo=on"
WEB_URL = "BENCH_EXPORT_URL"  # the environment variable that tells each web run the file's address
WEB_COOKIE = "BENCH_EXPORT_COOKIE"

# The columns COPY writes: the same rows, plain (no keyed hash, no neutralising, raw dates and JSON).
COPY_COLUMNS = """
    s.id, p.id, p.date_of_birth, p.sex, p.diagnosis, p.norwood_hamilton_stage, p.ludwig_stage, p.salt_score,
    p.fitzpatrick_type, s.technique, s.course_number, s.first_at, s.performed_at, s.device_kind,
    s.device_manufacturer || ' ' || s.device_model, s.cartridge_configuration, s.cartridge_needle_count,
    s.cartridge_needle_diameter_mm, s.cartridge_needle_length_mm, s.needle_depth_mm, s.frequency_hz, s.passes,
    s.treated_zones, s.treated_area_cm2, s.anaesthesia, s.pain_score, s.endpoint, s.adverse_events, pr.slug,
    pr.version, s.deviation_count, s.deviation_summary,
    (SELECT string_agg(b.product_name || ' ' || b.concentration || ' ' || b.concentration_unit || ' (' || b.volume_ml
                       || ' mL)', ' + ' ORDER BY b.id)
       FROM treatments_blendcomponent b
      WHERE b.session_id = s.id AND b.voided_at IS NULL)
"""


class Sink:
    """Counts what is written, like a socket that never blocks."""

    def __init__(self):
        self.bytes = 0
        self.first_write_at = None

    def write(self, data):
        if self.first_write_at is None:
            self.first_write_at = time.perf_counter()
        self.bytes += len(data)
        return len(data)


def setup_django():
    import django

    django.setup()


def rss_mb(field="VmRSS"):
    """This process's resident memory now (VmRSS) or at its peak so far (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_ours():
    from research.export import session_lines
    from research.query import ExportFilters

    baseline = rss_mb()
    sink = Sink()
    started = time.perf_counter()
    first_row_at = None
    rows = -1
    for line in session_lines(ExportFilters(include_demo=True)):
        sink.write(line.encode())
        rows += 1
        if rows == 1:
            first_row_at = time.perf_counter()
    elapsed = time.perf_counter() - started
    return {
        "rows": rows,
        "seconds": elapsed,
        "first_row_s": (first_row_at or started) - started,
        "bytes": sink.bytes,
        "rss_growth_mb": rss_mb("VmHWM") - baseline,
        "peak_rss_mb": rss_mb("VmHWM"),
    }


def measure_copy(jit=True):
    from django.db import connection

    from research.query import ORDER_BY, ExportFilters

    filters = ExportFilters(include_demo=True)
    select, params = filters.sql(columns=COPY_COLUMNS)
    baseline = rss_mb()
    with connection.cursor() as cursor:
        if not jit:
            cursor.execute("SET jit = off")
        query = cursor.mogrify(select + ORDER_BY, params).decode()
        sink = Sink()
        started = time.perf_counter()
        cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH CSV", sink)
        elapsed = time.perf_counter() - started
    from research.query import count_sessions

    rows = count_sessions(filters)
    return {
        "rows": rows,
        "seconds": elapsed,
        "first_row_s": (sink.first_write_at or started) - started,
        "bytes": sink.bytes,
        "rss_growth_mb": rss_mb("VmHWM") - baseline,
        "peak_rss_mb": rss_mb("VmHWM"),
    }


def measure_web():
    """The sessions file through the production server, read in 64 KB pieces as a browser would."""
    import requests

    baseline = rss_mb()
    started = time.perf_counter()
    first_row_at, lines, size = None, 0, 0
    cookies = dict([os.environ[WEB_COOKIE].split("=", 1)])
    with requests.get(os.environ[WEB_URL], cookies=cookies, stream=True, timeout=(5, 600)) as response:
        response.raise_for_status()
        if not response.headers["Content-Type"].startswith("text/csv"):
            raise RuntimeError(f"not the CSV file: {response.status_code} {response.headers['Content-Type']}")
        for piece in response.iter_content(64 * 1024):
            lines += piece.count(b"\n")
            size += len(piece)
            if first_row_at is None and lines > 1:
                first_row_at = time.perf_counter()
    elapsed = time.perf_counter() - started
    return {
        "rows": lines - 1,
        "seconds": elapsed,
        "first_row_s": (first_row_at or started) - started,
        "bytes": size,
        "rss_growth_mb": rss_mb("VmHWM") - baseline,
        "peak_rss_mb": rss_mb("VmHWM"),
    }


MEASURES = {
    "ours": measure_ours,
    "web": measure_web,
    "copy": measure_copy,
    "copy-nojit": lambda: measure_copy(jit=False),
}


def researcher_cookie():
    """A researcher signed in with a second factor, as the session store keeps one after signing in."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from clinic.mfa import VERIFIED_AT
    from clinic.models import User
    from clinic.roles import RESEARCHER

    user, _ = User.objects.get_or_create(username="bench.export.researcher")
    user.groups.add(Group.objects.get(name=RESEARCHER))
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="Authenticator app", defaults={"confirmed": True})
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    # Recent enough for the download's re-verification for the whole benchmark.
    session[VERIFIED_AT] = int(time.time()) + 24 * 3600
    session.save()
    return user, f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def measure_background(user):
    """The sessions file asked for as the page asks, written by `db_worker --batch` (started here, so that its peak
    RSS is this process's children's); the job's progress is read meanwhile as the page reads it."""
    from django.http import QueryDict

    from research.forms import export_form
    from research.jobs import request_export

    form = export_form(QueryDict(EXPORT_QUERY), user)
    if not form.is_valid():
        sys.exit(f"The export form refused {EXPORT_QUERY!r}: {form.errors.as_text()}")
    job = request_export(user=user, file_name="sessions", query=EXPORT_QUERY, filters=form.filters())
    started = time.perf_counter()
    worker = subprocess.Popen([sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"], cwd=ROOT)
    seen = []
    while worker.poll() is None:
        time.sleep(0.5)
        job.refresh_from_db()
        if job.rows_written and (not seen or seen[-1] != job.rows_written):
            seen.append(job.rows_written)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    job.file.delete(save=True)  # the benchmark's file: hundreds of MB at 1M sessions
    return job, elapsed, peak_mb, seen


def run_child(kind):
    result = subprocess.run([sys.executable, __file__, "--measure", kind], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=100_000, help="Sessions in the database (default 100,000).")
    parser.add_argument("--runs", type=int, default=3, help="Alternated runs of each side; the median counts.")
    parser.add_argument("--measure", choices=list(MEASURES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("This benchmark compares with PostgreSQL COPY: set DATABASE_URL to a PostgreSQL scratch database.")
    if args.measure:
        print(json.dumps(MEASURES[args.measure]()))
        return
    create_database_if_missing()
    total = fill_with_demo_data(args.sessions)
    with connection.cursor() as cursor:
        # As autovacuum would have left it: a fresh fill's first reads would otherwise also write hint bits.
        cursor.execute("VACUUM (ANALYZE)")
    print(f"Export benchmark on PostgreSQL, {total:,} sessions in the database (demo records included)")
    user, cookie = researcher_cookie()
    # Alternated runs, each side's median: one run swings by ±10 % on a shared 2-core machine.
    runs = {kind: [] for kind in MEASURES}
    with production_server(RESULTS / "gunicorn.log", RESEARCH_BACKGROUND_EXPORT_SESSIONS=str(10**9)) as base:
        os.environ |= {WEB_URL: f"{base}/export/sessions.csv?{EXPORT_QUERY}", WEB_COOKIE: cookie}
        for _ in range(args.runs):
            for kind, results in runs.items():
                results.append(run_child(kind))
    medians = {
        kind: sorted(results, key=lambda result: result["seconds"])[len(results) // 2] for kind, results in runs.items()
    }
    print(f"  median of {args.runs} alternated runs each; every run's seconds:")
    for kind, results in runs.items():
        print(f"    {kind:10} " + "  ".join(f"{result['seconds']:.1f}" for result in results))
    names = {
        "ours": "ours (session_lines)",
        "web": "web (gunicorn download)",
        "copy": "COPY … TO STDOUT",
        "copy-nojit": "COPY … TO STDOUT, JIT off",
    }
    for kind, result in medians.items():
        print(
            f"  {names[kind]:26} {result['rows']:>10,} rows  {result['seconds']:7.1f} s  "
            f"{result['rows'] / result['seconds']:>9,.0f} rows/s"
            f"  first row after {result['first_row_s'] * 1000:6.0f} ms"
            f"  {result['bytes'] / 1e6:7.1f} MB  peak RSS {result['peak_rss_mb']:4.0f} MB"
            f" (+{result['rss_growth_mb']:.1f} MB during the export)"
        )
    copy = min(medians["copy"], medians["copy-nojit"], key=lambda result: result["seconds"])
    for kind in ("ours", "web"):
        ours = medians[kind]
        print(
            f"  throughput ratio {kind} / COPY (the faster of the two): "
            f"{(ours['rows'] / ours['seconds']) / (copy['rows'] / copy['seconds']):.2f}"
        )
    if medians["web"]["rows"] != medians["ours"]["rows"]:
        sys.exit(f"The download held {medians['web']['rows']:,} rows, not {medians['ours']['rows']:,}.")
    job, elapsed, peak_mb, seen = measure_background(user)
    print(
        f"  background export ({job.get_status_display()}): {job.rows_written:,} rows in {elapsed:.1f} s from the "
        f"request to the stored file, {job.rows_written / elapsed:,.0f} rows/s; worker peak RSS {peak_mb:.0f} MB; "
        f"progress the page saw: {', '.join(f'{rows:,}' for rows in seen)}"
    )


if __name__ == "__main__":
    main()
