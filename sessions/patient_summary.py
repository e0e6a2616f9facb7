"""Each patient's session summary (how many current sessions, when the last was), stored on the patient
so that the patient list never counts sessions. Every write of a session refreshes it."""

from django.db import transaction
from django.db.models import Count, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from clinic.models import Patient
from sessions.models import TreatmentSession


def refresh_patient_summary(patient):
    """Recount the patient's current sessions (voided ones neither count nor are the last); call it in the
    transaction that wrote the session."""
    with transaction.atomic():
        # Locked first, so that two sessions saved at once for one patient cannot both write a count that
        # misses the other.
        Patient.objects.select_for_update().filter(pk=patient.pk).values_list("pk").first()
        summary = (
            TreatmentSession.objects.current()
            .filter(patient_id=patient.pk)
            .aggregate(session_count=Count("pk"), last_session_at=Max("performed_at"))
        )
        Patient.objects.filter(pk=patient.pk).update(**summary)
    for name, value in summary.items():
        setattr(patient, name, value)


def refresh_patient_summaries(patients):
    """The same for every patient of a queryset, in one statement (after a bulk load)."""
    current = TreatmentSession.objects.current().filter(patient_id=OuterRef("pk")).order_by().values("patient_id")
    patients.update(
        session_count=Coalesce(
            Subquery(current.annotate(count=Count("pk")).values("count")), Value(0), output_field=IntegerField()
        ),
        last_session_at=Subquery(current.annotate(last=Max("performed_at")).values("last")),
    )
