"""Connected as the application role, nobody can tamper with the audit trail or the history, only work.

Roles are cluster-wide: each test makes its own, with a random suffix, and drops them at the end.
"""

import os
import secrets
import subprocess
import sys
from contextlib import contextmanager
from io import StringIO

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.commands import migrate
from django.db import connection
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from audit.services import record_event
from clinic.models import Patient
from clinic.roles import CLINICIAN
from tests.support.factories import PatientFactory, UserFactory
from tests.support.posts import patient_data

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles exist on PostgreSQL only")
INSUFFICIENT_PRIVILEGE = "42501"


@pytest.fixture
def roles(transactional_db):
    suffix = secrets.token_hex(4)
    made = {"owner": f"test_owner_{suffix}", "app": f"test_app_{suffix}", "password": secrets.token_urlsafe(12)}
    out = StringIO()
    call_command(
        "create_database_roles",
        owner=made["owner"],
        app=made["app"],
        owner_password=made["password"],
        app_password=made["password"],
        stdout=out,
    )
    made["output"] = out.getvalue()
    yield made
    with connection.cursor() as cursor:
        cursor.execute(f"REASSIGN OWNED BY {made['owner']} TO current_user")
        for role in (made["owner"], made["app"]):
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


def refusal(role, password, statement):
    """The error PostgreSQL answers `statement` with, run on a connection of `role`'s own."""
    params = connection.settings_dict
    raw = psycopg2.connect(
        dbname=params["NAME"], user=role, password=password, host=params["HOST"] or None, port=params["PORT"] or None
    )
    raw.autocommit = True
    try:
        with raw.cursor() as cursor, pytest.raises(psycopg2.Error) as refused:
            cursor.execute(statement)
    finally:
        raw.close()
    return refused.value


@contextmanager
def django_connected_as(role, password):
    """The application itself, every query of it, on `role`'s connection."""
    saved = {key: connection.settings_dict[key] for key in ("USER", "PASSWORD")}
    connection.close()
    connection.settings_dict.update(USER=role, PASSWORD=password)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def run_python(*args, **environment):
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


TAMPERING = {
    "truncate the trail": "TRUNCATE audit_auditevent",
    "disable its triggers": "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "switch triggers off for the session": "SET session_replication_role = replica",
    "drop its trigger": "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent",
    "neuter the trigger's function": (
        "CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$ BEGIN RETURN NEW; END; $$ "
        "LANGUAGE plpgsql"
    ),
    "rewrite an event": "UPDATE audit_auditevent SET reason = 'rewritten'",
    "delete an event": "DELETE FROM audit_auditevent",
    "rewrite a session's history": "UPDATE treatments_historicaltreatmentsession SET history_change_reason = 'x'",
    "delete a patient's history": "DELETE FROM clinic_historicalpatient",
    "truncate a history": "TRUNCATE clinic_historicalpatient",
    "drop a table": "DROP TABLE clinic_patient",
    "create a table": "CREATE TABLE public.smuggled (id integer)",
}


@on_postgresql
@pytest.mark.parametrize(
    "statement", ["UPDATE audit_auditevent SET sealed_seq = sealed_seq + 100", "UPDATE audit_auditevent SET link = ''"]
)
def test_the_application_role_chains_a_row_once_and_can_never_move_it(roles, statement):
    record_event(AuditAction.EXPORT, username="researcher")  # committed here, so chained at once
    chained = AuditEvent.objects.values_list("sealed_seq", "link").get()
    assert chained[0] is not None

    refused = refusal(roles["app"], roles["password"], statement)

    # The two chain columns are the application's to set once: then the trigger refuses.
    assert refused.pgcode == INSUFFICIENT_PRIVILEGE and "append-only" in str(refused)
    assert AuditEvent.objects.values_list("sealed_seq", "link").get() == chained


