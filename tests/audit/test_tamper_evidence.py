"""The audit trail proves its own integrity: every row carries a keyed seal and a place in a keyed chain, and
`manage.py verify_audit` finds whatever someone with the database (but not the key) changed, removed, forged or
moved — here tried as the table's owner, with the append-only trigger switched off where there is one."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.integrity import seal_pending
from audit.models import AuditAction, AuditEvent
from audit.services import record_event
from tests.support.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(clinician):
    """Five events written and chained, as the application writes them."""
    patient = PatientFactory()
    for _ in range(4):
        record_event(AuditAction.VIEW, patient, user=clinician, ip_address="10.0.0.7")
    record_event(AuditAction.EXPORT, user=clinician, detail={"file": "sessions.csv", "rows": 12})
    seal_pending(AuditEvent)
    return list(AuditEvent.objects.order_by("sealed_seq"))


def verified():
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def broken():
    with pytest.raises(CommandError) as refused:
        verified()
    return str(refused.value)


def as_owner(*statements):
    """Run SQL as the table's owner would, the append-only trigger switched off (PostgreSQL; SQLite has none)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no foreign-key checks left waiting on the table
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        for sql, params in statements:
            cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")


def test_an_untouched_trail_verifies(trail):
    assert [event.sealed_seq for event in trail] == [1, 2, 3, 4, 5]
    assert "The audit trail is whole: 5 events chained." in verified()


def test_the_application_chains_each_row_when_its_transaction_commits(clinician, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record_event(AuditAction.VIEW, PatientFactory(), user=clinician)

    event = AuditEvent.objects.get()
    assert (event.sealed_seq, len(event.mac), len(event.link)) == (1, 64, 64)


def test_a_changed_row_is_found(trail):
    as_owner(
        ("UPDATE audit_auditevent SET detail = %s WHERE id = %s", ['{"file": "other.csv", "rows": 1}', trail[4].pk])
    )

    where = f"audit event #{trail[4].pk} (position 5)"
    assert (
        broken() == f"The audit trail is broken at {where}: its content is not what was written (changed, or forged)."
    )


def test_a_removed_row_is_found(trail):
    as_owner(("DELETE FROM audit_auditevent WHERE id = %s", [trail[2].pk]))

    assert f"audit event #{trail[3].pk} (position 4): position 3 is missing: a row was removed" in broken()


def test_a_forged_back_dated_row_is_found_even_with_a_real_seal_copied_onto_it(trail, clinician):
    forged = (
        "INSERT INTO audit_auditevent (at, user_id, username, ip_address, action, object_type, object_id,"
        " changes, reason, detail, mac, link) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    values = [timezone.now() - timedelta(days=400), clinician.pk, clinician.username, "10.0.0.7", "view", "patient"]
    values += ["1", "{}", "", "{}", trail[0].mac, ""]
    as_owner((forged, values))

    assert "its content is not what was written (changed, or forged)" in broken()
    seal_pending(AuditEvent)  # even once the next real event has pulled it into the chain
    assert "(position 6): its content is not what was written (changed, or forged)" in broken()


def test_rows_put_in_another_order_are_found(trail):
    first, second = trail[1], trail[2]
    as_owner(
        ("UPDATE audit_auditevent SET sealed_seq = -1 WHERE id = %s", [first.pk]),
        ("UPDATE audit_auditevent SET sealed_seq = %s WHERE id = %s", [first.sealed_seq, second.pk]),
        ("UPDATE audit_auditevent SET sealed_seq = %s WHERE id = %s", [second.sealed_seq, first.pk]),
    )

    assert f"audit event #{second.pk} (position 2): its link does not follow from the one before" in broken()


def test_a_back_dated_time_is_found(trail):
    as_owner(("UPDATE audit_auditevent SET at = %s WHERE id = %s", [timezone.now() - timedelta(days=3), trail[3].pk]))

    assert f"audit event #{trail[3].pk} (position 4): its content is not what was written" in broken()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's")
def test_the_database_lets_a_row_join_the_chain_once_and_nothing_else_change(trail):
    for statement in (
        "UPDATE audit_auditevent SET sealed_seq = 99 WHERE id = %s",
        "UPDATE audit_auditevent SET link = '' WHERE id = %s",
        "UPDATE audit_auditevent SET username = 'someone else' WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [trail[0].pk])
