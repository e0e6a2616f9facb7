"""django-axes, configured for people: 5 failures per username and address lock that pair for 15 minutes; 30 from
one address, whatever the usernames, pause that address; a user's own browser is never locked out."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from clinic.models import User
from clinic.signin import ADDRESS_THROTTLED, TRUSTED_BROWSER_COOKIE
from tests.support.clients import authenticator, current_code
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


# --- Across usernames, and a user's own browser -------------------------------------------------------------

CLINIC = "10.0.0.1"  # the clinic's one public address, shared by staff (and perhaps by an attacker)


def signed_in_completely(username, address=CLINIC):
    """A browser that has completed a sign-in of `username` (password, then the app's code) from `address`."""
    browser = Client(REMOTE_ADDR=address)
    user = User.objects.get(username=username)
    assert attempt(browser, PASSWORD, username=username, address=address).status_code == 302
    device = authenticator(user)
    assert (
        browser.post(reverse("second-factor"), {"code": current_code(device)}, REMOTE_ADDR=address).status_code == 302
    )
    browser.post(reverse("logout"))  # as the user does (the test client's logout() would forget every cookie)
    return browser


def test_many_usernames_failing_from_one_address_pause_that_address(client, clinician_account):
    for number in range(15):
        UserFactory(username=f"staff{number}")
    for attempt_number in range(60):  # 4 per username: never 5 for one, so django-axes alone would never lock
        attempt(client, "wrong", username=f"staff{attempt_number % 15}")

    paused = attempt(client, PASSWORD)

    assert paused.status_code == 429
    assert ADDRESS_THROTTLED in paused.content.decode()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT, detail__scope="address").last()
    assert (event.ip_address, event.detail["failures"]) == (CLINIC, 30)
    assert attempt(Client(), PASSWORD, address="10.0.0.2").status_code == 302, "another address is not paused"


def test_a_user_at_the_clinics_address_is_never_locked_out_by_someone_else_there(clinician_account):
    own_browser = signed_in_completely("dr.rossi")
    attacker = Client(REMOTE_ADDR=CLINIC)
    fail(attacker, 5)
    for number in range(40):  # and the whole address paused, with other usernames too
        attempt(attacker, "wrong", username=f"nobody{number}")
    assert attempt(attacker, PASSWORD).status_code == 429

    assert attempt(own_browser, PASSWORD).status_code == 302


def test_a_trusted_browser_is_trusted_for_its_own_user_only(clinician_account):
    UserFactory(username="dr.bianchi")
    rossis_browser = signed_in_completely("dr.rossi")
    fail(Client(REMOTE_ADDR=CLINIC), 5, username="dr.bianchi")

    assert attempt(rossis_browser, PASSWORD, username="dr.bianchi").status_code == 429


def test_a_forged_trust_cookie_counts_for_nothing(clinician_account):
    attacker = Client(REMOTE_ADDR=CLINIC)
    attacker.cookies[TRUSTED_BROWSER_COOKIE] = "dr.rossi"
    fail(attacker, 5)

    assert attempt(attacker, PASSWORD).status_code == 429
