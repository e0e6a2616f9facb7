"""With REDIS_URL, sessions are cached_db sessions kept in Redis, against a real Redis server.

Several app servers then share who is signed in; ending sessions must end the cached copies too.
"""

import uuid

import pytest
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as SESSION_CACHE_PREFIX
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.support.services import REDIS_URL, redis_client, require_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_sessions(settings):
    """The cache and sessions that REDIS_URL configures, under a key prefix of this test's own."""
    client = redis_client()
    require_service(f"Redis at {REDIS_URL}", client.ping)
    prefix = f"scalp-test-{uuid.uuid4().hex[:12]}"
    redis_cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    settings.CACHES = {"default": {**redis_cache, "KEY_PREFIX": prefix}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield
    # Only this test's keys: the Redis database may be shared with other test runs.
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def cached_session(client):
    return cache.get(SESSION_CACHE_PREFIX + client.session.session_key)


def test_a_signed_in_session_is_kept_in_redis_and_read_from_there(redis_sessions, client_for, clinician):
    desk = client_for(clinician)

    with CaptureQueriesContext(connection) as queries:
        assert desk.get(reverse("patient-list")).status_code == 200

    assert cached_session(desk)["_auth_user_id"] == str(clinician.pk)
    session_reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and "django_session" in q["sql"]]
    assert session_reads == []


def test_logging_out_everywhere_ends_the_sessions_cached_in_redis_too(redis_sessions, client_for, clinician):
    desk, tablet = client_for(clinician), client_for(clinician)
    for client in (desk, tablet):
        assert client.get(reverse("patient-list")).status_code == 200
    assert cached_session(tablet) is not None

    desk.post(reverse("logout-everywhere"))

    assert cached_session(tablet) is None
    assert tablet.get(reverse("patient-list"))["Location"].startswith(reverse("login"))
