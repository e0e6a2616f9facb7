"""Consents given before signed consent existed: the patient form's ticks and dates become consent records of
their own, marked as recorded before signing (no document, no signature, no PDF), on the day they were given. The
patients' stored consent state is left as it was: it already says the same."""

from datetime import datetime, time

from django.db import migrations
from django.utils import timezone

RECORDED = {"photographs": ("photo_consent", "photo_consent_date"), "research": ("research_consent", "research_consent_date")}


def carry_over(apps, schema_editor):
    Patient = apps.get_model("clinic", "Patient")
    SignedConsent = apps.get_model("clinic", "SignedConsent")
    for purpose, (consent_field, date_field) in RECORDED.items():
        given = Patient.objects.filter(**{consent_field: True}).values_list("pk", date_field)
        SignedConsent.objects.bulk_create(
            (
                SignedConsent(
                    patient_id=pk,
                    purpose=purpose,
                    signed_at=timezone.make_aware(datetime.combine(given_on, time.min)),
                )
                for pk, given_on in given.iterator()
            ),
            batch_size=1000,
        )


class Migration(migrations.Migration):
    dependencies = [("clinic", "0007_seed_consent_documents")]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
