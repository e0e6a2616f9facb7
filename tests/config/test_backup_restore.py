"""The backup a clinic relies on, run for real: deploy/backup/pg-dump, then deploy/backup/restore into a
new database, which must hold the same patients, sessions and audit trail.

PostgreSQL only (the scripts are pg_dump and pg_restore); the test data is committed
(transaction=True) so that pg_dump, another connection, sees it.
"""

import os
import shutil
import subprocess
import time
import uuid
from contextlib import closing
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from audit.models import AuditAction, AuditEvent
from audit.services import record_event
from clinic.models import Patient
from sessions.models import TreatmentSession
from tests.support.factories import PatientFactory, SessionFactory

BACKUP = Path(settings.BASE_DIR) / "deploy" / "backup"
STAMP = "[0-9]" * 8 + "T" + "[0-9]" * 6 + "Z"

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore need PostgreSQL")


@pytest.fixture
def postgres_tools():
    missing = [tool for tool in ("pg_dump", "pg_restore", "createdb", "dropdb", "rsync") if not shutil.which(tool)]
    if missing:
        if os.environ.get("SERVICES_REQUIRED") == "1":
            pytest.fail(f"missing {', '.join(missing)} (SERVICES_REQUIRED=1)")
        pytest.skip(f"missing {', '.join(missing)}")


def libpq_environment():
    """The test database's server and credentials as libpq's variables, for the restore script."""
    db = connection.settings_dict
    values = {"PGHOST": db["HOST"], "PGPORT": str(db["PORT"] or ""), "PGUSER": db["USER"], "PGPASSWORD": db["PASSWORD"]}
    return {**os.environ, **{name: value for name, value in values.items() if value}}


def database_url_of_the_tests():
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    server = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    return f"postgres://{quote(db['USER'], safe='')}{password}@{server}/{db['NAME']}"


def run_backup(backup_dir, media_root, **extra):
    env = {
        **os.environ,
        "BACKUP_DATABASE_URL": database_url_of_the_tests(),
        "BACKUP_DIR": str(backup_dir),
        "DJANGO_MEDIA_ROOT": str(media_root),
        **extra,
    }
    return subprocess.run([BACKUP / "pg-dump"], env=env, capture_output=True, text=True, timeout=300)


def run_restore(dump, database):
    return subprocess.run(
        [BACKUP / "restore", dump, database], env=libpq_environment(), capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def fresh_database_name():
    name = f"scalp_restored_{uuid.uuid4().hex[:12]}"
    yield name
    subprocess.run(
        [shutil.which("dropdb"), "--if-exists", "--force", name], env=libpq_environment(), check=True, timeout=60
    )


def query(database, sql):
    db = connection.settings_dict
    restored = psycopg2.connect(
        dbname=database, user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"] or None
    )
    with closing(restored), restored.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def clinic_records():
    """Two patients, three sessions and their audit events, committed."""
    first, second = PatientFactory(last_name="Quartermaine"), PatientFactory(last_name="Okonkwo")
    sessions = [
        SessionFactory(patient=first, needle_depth_mm=Decimal("0.80")),
        SessionFactory(patient=first, needle_depth_mm=Decimal("1.20"), clinician__username="dr.second"),
        SessionFactory(patient=second, needle_depth_mm=Decimal("1.50"), clinician__username="dr.third"),
    ]
    for session in sessions:
        record_event(AuditAction.CREATE, session, user=session.clinician, reason="Logged at the chair.")
    record_event(AuditAction.VIEW, first, user=sessions[0].clinician)
    return first, second


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_nightly_dump_restores_into_a_new_database_with_the_same_records(
    postgres_tools, tmp_path, fresh_database_name
):
    clinic_records()
    done = run_backup(tmp_path / "backups", tmp_path / "media")
    assert done.returncode == 0, done.stderr
    (dump,) = (tmp_path / "backups").glob(f"scalp-{STAMP}.dump")

    restored = run_restore(dump, fresh_database_name)

    assert restored.returncode == 0, restored.stderr
    patients, sessions, events = (model._meta.db_table for model in (Patient, TreatmentSession, AuditEvent))
    assert query(fresh_database_name, f"SELECT record_number, last_name FROM {patients} ORDER BY id") == list(  # noqa: S608
        Patient.objects.order_by("id").values_list("record_number", "last_name")
    )
    assert query(fresh_database_name, f"SELECT needle_depth_mm FROM {sessions} ORDER BY id") == [  # noqa: S608
        (Decimal("0.80"),),
        (Decimal("1.20"),),
        (Decimal("1.50"),),
    ]
    assert query(fresh_database_name, f"SELECT action, reason FROM {events} ORDER BY id") == list(  # noqa: S608
        AuditEvent.objects.order_by("id").values_list("action", "reason")
    )
    assert AuditEvent.objects.count() >= 4


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_restore_never_writes_into_an_existing_database(postgres_tools, tmp_path):
    patient, _ = clinic_records()
    assert run_backup(tmp_path / "backups", tmp_path / "media").returncode == 0
    (dump,) = (tmp_path / "backups").glob(f"scalp-{STAMP}.dump")

    refused = run_restore(dump, connection.settings_dict["NAME"])

    assert refused.returncode != 0
    assert "already exists" in refused.stderr
    assert Patient.objects.filter(pk=patient.pk, last_name="Quartermaine").exists()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_backup_copies_the_photos_and_keeps_only_recent_backups(postgres_tools, tmp_path):
    backups, media = tmp_path / "backups", tmp_path / "media"
    (media / "photos" / "2026").mkdir(parents=True)
    (media / "photos" / "2026" / "vertex.jpg").write_bytes(b"\xff\xd8 a photo")
    backups.mkdir()
    expired = [backups / "scalp-20000101T000000Z.dump", backups / "scalp-photos-20000101T000000Z"]
    expired[0].write_bytes(b"old dump")
    expired[1].mkdir()
    unrelated = backups / "scalp-notes.txt"
    unrelated.write_text("the clinic's own notes")

    assert run_backup(backups, media, BACKUP_KEEP_DAYS="7").returncode == 0
    time.sleep(1.1)  # the next backup gets the next second's name
    done = run_backup(backups, media, BACKUP_KEEP_DAYS="7")

    assert done.returncode == 0, done.stderr
    assert not any(path.exists() for path in expired)
    assert unrelated.exists()
    assert len(list(backups.glob(f"scalp-{STAMP}.dump"))) == 2
    copies = sorted(backups.glob(f"scalp-photos-{STAMP}"))
    assert [(copy / "photos" / "2026" / "vertex.jpg").read_bytes() for copy in copies] == [b"\xff\xd8 a photo"] * 2
    # The second copy of an unchanged photo is a hard link to the first: no extra space each night.
    assert len({(copy / "photos" / "2026" / "vertex.jpg").stat().st_ino for copy in copies}) == 1


def test_the_backup_refuses_to_run_without_a_postgresql_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"BACKUP_DATABASE_URL", "DATABASE_OWNER_URL"}}
    env |= {"BACKUP_DIR": str(tmp_path), "DATABASE_URL": "sqlite:///var/clinic.sqlite3"}

    done = subprocess.run([BACKUP / "pg-dump"], env=env, capture_output=True, text=True, timeout=60)

    assert done.returncode == 2
    assert "postgres://" in done.stderr
    assert list(tmp_path.iterdir()) == []
