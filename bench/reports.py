"""Benchmark: the course report and a session report of a 12-session course with camera-sized photos.

Usage: make bench-reports [BENCH_ARGS="--runs 5"]
       DATABASE_URL=postgres://postgres@127.0.0.1:5432/scalp_bench_reports python bench/reports.py

Re-creates the PostgreSQL scratch database named by DATABASE_URL (default scalp_bench_reports: point it at a
scratch database), with photos under var/bench_reports/media, and logs through the services one patient's course
of 12 monthly sessions from the longest seeded preset, each with a blend row and a before and an after photo of
the vertex: 3000 x 2000 phone-like JPEGs (about 2 MB each, checked and re-encoded as an upload is), and an
assessment per session for the charts. Then it draws each report as the view does (sessions.reports) and prints
its pages, its size, the first drawing (which makes and stores the photos' print-size renditions) and the
median of --runs drawings after it.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

from support import ROOT, recreate_database, use_scratch_database

use_scratch_database("scalp_bench_reports")
MEDIA_ROOT = ROOT / "var" / "bench_reports" / "media"
os.environ.setdefault("DJANGO_MEDIA_ROOT", str(MEDIA_ROOT))
SESSIONS = 12
PHOTO_SIZE = (3000, 2000)


def camera_photo(seed):
    """A phone-like JPEG: softened noise over a gradient compresses as a photo of a scalp does."""
    from PIL import Image, ImageFilter

    noise = Image.effect_noise(PHOTO_SIZE, 30 + seed).convert("RGB").filter(ImageFilter.GaussianBlur(0.6))
    gradient = Image.linear_gradient("L").resize(PHOTO_SIZE).convert("RGB")
    buffer = BytesIO()
    Image.blend(noise, gradient, 0.5).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def log_course():
    """The patient and their course's sessions, logged as a clinician logs them."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from clinic.models import Lot, Patient, Product
    from protocols.models import ProtocolPreset
    from sessions.models import Assessment, BlendComponent, PhotoPhase, PhotoView, TreatmentSession
    from sessions.photos import prepare_photo
    from sessions.services import NewPhoto, record_assessment, save_session

    clinician = get_user_model().objects.create(username="bench.clinician")
    clinician.groups.add(Group.objects.get(name="clinician"))
    preset = ProtocolPreset.objects.published().order_by("-session_count", "pk").first()
    first_visit = (timezone.now() - timedelta(days=30 * SESSIONS)).replace(second=0, microsecond=0)
    patient = Patient.objects.create(
        record_number="BENCH-1",
        first_name="Bench",
        last_name="Patient",
        date_of_birth=first_visit.date() - timedelta(days=40 * 365),
        sex="female",
        diagnosis="fphl",
        photo_consent=True,
        photo_consent_date=first_visit.date(),
    )
    product = Product.objects.create(name="Minoxidil", kind="drug", active_ingredient="minoxidil")
    lot = Lot.objects.create(product=product, number="LOT-BENCH", expiry_date=first_visit.date() + timedelta(days=900))
    uploads = {phase: camera_photo(seed) for seed, phase in enumerate((PhotoPhase.BEFORE, PhotoPhase.AFTER))}
    print(f"  photos: {PHOTO_SIZE[0]} x {PHOTO_SIZE[1]} JPEG, {len(uploads[PhotoPhase.BEFORE]) / 1e6:.1f} MB")
    for number in range(SESSIONS):
        performed_at = first_visit + timedelta(days=30 * number)
        photos = [
            NewPhoto(
                prepared=prepare_photo(SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg")),
                phase=phase,
                view=PhotoView.VERTEX,
            )
            for phase, content in uploads.items()
        ]
        session = TreatmentSession(
            patient=patient,
            clinician=clinician,
            performed_at=performed_at,
            technique=preset.technique,
            preset=preset,
            needle_depth_mm=Decimal("1.0"),
            frequency_hz=100,
            passes=2,
            treated_zones=["vertex", "frontal"],
            cartridge_lot=f"CL-{number + 1:02d}",
            pain_score=3,
            adverse_events=["none"],
        )
        blend = [BlendComponent(product=product, lot=lot, concentration=Decimal("0.5"), concentration_unit="%")]
        save_session(session=session, components=blend, photos=photos, uploaded_by=clinician, warnings_confirmed=True)
        record_assessment(
            assessment=Assessment(
                patient=patient,
                session=session,
                assessed_on=performed_at.date(),
                assessed_by=clinician,
                density_site="vertex",
                hair_density_per_cm2=Decimal(100 + 3 * number),
                satisfaction=min(5, 2 + number // 4),
            )
        )
    return patient, TreatmentSession.objects.filter(patient=patient).latest("performed_at")


def pages(pdf):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True, check=True).stdout
    return next(int(line.split()[1]) for line in info.splitlines() if line.startswith("Pages:"))


def measure(name, make_report, runs):
    """Draw the report once (its photos' renditions are made then), then `runs` times; print the figures."""
    started = time.perf_counter()
    pdf = make_report().pdf()
    first = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        pdf = make_report().pdf()
        times.append(time.perf_counter() - started)
    print(
        f"  {name}: {pages(pdf)} pages, {len(pdf) / 1e6:.2f} MB, first {first:.2f} s (renditions made), "
        f"then median {statistics.median(times):.2f} s of {runs}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="Drawings timed after the first (default 3).")
    args = parser.parse_args()
    if not shutil.which("pdfinfo"):
        raise SystemExit("pdfinfo not found: install Debian's poppler-utils")

    import django

    django.setup()
    from django.core.management import call_command

    from sessions import reports
    from sessions.access import get_session_for
    from sessions.courses import course_key

    recreate_database()
    shutil.rmtree(MEDIA_ROOT, ignore_errors=True)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    patient, latest = log_course()
    print(f"  {SESSIONS} sessions with 2 photos each logged in {time.perf_counter() - started:.0f} s")
    clinician = latest.clinician
    print(f"Reports of a {SESSIONS}-session course (PostgreSQL, {os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}):")
    measure("course report", lambda: reports.course_report(patient, course_key(latest)), args.runs)
    measure("session report", lambda: reports.session_report(get_session_for(clinician, latest.pk)), args.runs)


if __name__ == "__main__":
    main()
