"""django-axes, configured for people: 5 failures per username and address lock that pair for 15 minutes."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from tests.support.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")


@pytest.fixture
def clinician_account():
    return UserFactory(username="dr.rossi", roles=["clinician"])


def attempt(client, password, username="dr.rossi", address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, times, **where):
    for _ in range(times):
        attempt(client, "wrong", **where)


def test_four_failures_still_let_the_right_password_in(client, clinician_account):
    fail(client, 4)

    assert attempt(client, PASSWORD).status_code == 302


def test_the_fifth_failure_locks_the_account_from_that_address_with_a_clear_message(client, clinician_account):
    fail(client, 4)
    locked = attempt(client, "wrong")

    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Too many failed logins" in body and "paused for 15 minutes" in body
    right_password = attempt(client, PASSWORD)
    assert right_password.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_username_and_address(client, clinician_account):
    UserFactory(username="dr.bianchi")
    fail(client, 5)

    assert attempt(client, PASSWORD, address="10.0.0.2").status_code == 302
    client.logout()
    assert attempt(client, PASSWORD, username="dr.bianchi").status_code == 302


def test_after_the_cool_off_the_right_password_works_again(client, clinician_account):
    fail(client, 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert attempt(client, PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(client, clinician_account):
    fail(client, 4)
    attempt(client, PASSWORD)
    client.logout()
    fail(client, 4)

    assert attempt(client, PASSWORD).status_code == 302


def test_failures_and_the_lockout_are_audited(client, clinician_account):
    fail(client, 5)

    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, username="dr.rossi").count() == 5
    lockout = AuditEvent.objects.get(action=AuditAction.LOCKED_OUT)
    assert (lockout.username, lockout.ip_address) == ("dr.rossi", "10.0.0.1")
