from django.db import transaction

from audit.models import AuditAction
from audit.services import diff, record_event, snapshot, stored_snapshot
from clinic.editing import claim_version
from clinic.models import Patient


def save_patient(*, patient: Patient, seen_version: int | None = None) -> Patient:
    """Create or update a patient, refusing an edit made on a stale copy (EditConflict)."""
    patient.full_clean()
    with transaction.atomic():
        if patient._state.adding:
            patient.save()
            record_event(AuditAction.CREATE, patient)
            return patient
        claim_version(patient, patient.version if seen_version is None else seen_version)
        before = snapshot(Patient.objects.get(pk=patient.pk))
        patient.save()
        record_event(AuditAction.UPDATE, patient, changes=diff(before, stored_snapshot(patient)))
    return patient
