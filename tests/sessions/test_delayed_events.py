"""Adverse events noticed after a session: recorded with onset, severity and resolution, audited, voidable."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from sessions.forms import DelayedEventForm
from sessions.models import DelayedAdverseEvent
from sessions.services import record_delayed_event, void_record
from tests.support.db import assert_refused, stored_state
from tests.support.factories import SessionFactory
from tests.support.pages import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    return SessionFactory(performed_at=(timezone.now() - timedelta(days=10)).replace(second=0, microsecond=0))


def form_for(session, clinician, **data):
    values = {"kind": "folliculitis", "onset_on": str(session.performed_on + timedelta(days=2)), "severity": "mild"}
    return DelayedEventForm({**values, **data}, instance=DelayedAdverseEvent(session=session, recorded_by=clinician))


def test_a_clinician_records_an_event_on_the_session_page(clinician_client, clinician, session):
    onset = session.performed_on + timedelta(days=3)

    response = clinician_client.post(
        reverse("delayed-event-add", args=[session.pk]),
        {"kind": "prolonged_erythema", "onset_on": str(onset), "severity": "moderate"},
    )

    assert response["Location"] == f"{session.get_absolute_url()}#delayed-events"
    event = DelayedAdverseEvent.objects.get()
    assert (event.session, event.kind, event.onset_on, event.recorded_by) == (
        session,
        "prolonged_erythema",
        onset,
        clinician,
    )
    assert AuditEvent.objects.get(action=AuditAction.CREATE, object_type="delayed_adverse_event").user == clinician
    page = clinician_client.get(session.get_absolute_url()).content.decode()
    assert "Prolonged erythema" in page.split('id="delayed-events"')[1] and "ongoing" in page
    timeline = clinician_client.get(session.patient.get_absolute_url()).content.decode()
    assert "adverse event</span>" in timeline


VOIDED = "This session has been voided: no adverse event can be added to it."


def test_no_event_is_added_to_a_voided_session_even_from_a_form_opened_before(clinician_client, clinician, session):
    url = reverse("delayed-event-add", args=[session.pk])
    assert clinician_client.get(url).status_code == 200  # the form is open...
    void_record(record=session, reason="Logged on the wrong patient", by=clinician)  # ...when the session is voided
    before = stored_state()

    posted = clinician_client.post(
        url, {"kind": "folliculitis", "onset_on": str(session.performed_on), "severity": "mild"}
    )
    opened = clinician_client.get(url, follow=True)

    assert_refused(posted, before, messages=[VOIDED])
    assert VOIDED in text(opened) and opened.redirect_chain[-1][0] == session.get_absolute_url()
    with pytest.raises(ValidationError, match="voided"):
        record_delayed_event(event=form_for(session, clinician).save(commit=False))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"onset_on": "day-before"}, "onset_on", "A delayed event starts on or after the day of its session."),
        ({"onset_on": "tomorrow"}, "onset_on", "The onset cannot be in the future."),
        ({"resolved_on": "before-onset"}, "resolved_on", "It cannot have resolved before its onset."),
        ({"resolved_on": "tomorrow"}, "resolved_on", "The resolution cannot be in the future."),
        ({"kind": "other"}, "description", "Describe the event."),
        (
            {"kind": "pigment_migration"},
            "kind",
            "Pigment migration follows scalp micropigmentation (SMP) sessions only.",
        ),
        ({"severity": "fatal"}, "severity", "Select a valid choice. fatal is not one of the available choices."),
    ],
)
def test_it_refuses_what_cannot_be_with_a_clear_message(session, clinician, changes, field, message):
    days = {
        "day-before": session.performed_on - timedelta(days=1),
        "tomorrow": timezone.localdate() + timedelta(days=1),
        "before-onset": session.performed_on + timedelta(days=1),
    }
    data = {key: str(days.get(value, value)) for key, value in changes.items()}

    form = form_for(session, clinician, **data)

    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_pigment_migration_is_accepted_after_an_smp_session(clinician):
    smp = SessionFactory(technique="smp")

    assert form_for(smp, clinician, kind="pigment_migration").is_valid()


def test_the_database_refuses_a_resolution_before_the_onset(session, clinician):
    event = DelayedAdverseEvent.objects.create(
        session=session, kind="infection", onset_on=session.performed_on, severity="severe", recorded_by=clinician
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        DelayedAdverseEvent.objects.filter(pk=event.pk).update(resolved_on=session.performed_on - timedelta(days=1))


def test_a_voided_event_leaves_the_session_page_and_the_badge(clinician_client, clinician):
    session = SessionFactory(adverse_events=["none"])
    event = DelayedAdverseEvent.objects.create(
        session=session, kind="infection", onset_on=session.performed_on, severity="mild", recorded_by=clinician
    )

    clinician_client.post(reverse("delayed-event-void", args=[event.pk]), {"reason": "Recorded on the wrong session"})

    event.refresh_from_db()
    assert event.is_voided and event.void_reason == "Recorded on the wrong session"
    assert (
        "Infection"
        not in clinician_client.get(session.get_absolute_url())
        .content.decode()
        .split('id="delayed-events"')[1]
        .split("</table>")[0]
    )
    assert "adverse event</span>" not in clinician_client.get(session.patient.get_absolute_url()).content.decode()


def test_other_roles_cannot_record_one(client_for, researcher, session):
    response = client_for(researcher).post(
        reverse("delayed-event-add", args=[session.pk]),
        {"kind": "infection", "onset_on": str(session.performed_on), "severity": "mild"},
    )

    assert response.status_code == 403
    assert not DelayedAdverseEvent.objects.exists()
