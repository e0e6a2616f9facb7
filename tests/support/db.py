"""What the database and the media folder hold, and how many queries a page costs."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from audit.models import AuditAction, AuditEvent
from clinic.models import Patient
from sessions.models import BlendComponent, SessionPhoto, TreatmentSession
from tests.support.pages import text


def count_queries(client, url):
    """How many queries one GET of the page runs (after a first, warming request)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def as_stored(model, field, typed):
    """The value the model's field holds for what was typed."""
    return model._meta.get_field(field).to_python(typed)


def assert_refused_by_database(model, pk, **values):
    """The database's own constraints refuse this update of one row, whatever the model's checks say."""
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=pk).update(**values)


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []


def stored_state():
    """Every row a form post could write, every stored file, and every audit event except page views."""
    return {
        "patients": list(Patient.objects.order_by("pk").values()),
        "sessions": list(TreatmentSession.objects.order_by("pk").values()),
        "blend": list(BlendComponent.objects.order_by("pk").values()),
        "photos": list(SessionPhoto.objects.order_by("pk").values()),
        "history": [
            Patient.history.count(),
            TreatmentSession.history.count(),
            BlendComponent.history.count(),
            SessionPhoto.history.count(),
        ],
        "audit": list(AuditEvent.objects.exclude(action=AuditAction.VIEW).order_by("pk").values_list("pk", "action")),
        "files": media_files(),
        "logins": Session.objects.count(),
    }


def assert_refused(response, before, *, messages=()):
    """Answered without a server error, each message shown, and nothing stored."""
    assert response.status_code < 500
    body = text(response)
    for message in messages:
        assert escape(message) in body, f"message not shown: {message!r}"
    assert stored_state() == before, "a refused post changed stored data"
