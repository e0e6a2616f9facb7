"""A consent withdrawn at the chair is respected at once: the patient's photos are no longer shown and their
sessions leave the research export; the records of what they gave and withdrew stay."""

from datetime import datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.consent_models import ConsentWithdrawal, SignedConsent
from tests.research.support import session_keys
from tests.support.factories import SessionFactory
from tests.support.photos import stored_photo

pytestmark = pytest.mark.django_db


def test_withdrawn_photo_and_research_consent_hide_the_photos_and_take_the_sessions_out_of_the_export(
    clinician, clinician_client, patient
):
    photo = stored_photo(SessionFactory(patient=patient), clinician)
    given = timezone.make_aware(datetime.combine(patient.photo_consent_date, time(9)))
    for purpose in ("photographs", "research"):
        SignedConsent.objects.create(patient=patient, purpose=purpose, signed_at=given)
    assert clinician_client.get(photo.get_absolute_url()).status_code == 200
    assert len(session_keys()) == 1

    for consent in ("photographs:", "research:"):
        withdrawn = clinician_client.post(
            reverse("consent-withdraw", args=[patient.pk]), {"consent": consent, "reason": "Asked to stop"}
        )
        assert withdrawn.status_code == 302

    assert clinician_client.get(photo.get_absolute_url()).status_code == 404
    assert session_keys() == []
    kept = SignedConsent.objects.filter(patient=patient, purpose__in=["photographs", "research"])
    assert kept.count() == 2 and ConsentWithdrawal.objects.filter(patient=patient).count() == 2
