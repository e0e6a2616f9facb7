"""The session page runs as many queries for one delayed event, or voided photo, as for several."""

from django.urls import reverse
from django.utils import timezone

from sessions.models import DelayedAdverseEvent, DelayedEventKind, Severity
from sessions.photos import prepare_photo
from sessions.services import NewPhoto, save_session, void_record
from tests.support.db import count_queries
from tests.support.factories import SessionFactory, UserFactory
from tests.support.images import jpeg_bytes, upload


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
    new = [NewPhoto(prepared=prepare_photo(upload(jpeg_bytes())), phase="before", view="top") for _ in range(count)]
    save_session(session=session, photos=new, uploaded_by=clinician, amendment_reason="Photos added afterwards.")
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
