"""Nobody changes or deletes an audit event: not the application, not the admin, not SQL on PostgreSQL."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.models import AppendOnlyError, AuditAction, AuditEvent
from audit.services import record_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return record_event(AuditAction.EXPORT, username="researcher", detail={"rows": 10})


def test_the_model_refuses_to_save_changes(event):
    event.reason = "rewritten"

    with pytest.raises(AppendOnlyError):
        event.save()


def test_the_model_and_its_queryset_refuse_deletion(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")

    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_auditevent SET reason = 'rewritten'", "DELETE FROM audit_auditevent"],
    ids=["update", "delete"],
)
def test_postgresql_refuses_raw_updates_and_deletes(event, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)

    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_admins_browse_the_trail_read_only(event, client_for, superuser):
    client = client_for(superuser)

    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    page = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"reason": "rewritten"})
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_admins_filter_the_trail_by_action(event, client_for, superuser):
    record_event(AuditAction.LOGIN, username="someone-else")

    page = client_for(superuser).get(reverse("admin:audit_auditevent_changelist"), {"action__exact": "export"})

    assert page.context["cl"].result_count == 1


def test_staff_who_are_not_superusers_cannot_read_the_trail(event, client_for):
    from tests.support.factories import UserFactory

    staff = UserFactory(is_staff=True, roles=["clinician"])

    assert client_for(staff).get(reverse("admin:audit_auditevent_changelist")).status_code == 403
