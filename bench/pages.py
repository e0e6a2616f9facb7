"""Benchmark: each page's throughput through the production server, next to the floor view's.

Usage: make bench-pages [BENCH_ARGS="--sessions 1000000 --reuse"]
       DATABASE_URL=postgres://postgres@127.0.0.1:5432/scalp_bench_pages python bench/pages.py

Fills the scratch PostgreSQL database (re-created unless --reuse finds it at this size; see
bench/page_data.py), serves it with `gunicorn --config deploy/gunicorn.conf.py` (2 workers, DEBUG off,
plain HTTP, a free port on 127.0.0.1) and logs in with a real login POST as a clinician, a curator and a
researcher. Then for each page, --rounds times: --seconds of the floor (GET /accounts/ping/, signed in,
answers 204) and --seconds of the page, each by --threads clients (requests.Session, keep-alive) sending
requests back to back, at most --limit requests a side. The ratio is the median over rounds of page
req/s ÷ floor req/s in the same round, so a busy shared machine slows both sides alike. Queries are
counted in this process with Django's test Client against the same database (one request per page,
after one to warm up). The load client is Python's `requests` (requirements-dev.txt): nothing to install.
Results are kept in var/bench_pages/results-<sessions>.json: the goals that compare 100k with 1M read them.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from support import ROOT, production_server, use_scratch_database

use_scratch_database("scalp_bench_pages")

from page_data import (  # noqa: E402
    MEDIA_ROOT,
    PASSWORD,
    long_treated_patient,
    prepare_database,
    recovery_codes,
    staff,
    typical_patient,
)

RESULTS = ROOT / "var" / "bench_pages"
os.environ.setdefault("DJANGO_MEDIA_ROOT", str(MEDIA_ROOT))
# The test Client that counts queries asks as "testserver"; gunicorn is reached as 127.0.0.1.
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,testserver")
os.environ |= {"DJANGO_DEBUG": "0", "DJANGO_HTTPS": "0"}
os.environ.pop("REDIS_URL", None)  # sessions and cache as a one-server clinic has them
# Any 32 letters or digits are a valid CSRF secret: the client sets the cookie and sends it back in the form.
CSRF_SECRET = "benchmarkbenchmarkbenchmarkbench"  # noqa: S105 (not a secret: the client picks it)
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEARCHED_SURNAME = "Muster"  # one of demo_data's surnames
DEEP_PAGE = 800  # the last page at 100k sessions (20,000 patients, 25 a page)


@dataclass(frozen=True)
class Page:
    name: str
    role: str
    path: str
    status: int = 200
    login: bool = False


def pages():
    from django.urls import reverse

    typical, long = typical_patient(), long_treated_patient()
    session = typical.treatment_sessions.latest("performed_at")
    photo = session.photos.first()
    patients = reverse("patient-list")
    return [
        Page("login → first page", "clinician", reverse("login"), login=True),  # password, then second factor
        Page("patient list, page 1", "clinician", patients),
        Page(f"patient list, page {DEEP_PAGE}", "clinician", f"{patients}?page={DEEP_PAGE}"),
        Page("patient search", "clinician", f"{patients}?q={SEARCHED_SURNAME}"),
        Page("patient, 5 sessions", "clinician", reverse("patient-detail", args=[typical.pk])),
        Page("patient, 300 sessions", "clinician", reverse("patient-detail", args=[long.pk])),
        Page("session page", "clinician", reverse("session-detail", args=[session.pk])),
        Page("compare, 5 sessions", "clinician", reverse("photo-compare", args=[typical.pk])),
        Page("compare, 300 sessions", "clinician", reverse("photo-compare", args=[long.pk])),
        Page("log-session form", "clinician", reverse("session-log", args=[typical.pk])),
        Page("preset library", "curator", reverse("preset-list")),
        Page("research export + counts", "researcher", f"{reverse('export')}?include_demo=on"),
        Page("thumbnail", "clinician", reverse("photo-thumbnail", args=[photo.pk])),
        Page("full photo", "clinician", reverse("photo-file", args=[photo.pk])),
    ]


# Each sign-in spends a recovery code of its user (bench/page_data.py): one iterator of them per user.
CODES = {}


def log_in(http, base, username):
    """A real sign-in: the password POST (CSRF cookie and field, password checked), then the second factor's;
    returns the first page's response."""
    http.cookies.clear()
    http.cookies.set("csrftoken", CSRF_SECRET)
    response = http.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": CSRF_SECRET},
        timeout=120,
    )
    if response.status_code != 200 or "/accounts/second-factor/" not in response.url:
        raise RuntimeError(f"the password of {username} was refused: {response.status_code} at {response.url}")
    code = next(CODES.setdefault(username, iter(recovery_codes(username.removeprefix("bench.")))))
    response = http.post(
        f"{base}/accounts/second-factor/",
        # Signing in gave the browser a new CSRF secret (Django rotates it): the form it landed on carries it.
        data={"code": code, "next": "/", "csrfmiddlewaretoken": CSRF_FIELD.search(response.text).group(1)},
        timeout=120,
    )
    if response.status_code != 200 or "/accounts/" in response.url:
        raise RuntimeError(f"the second factor of {username} was refused: {response.status_code} at {response.url}")
    return response


