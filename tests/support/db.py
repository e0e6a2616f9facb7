"""What the database and the media folder hold, how many queries a page costs, and rows a whole test module
shares."""

import importlib
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from audit.models import AuditAction, AuditEvent
from clinic.models import Patient
from sessions.models import BlendComponent, SessionPhoto, TreatmentSession
from tests.support.pages import text

# Hashing test passwords at full strength would only slow the suite (tests/conftest.py sets the same per test).
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextmanager
def shared_by_the_module(django_db_blocker, media_root):
    """Rows made once for all the tests of a module, as Django's setUpTestData makes them: inside a transaction
    that stays open while the module's tests run (each test runs in a savepoint of it, so whatever a test
    changes is undone after it) and is rolled back after the last. Photos go to `media_root`, which the tests of
    the module keep (tests/conftest.py reads MEDIA_SHARED_BY_THE_MODULE).

    For a module-scoped autouse fixture (set up before any test's own database fixture) in a module without
    transactional tests, whose tests treat the shared rows as read-only or undo what they change.
    """
    with (
        override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS, MEDIA_ROOT=media_root),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield
        transaction.set_rollback(True)


SEED_MIGRATION = "0002_seed_literature_presets"


@cache
def _seed_migration_apps():
    # The models as the seed migration knows them: plain, without the frozen-preset checks of today's models.
    return MigrationLoader(connection).project_state(("protocols", SEED_MIGRATION)).apps


def seed_literature_presets():
    """Load the presets the seed migration loads, where missing; returns the published ones."""
    from protocols.models import ProtocolPreset

    seed = importlib.import_module(f"protocols.migrations.{SEED_MIGRATION}")
    seed.load(_seed_migration_apps(), schema_editor=None)
    return ProtocolPreset.objects.published()


def module_rows(build):
    """`@module_rows def name(): ...` makes `name` a module-scoped autouse fixture holding what build() returns,
    made once and shared by the module's tests (see shared_by_the_module)."""

    @pytest.fixture(scope="module", autouse=True, name=build.__name__)
    def fixture(request, django_db_setup, django_db_blocker, tmp_path_factory):
        media = tmp_path_factory.mktemp("shared-media")
        request.module.MEDIA_SHARED_BY_THE_MODULE = media
        try:
            with shared_by_the_module(django_db_blocker, media):
                yield build()
        finally:
            del request.module.MEDIA_SHARED_BY_THE_MODULE

    return fixture


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
    """Every row a form post could write, every stored file, and every audit event except page views and refusals
    (a refused post is recorded as a security event: it changes no record)."""
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
        "audit": list(
            AuditEvent.objects.exclude(action__in=[AuditAction.VIEW, AuditAction.ACCESS_REFUSED])
            .order_by("pk")
            .values_list("pk", "action")
        ),
        # A refused form keeps its good photos for the next attempt (sessions/pending_photos.py): not records.
        "files": [name for name in media_files() if not name.startswith("pending/")],
        "logins": Session.objects.count(),
    }


def assert_refused(response, before, *, messages=()):
    """Answered without a server error, each message shown, and nothing stored."""
    assert response.status_code < 500
    body = text(response)
    for message in messages:
        assert escape(message) in body, f"message not shown: {message!r}"
    assert stored_state() == before, "a refused post changed stored data"
