"""Migration clinic/0008 carries the patient form's old consent ticks and dates over as consent records marked as
recorded before signed consent existed: no document, signature or PDF, on the day consent was given."""

from datetime import date
from importlib import import_module

from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from clinic.consent_models import SignedConsent
from tests.support.factories import PatientFactory

MIGRATION = "0008_carry_over_recorded_consents"


def test_old_consent_ticks_become_records_of_consent_given_before_signing(db):
    both = PatientFactory(photo_consent_date=date(2024, 3, 1), research_consent_date=date(2024, 4, 2))
    photos_only = PatientFactory(research_consent=False, research_consent_date=None)
    neither = PatientFactory(
        photo_consent=False, photo_consent_date=None, research_consent=False, research_consent_date=None
    )

    apps = MigrationLoader(None, ignore_no_migrations=True).project_state(("clinic", MIGRATION)).apps
    import_module(f"clinic.migrations.{MIGRATION}").carry_over(apps, None)

    carried = SignedConsent.objects.exclude(purpose="treatment")
    assert {(c.patient, c.purpose, timezone.localdate(c.signed_at)) for c in carried} == {
        (both, "photographs", date(2024, 3, 1)),
        (both, "research", date(2024, 4, 2)),
        (photos_only, "photographs", photos_only.photo_consent_date),
    }
    assert all(c.recorded_before_signing and not c.signature and not c.pdf for c in carried)
    assert not carried.filter(patient=neither).exists()