def request_for(page, base):
    """One request of the page, checked; returns the body's size."""
    if page.login:
        return lambda http: len(log_in(http, base, "bench.clinician").content)

    def send(http):
        response = http.get(base + page.path, timeout=120, allow_redirects=False)
        if response.status_code != page.status:
            raise RuntimeError(f"{page.path} answered {response.status_code}, not {page.status}")
        return len(response.content)

    return send


def hammer(clients, send, seconds, limit):
    """Every client sends back to back until `seconds` or `limit` requests in all; (req/s, latencies, size)."""
    deadline = time.perf_counter() + seconds
    per_client = max(1, limit // len(clients))

    def work(http):
        latencies, size = [], 0
        while time.perf_counter() < deadline and len(latencies) < per_client:
            started = time.perf_counter()
            size = send(http)
            latencies.append(time.perf_counter() - started)
        return latencies, size

    started = time.perf_counter()
    with ThreadPoolExecutor(len(clients)) as pool:
        done = [future.result() for future in [pool.submit(work, http) for http in clients]]
    elapsed = time.perf_counter() - started
    latencies = [latency for mine, _ in done for latency in mine]
    return len(latencies) / elapsed, latencies, done[0][1]


def measure(page, base, clients, args):
    """Alternated rounds of the floor and the page with the same clients; the row of the table."""
    import requests

    floor = request_for(Page("floor", page.role, "/accounts/ping/", status=204), base)
    # Logging in replaces a session's cookies: the login is measured with clients of its own.
    page_clients = [requests.Session() for _ in clients] if page.login else clients
    send = request_for(page, base)
    ratios, rates, latencies = [], [], []
    for _ in range(args.rounds):
        floor_rate, _, _ = hammer(clients, floor, args.seconds, args.limit)
        rate, page_latencies, size = hammer(page_clients, send, args.seconds, args.limit)
        ratios.append(rate / floor_rate)
        rates.append(rate)
        latencies += page_latencies
    cuts = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else latencies * 99
    return {
        "page": page.name,
        "req_s": statistics.median(rates),
        "p50_ms": cuts[49] * 1000,
        "p95_ms": cuts[94] * 1000,
        "p99_ms": cuts[98] * 1000,
        "ratio": statistics.median(ratios),
        "bytes": size,
    }


def queries_per_request(page, users):
    """SQL queries of one request of the page, in this process, after one request to warm up."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    from clinic.mfa import VERIFIED_AT

    if page.login:
        credentials = {"username": users["clinician"].username, "password": PASSWORD}

        def send():
            return Client().post(page.path, credentials, follow=True)
    else:
        client = Client()
        client.force_login(users[page.role])
        # As after the second factor: the session names the device that proved it, and when.
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = StaticDevice.objects.get(user=users[page.role]).persistent_id
        session[VERIFIED_AT] = int(time.time())
        session.save()

        def send():
            return client.get(page.path)

    send().close()
    with CaptureQueriesContext(connection) as captured:
        response = send()
    response.close()
    if response.status_code != page.status:
        raise RuntimeError(f"{page.path} answered {response.status_code} in process, not {page.status}")
    return len(captured)


def print_table(rows):
    print(f"{'page':28} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'ratio':>6} {'queries':>7} {'HTML':>9}")
    for row in rows:
        print(
            f"{row['page']:28} {row['req_s']:7.1f} {row['p50_ms']:8.0f} {row['p95_ms']:8.0f} {row['p99_ms']:8.0f}"
            f" {row['ratio']:6.3f} {row['queries']:7} {row['bytes'] / 1024:7.0f} KB"
        )


def print_goals(rows, sessions):
    """The issue's goals, met or not; those comparing 100k with 1M sessions read the other size's results."""
    ratio = {row["page"]: row["ratio"] for row in rows}
    sizes = {sessions: rows} | {other: _stored(other) for other in (100_000, 1_000_000) if other != sessions}
    small, large = sizes.get(100_000), sizes.get(1_000_000)

    def at(rows_of_size, page, key="ratio"):
        return next(row[key] for row in rows_of_size if row["page"] == page)

    def goal(text, met):
        print(f"  [{'not measured' if met is None else 'met' if met else 'NOT met'}] {text}")

    lists = ["patient list, page 1", f"patient list, page {DEEP_PAGE}", "patient search"]
    print(f"Goals (this run: {sessions:,} demo sessions; 'at 1M' needs a run with --sessions 1000000):")
    for page in lists:
        goal(f"{page} ≥ 0.3× the floor at 1M", large and at(large, page) >= 0.3)
        goal(
            f"{page} at 1M within 20 % of its ratio at 100k",
            large and small and abs(at(large, page) - at(small, page)) <= 0.2 * at(small, page),
        )
    for page in ("patient, 5 sessions", "session page"):
        goal(f"{page} ≥ 0.3× the floor ({ratio[page]:.3f})", ratio[page] >= 0.3)
    for long, typical in (
        ("patient, 300 sessions", "patient, 5 sessions"),
        ("compare, 300 sessions", "compare, 5 sessions"),
    ):
        share = ratio[long] / ratio[typical]
        goal(f"{long} ≥ 0.8× the ratio of {typical} ({share:.2f}×)", share >= 0.8)
    goal("research export + counts ≥ 0.3× the floor at 1M", large and at(large, "research export + counts") >= 0.3)
    login = "login → first page"
    goal(
        "login → first page p50 at 1M within 1.2× of 100k",
        large and small and at(large, login, "p50_ms") <= 1.2 * at(small, login, "p50_ms"),
    )


def _stored(sessions):
    path = RESULTS / f"results-{sessions}.json"
    return json.loads(path.read_text())["rows"] if path.exists() else None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=100_000, help="Demo sessions (default 100,000).")
    parser.add_argument("--reuse", action="store_true", help="Keep the database if it already has this size.")
    parser.add_argument("--rounds", type=int, default=4, help="Alternated rounds of floor and page (default 4).")
    parser.add_argument("--seconds", type=float, default=3, help="Seconds of each side of a round (default 3).")
    parser.add_argument("--threads", type=int, default=3, help="Concurrent clients (default 3).")
    parser.add_argument("--limit", type=int, default=3000, help="At most this many requests a side.")
    args = parser.parse_args()
    import django
    import requests

    django.setup()
    prepare_database(sessions=args.sessions, reuse=args.reuse)
    users = {role: staff(role) for role in ("clinician", "curator", "researcher")}
    measured = pages()
    print(f"Page benchmark: {args.sessions:,} demo sessions + one patient with 300 (600 photos); gunicorn, 2 workers")
    rows = []
    with production_server(RESULTS / "gunicorn.log") as base:
        for page in measured:
            clients = [requests.Session() for _ in range(args.threads)]
            for http in clients:
                log_in(http, base, users[page.role].username)
            row = measure(page, base, clients, args)
            row["queries"] = queries_per_request(page, users)
            rows.append(row)
            print(f"  measured {page.name}", file=sys.stderr)
    print_table(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    stored = {"commit": commit.stdout.strip(), "args": vars(args), "rows": rows}
    (RESULTS / f"results-{args.sessions}.json").write_text(json.dumps(stored, indent=1))
    print_goals(rows, args.sessions)


if __name__ == "__main__":
    main()