@on_postgresql
@pytest.mark.parametrize("statement", TAMPERING.values(), ids=TAMPERING.keys())
def test_the_application_role_cannot_tamper_with_the_record(roles, statement):
    PatientFactory()  # a patient, so a history row
    record_event(AuditAction.EXPORT, username="researcher")
    before = (AuditEvent.objects.count(), Patient.history.count())

    refused = refusal(roles["app"], roles["password"], statement)

    # Refused for want of privilege, before the append-only trigger had to say anything.
    assert refused.pgcode == INSUFFICIENT_PRIVILEGE
    assert "append-only" not in str(refused)
    assert (AuditEvent.objects.count(), Patient.history.count()) == before


@on_postgresql
def test_the_application_works_as_the_application_role(roles, client_for):
    with django_connected_as(roles["app"], roles["password"]):
        clinician = UserFactory(username="dr.app", roles=[CLINICIAN])
        patient = PatientFactory()
        client = client_for(clinician)

        edited = client.post(reverse("patient-edit", args=[patient.pk]), patient_data(patient, first_name="Changed"))
        page = client.get(reverse("patient-detail", args=[patient.pk]))

        assert edited.status_code == 302
        assert page.status_code == 200
        assert Patient.objects.get(pk=patient.pk).first_name == "Changed"
        assert Patient.history.filter(id=patient.pk).count() == 2
        assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(patient.pk)).exists()


@on_postgresql
def test_the_owner_cannot_truncate_the_trail_either(roles):
    record_event(AuditAction.EXPORT, username="researcher")

    refused = refusal(roles["owner"], roles["password"], "TRUNCATE audit_auditevent")

    assert "append-only: TRUNCATE refused" in str(refused)

    assert AuditEvent.objects.count() == 1


@on_postgresql
def test_creating_the_roles_again_changes_nothing_and_says_what_it_did(roles):
    out = StringIO()

    call_command("create_database_roles", owner=roles["owner"], app=roles["app"], stdout=out)

    assert f"Role {roles['owner']} exists" in out.getvalue()
    assert f"{roles['app']} on audit_auditevent: SELECT, INSERT, UPDATE (sealed_seq, link)\n" in out.getvalue()
    assert f"{roles['app']} on clinic_patient: SELECT, INSERT, UPDATE, DELETE\n" in out.getvalue()
    assert f"Created role {roles['app']}" in roles["output"]


@on_postgresql
def test_migrate_connects_as_the_owner_of_database_owner_url(tmp_path):
    params = connection.settings_dict
    database = f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"
    absent_owner = f"nobody_{secrets.token_hex(4)}"
    owner = database.replace(f"//{params['USER']}@", f"//{absent_owner}:wrong@")

    result = run_python("manage.py", "migrate", "--plan", DATABASE_URL=database, DATABASE_OWNER_URL=owner)

    assert result.returncode != 0
    assert f'role "{absent_owner}" does not exist' in result.stderr


def test_migrate_runs_as_the_owner_and_gives_the_connection_back(settings, monkeypatch):
    settings.DATABASE_OWNER = {"USER": "scalp_owner", "PASSWORD": "owner-secret"}
    application_user = connection.settings_dict["USER"]
    seen = []
    monkeypatch.setattr(
        migrate.Command, "handle", lambda self, *args, **options: seen.append(connection.settings_dict["USER"])
    )

    call_command("migrate", plan=True, stdout=StringIO())

    assert seen == ["scalp_owner"]
    assert connection.settings_dict["USER"] == application_user


def test_an_owner_url_for_another_database_is_refused_at_start():
    result = run_python(
        "-c",
        "import config.settings",
        DATABASE_URL="postgres://scalp_app@127.0.0.1:5432/scalp",
        DATABASE_OWNER_URL="postgres://scalp_owner@127.0.0.1:5432/other",
    )

    assert result.returncode != 0
    assert "DATABASE_OWNER_URL must name the same PostgreSQL database as DATABASE_URL" in result.stderr


@on_postgresql
def test_the_application_role_can_remove_the_demo_data_and_leaves_the_trail_alone(roles):
    call_command("demo_data", patients=3, sessions_per_patient=2, seed=1, stdout=StringIO())

    with django_connected_as(roles["app"], roles["password"]):
        call_command("demo_data", "--remove", "--no-input", stdout=StringIO())

        assert not Patient.objects.exists()
        assert AuditEvent.objects.get().action == AuditAction.DELETE
