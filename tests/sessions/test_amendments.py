"""Changing a session after its day is an amendment: it needs a reason and shows on the session page."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import TreatmentSession
from tests.support.factories import SessionFactory
from tests.support.posts import edit_data

pytestmark = pytest.mark.django_db


def test_an_edit_after_the_day_without_a_reason_is_refused_and_changes_nothing(clinician_client):
    session = SessionFactory(needle_depth_mm=Decimal("1.00"))

    response = clinician_client.post(
        reverse("session-edit", args=[session.pk]), edit_data(session, needle_depth_mm="1.2", amendment_reason="")
    )

    assert "Give a reason for amending a session after the day it was performed." in response.content.decode()
    assert TreatmentSession.objects.get(pk=session.pk).needle_depth_mm == Decimal("1.00")


def test_the_edit_form_asks_for_the_reason_only_after_the_day(clinician_client):
    earlier = SessionFactory()
    today = SessionFactory(performed_at=timezone.localtime().replace(hour=0, minute=1, second=0, microsecond=0))

    assert (
        'name="amendment_reason"' in clinician_client.get(reverse("session-edit", args=[earlier.pk])).content.decode()
    )
    assert (
        'name="amendment_reason"' not in clinician_client.get(reverse("session-edit", args=[today.pk])).content.decode()
    )


def test_a_same_day_correction_needs_no_reason(clinician_client):
    session = SessionFactory(performed_at=timezone.localtime().replace(hour=0, minute=1, second=0, microsecond=0))

    response = clinician_client.post(
        reverse("session-edit", args=[session.pk]), edit_data(session, pain_score="5", amendment_reason="")
    )

    assert response.status_code == 302
    assert TreatmentSession.objects.get(pk=session.pk).pain_score == 5


def test_the_session_page_shows_each_amendment_with_old_and_new_values_who_and_why(client_for, clinician):
    session = SessionFactory(needle_depth_mm=Decimal("1.00"), frequency_hz=120)
    client = client_for(clinician)

    client.post(
        reverse("session-edit", args=[session.pk]),
        edit_data(session, needle_depth_mm="1.2", frequency_hz="70", amendment_reason="Machine log says 1.2 mm, 70 Hz"),
    )

    history = client.get(session.get_absolute_url()).content.decode().split('id="history"')[1]
    assert f"Amended on {timezone.localtime():%Y-%m-%d}" in history
    assert f"by {clinician.username}" in history
    assert "needle depth (mm): 1.00 → 1.20" in history
    assert "frequency (Hz): 120 → 70" in history
    assert "Reason: Machine log says 1.2 mm, 70 Hz" in history


def test_in_portuguese_the_history_writes_numbers_with_commas(client_for, clinician):
    clinician.language = "pt-br"
    clinician.save(update_fields=["language"])
    session = SessionFactory(needle_depth_mm=Decimal("1.00"))
    client = client_for(clinician)

    client.post(
        reverse("session-edit", args=[session.pk]),
        edit_data(session, needle_depth_mm="1,2", amendment_reason="Registro do aparelho"),
    )

    history = client.get(session.get_absolute_url()).content.decode().split('id="history"')[1]
    assert "1,00 → 1,20" in history
    assert "1.00" not in history
