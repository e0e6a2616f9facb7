"""A patient with a long treatment history, built in bulk: sessions, a before and an after photo on each
(all pointing at one stored tiny image), and assessments, in a handful of queries."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from clinic.vocabularies import Technique
from sessions.models import Assessment, PhotoPhase, PhotoView, SessionPhoto, TreatmentSession
from tests.support.factories import PatientFactory, UserFactory
from tests.support.images import jpeg_bytes

DAYS_BETWEEN_SESSIONS = 7


def shared_image():
    """The name of one stored tiny JPEG that every bulk photo row points at."""
    return default_storage.save("history/shared.jpg", ContentFile(jpeg_bytes(8, 6)))


def patient_with_history(sessions, *, clinician=None, assessments=20, preset=None, image=None):
    """A patient with `sessions` weekly sessions (the newest three days ago), each with a before and an after
    vertex photo, and `assessments` assessments spread over the same time; returns the patient."""
    patient = PatientFactory()
    clinician = clinician or UserFactory(roles=["clinician"])
    image = image or shared_image()
    newest = (timezone.now() - timedelta(days=3)).replace(second=0, microsecond=0)
    rows = TreatmentSession.objects.bulk_create(
        TreatmentSession(
            patient=patient,
            clinician=clinician,
            performed_at=newest - timedelta(days=DAYS_BETWEEN_SESSIONS * (sessions - 1 - index)),
            technique=Technique.MMP,
            preset=preset,
            needle_depth_mm=Decimal("1.00"),
            frequency_hz=120,
            passes=2,
            treated_zones=["vertex"],
            pain_score=3,
            adverse_events=["none"],
        )
        for index in range(sessions)
    )
    SessionPhoto.objects.bulk_create(
        SessionPhoto(
            session=session,
            phase=phase,
            view=PhotoView.VERTEX,
            image=image,
            thumbnail=image,
            content_type="image/jpeg",
            width=8,
            height=6,
            taken_at=session.performed_at,
            uploaded_by=clinician,
        )
        for session in rows
        for phase in (PhotoPhase.BEFORE, PhotoPhase.AFTER)
    )
    first_day = (newest - timedelta(days=DAYS_BETWEEN_SESSIONS * (sessions - 1))).date()
    spread = max((newest.date() - first_day).days // max(assessments, 1), 1)
    Assessment.objects.bulk_create(
        Assessment(
            patient=patient,
            assessed_on=first_day + timedelta(days=spread * index),
            assessed_by=clinician,
            density_site="vertex",
            hair_density_per_cm2=Decimal("120.0") + index,
            satisfaction=1 + index % 5,
            global_photo_assessment=index % 4 - 1,
        )
        for index in range(assessments)
    )
    return patient
