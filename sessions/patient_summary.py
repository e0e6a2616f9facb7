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
        one = Patient.objects.filter(pk=patient.pk)
        one.select_for_update().values_list("pk").first()
        refresh_patient_summaries(one)
        patient.session_count, patient.last_session_at = one.values_list("session_count", "last_session_at").get()


def refresh_patient_summaries(patients):
    """The same for every patient of a queryset, in one statement (after a bulk load)."""
    current = TreatmentSession.objects.current().filter(patient_id=OuterRef("pk")).order_by().values("patient_id")
    patients.update(
        session_count=Coalesce(
            Subquery(current.annotate(count=Count("pk")).values("count")), Value(0), output_field=IntegerField()
        ),
        last_session_at=Subquery(current.annotate(last=Max("performed_at")).values("last")),
    )
