"""The client's address in the audit trail and in login throttling: forwarded only by our own proxies."""

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from audit.context import client_ip
from audit.models import AuditAction, AuditEvent
from tests.support.factories import PASSWORD, UserFactory

PROXY = "127.0.0.1"
behind_our_proxy = override_settings(TRUSTED_PROXIES=frozenset({PROXY}))


def request_from(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_trusted_proxies_a_forged_forwarded_header_is_ignored():
    assert client_ip(request_from("203.0.113.7", forwarded="198.51.100.1")) == "203.0.113.7"


@behind_our_proxy
def test_behind_our_proxy_the_address_it_saw_is_the_client():
    assert client_ip(request_from(PROXY, forwarded="198.51.100.1")) == "198.51.100.1"


@behind_our_proxy
def test_behind_our_proxy_only_the_entry_it_added_counts_not_what_the_client_wrote_before_it():
    assert client_ip(request_from(PROXY, forwarded="10.9.9.9, 198.51.100.1")) == "198.51.100.1"


@behind_our_proxy
@pytest.mark.parametrize("forwarded", [None, "", "not-an-address", "198.51.100.1, <script>"])
def test_behind_our_proxy_a_missing_or_garbled_header_leaves_the_proxy_address(forwarded):
    assert client_ip(request_from(PROXY, forwarded=forwarded)) == PROXY


@behind_our_proxy
def test_a_request_from_an_address_that_is_not_our_proxy_cannot_choose_its_address():
    assert client_ip(request_from("203.0.113.7", forwarded="198.51.100.1")) == "203.0.113.7"


@pytest.mark.django_db
@behind_our_proxy
def test_the_audit_trail_records_the_clients_address_behind_the_proxy(client):
    user = UserFactory(username="dr.rossi", roles=["clinician"])

    client.post(
        reverse("login"),
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )

    assert AuditEvent.objects.get(action=AuditAction.LOGIN).ip_address == "198.51.100.1"


@pytest.mark.django_db
@behind_our_proxy
def test_failures_from_one_client_behind_the_proxy_do_not_lock_the_user_out_for_another(client):
    UserFactory(username="dr.rossi", roles=["clinician"])

    def log_in(password, address):
        return client.post(
            reverse("login"),
            {"username": "dr.rossi", "password": password},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=address,
        )

    for _ in range(5):
        log_in("wrong", "198.51.100.66")

    assert log_in("wrong", "198.51.100.66").status_code == 429  # that client is locked out
    assert log_in(PASSWORD, "198.51.100.1").status_code == 302  # the user, elsewhere, is not
