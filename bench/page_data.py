"""The page benchmark's database: demo_data to a size, one long-treated patient, photos, staff who log in.

The long-treated patient is the last demo patient: 300 weekly sessions over almost six years, a before
and an after photo (vertex) on each, 20 assessments. The typical patient is the first demo patient
with photo consent: 5 sessions, photos on each too, so both compare pages have something to compare.
"""

import shutil
from datetime import date, timedelta
from io import BytesIO

from support import ROOT, create_database_if_missing, fill_with_demo_data, recreate_database

MEDIA_ROOT = ROOT / "var" / "bench_pages" / "media"
LONG_COURSE = 300
LONG_COURSE_ASSESSMENTS = 20
PASSWORD = "bench-pages-only"  # noqa: S105 (scratch users of a scratch database)


def prepare_database(*, sessions, reuse):
    """Fill the scratch database, or with `reuse` keep it when it already has this size."""
    from django.core.management import call_command
    from django.db import connection

    from sessions.models import TreatmentSession

    create_database_if_missing()
    call_command("migrate", verbosity=0)
    if reuse and TreatmentSession.objects.count() == sessions + LONG_COURSE and MEDIA_ROOT.is_dir():
        print(f"  reusing the database: {sessions + LONG_COURSE:,} sessions")
    else:
        connection.close()
        recreate_database()
        shutil.rmtree(MEDIA_ROOT, ignore_errors=True)
        fill_with_demo_data(sessions)
        photographer = staff("clinician")
        add_photos(long_treated_patient(create=True), photographer)
        add_photos(typical_patient(), photographer)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")  # as autovacuum would have left it
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off serves the manifest's names


# Codes for the second factor: each sign-in of the benchmark spends one of these recovery codes (an app's code
# works once per 30 seconds, and the benchmark signs in hundreds of times).
RECOVERY_CODES_PER_USER = 2000


def staff(role):
    """`bench.<role>`, holding that role, who logs in with PASSWORD and then one of recovery_codes(role)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    user, _ = get_user_model().objects.get_or_create(username=f"bench.{role}")
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=role))
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes", defaults={"confirmed": True})
    device.token_set.all().delete()
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in recovery_codes(role))
    return user


def recovery_codes(role):
    return [f"bench{role[:3]}{number:05d}" for number in range(RECOVERY_CODES_PER_USER)]


def typical_patient():
    from clinic.models import Patient

    return Patient.objects.filter(is_demo=True, photo_consent=True).order_by("pk").first()


def long_treated_patient(create=False):
    from clinic.models import Patient

    if create:
        _add_long_course()
    return Patient.objects.filter(is_demo=True).latest("pk")


def _add_long_course():
    """demo_data's own patient with 300 sessions, moved to weekly visits over years, with 20 assessments."""
    from django.utils import timezone

    from clinic.models import Patient
    from sessions.demo import create_demo_data
    from sessions.models import Assessment, TreatmentSession
    from sessions.services import record_assessment

    create_demo_data(patients=1, sessions_per_patient=LONG_COURSE, seed=LONG_COURSE)
    patient = Patient.objects.filter(is_demo=True).latest("pk")
    first_visit = timezone.now() - timedelta(weeks=LONG_COURSE)
    Patient.objects.filter(pk=patient.pk).update(
        date_of_birth=date(1970, 3, 1), photo_consent=True, photo_consent_date=first_visit.date()
    )
    course = list(TreatmentSession.objects.filter(patient=patient).order_by("pk"))
    for week, session in enumerate(course):
        session.performed_at = first_visit + timedelta(weeks=week)
    TreatmentSession.objects.bulk_update(course, ["performed_at"])
    Assessment.objects.filter(patient=patient).delete()
    recorded = {"assessed_by": course[0].clinician, "density_site": "vertex"}
    for n, session in enumerate(course[:: LONG_COURSE // LONG_COURSE_ASSESSMENTS]):
        on = session.performed_at.date()
        record_assessment(
            assessment=Assessment(
                patient=patient, session=session, assessed_on=on, hair_density_per_cm2=100 + n, **recorded
            )
        )


def add_photos(patient, uploaded_by):
    """A before and an after photo of the vertex on each session, made once and stored for each."""
    from sessions.models import PhotoPhase, PhotoView, SessionPhoto

    prepared = {phase: _prepared_noise_photo(seed) for seed, phase in enumerate(PhotoPhase.values)}
    photos = []
    for session in patient.treatment_sessions.order_by("pk"):
        for phase, photo in prepared.items():
            row = SessionPhoto(
                session=session,
                phase=phase,
                view=PhotoView.VERTEX,
                taken_at=session.performed_at,
                uploaded_by=uploaded_by,
                content_type=photo.content_type,
                width=photo.width,
                height=photo.height,
            )
            row.image.save(photo.image.name, photo.image, save=False)
            row.thumbnail.save(photo.thumbnail.name, photo.thumbnail, save=False)
            photos.append(row)
    SessionPhoto.objects.bulk_create(photos)


def _prepared_noise_photo(seed):
    """A 640 x 480 JPEG of noise through the upload path (checked, re-encoded, thumbnail made)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from sessions.photos import prepare_photo

    buffer = BytesIO()
    Image.effect_noise((640, 480), 40 + seed).convert("RGB").save(buffer, "JPEG", quality=85)
    return prepare_photo(SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg"))
