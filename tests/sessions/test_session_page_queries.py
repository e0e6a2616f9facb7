"""The session page runs as many queries for one delayed event, or voided photo, as for several."""

from django.urls import reverse
from django.utils import timezone

from sessions.models import DelayedAdverseEvent, DelayedEventKind, Severity
from sessions.services import void_record
from tests.support.db import count_queries
from tests.support.factories import SessionFactory, UserFactory
from tests.support.photos import new_photo, store_photos


def add_events(session, count):
    for _ in range(count):
        DelayedAdverseEvent.objects.create(
            session=session,
            kind=DelayedEventKind.values[0],
            severity=Severity.values[0],
            onset_on=timezone.localdate(),
            recorded_by=UserFactory(),
        )


def add_voided_photos(session, clinician, count):
    store_photos(session, clinician, *(new_photo(view="top") for _ in range(count)))
    for photo in session.photos.all():
        void_record(record=photo, reason="Blurred", by=UserFactory())


def test_delayed_events_and_voided_photos_cost_no_query_each(clinician_client, clinician):
    few, many = SessionFactory(), SessionFactory()
    for session, count in ((few, 1), (many, 3)):
        add_events(session, count)
        add_voided_photos(session, clinician, count)

    assert count_queries(clinician_client, reverse("session-detail", args=[many.pk])) == count_queries(
        clinician_client, reverse("session-detail", args=[few.pk])
    )
