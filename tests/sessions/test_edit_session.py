from decimal import Decimal

import pytest
from django.urls import reverse

from sessions.models import BlendComponent
from tests.support.factories import BlendComponentFactory, SessionFactory
from tests.support.posts import edit_data

pytestmark = pytest.mark.django_db


def test_the_edit_form_shows_the_stored_session(clinician_client):
    session = SessionFactory(needle_depth_mm=Decimal("1.25"))
    BlendComponentFactory(session=session)

    body = clinician_client.get(reverse("session-edit", args=[session.pk])).content.decode()

    assert 'value="1.25"' in body
    assert 'name="blend-0-id"' in body
    assert 'name="blend-0-DELETE"' in body


def test_the_edit_form_shows_stored_numbers_as_a_person_writes_them(clinician_client):
    session = SessionFactory(needle_depth_mm=Decimal("0.60"))
    BlendComponentFactory(session=session, concentration=Decimal("0.5000"), volume_ml=Decimal("2.00"))

    body = clinician_client.get(reverse("session-edit", args=[session.pk])).content.decode()

    assert 'name="needle_depth_mm" value="0.6"' in body
    assert 'name="blend-0-concentration" value="0.5"' in body
    assert 'name="blend-0-volume_ml" value="2"' in body
    assert not any(shown in body for shown in ('value="0.60"', 'value="0.5000"', 'value="2.00"'))


def test_a_clinician_corrects_the_depth_and_a_volume(clinician_client):
    session = SessionFactory()
    BlendComponentFactory(session=session, volume_ml=Decimal("2"))

    response = clinician_client.post(
        reverse("session-edit", args=[session.pk]),
        edit_data(session, needle_depth_mm="1.5", **{"blend-0-volume_ml": "2.5"}),
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.needle_depth_mm == Decimal("1.50")
    assert session.blend_components.get().volume_ml == Decimal("2.50")


def test_a_component_ticked_for_removal_is_removed_and_the_other_kept(clinician_client):
    session = SessionFactory()
    kept = BlendComponentFactory(session=session)
    BlendComponentFactory(session=session)

    clinician_client.post(reverse("session-edit", args=[session.pk]), edit_data(session, **{"blend-1-DELETE": "on"}))

    assert list(BlendComponent.objects.current()) == [kept]
    assert BlendComponent.objects.voided().count() == 1  # voided, not deleted


def test_a_rejected_edit_changes_nothing(clinician_client):
    session = SessionFactory(needle_depth_mm=Decimal("1.00"))
    BlendComponentFactory(session=session, volume_ml=Decimal("2"))

    response = clinician_client.post(
        reverse("session-edit", args=[session.pk]),
        edit_data(session, frequency_hz="900", **{"blend-0-volume_ml": "3"}),
    )

    assert response.status_code == 200
    assert "Frequency must be between 1 and 200 Hz." in response.content.decode()
    session.refresh_from_db()
    assert session.frequency_hz == 120
    assert session.blend_components.get().volume_ml == Decimal("2.00")


def test_a_component_of_another_session_cannot_be_edited_through_this_one(clinician_client):
    session = SessionFactory()
    BlendComponentFactory(session=session)
    foreign = BlendComponentFactory(volume_ml=Decimal("1"))

    clinician_client.post(
        reverse("session-edit", args=[session.pk]),
        edit_data(session, **{"blend-0-id": foreign.pk, "blend-0-volume_ml": "9"}),
    )

    foreign.refresh_from_db()
    assert foreign.volume_ml == Decimal("1.00")
