"""A passkey as the second factor, in a real browser: Chromium's virtual authenticator (DevTools protocol) plays
the fingerprint reader. A clinician's first sign-in adds it, the next sign-in uses it."""

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from audit.models import AuditAction, AuditEvent
from clinic.roles import CLINICIAN
from tests.support.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def with_virtual_authenticator(page):
    """A platform authenticator that always verifies its user, as a fingerprint reader would."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    return devtools.send("WebAuthn.addVirtualAuthenticator", {"options": options})["authenticatorId"]


class HeldTranslations:
    """Holds back the passkey script's messages, as a slow clinic network would, until released."""

    URL = "**/webauthn/jsi18n/"

    def __init__(self, page):
        self.page = page
        self.held = []
        page.route(self.URL, lambda route: self.held.append(route))

    def release(self):
        for route in self.held:
            route.continue_()
        self.page.unroute(self.URL)


def enter_password(page, username):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_clinician_adds_a_passkey_at_the_first_sign_in_and_signs_in_with_it(page, page_problems):
    clinician = UserFactory(username="dr.passkey", roles=[CLINICIAN])
    with_virtual_authenticator(page)
    translations = HeldTranslations(page)

    page.goto("/patients/")
    enter_password(page, "dr.passkey")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your second factor")
    # Its click would fail on the missing messages, so the button is offered only once they have come.
    page.wait_for_timeout(500)
    expect(page.get_by_role("button", name="Add a passkey")).to_have_count(0)
    translations.release()
    page.get_by_role("button", name="Add a passkey").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Patients")
    assert WebAuthnCredential.objects.filter(user=clinician, confirmed=True).count() == 1

    page.get_by_role("button", name="Log out", exact=True).click()
    # Signed out once the log-in page has come: going elsewhere sooner would break that navigation off.
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    page.goto("/patients/")
    enter_password(page, "dr.passkey")
    expect(page.get_by_role("heading", level=1)).to_have_text("Second factor")
    page.get_by_role("button", name="Use my passkey").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Patients")
    verified = AuditEvent.objects.filter(action=AuditAction.MFA_VERIFIED, user=clinician).order_by("pk")
    assert [event.detail["with"] for event in verified] == ["passkey"]
    assert AuditEvent.objects.get(action=AuditAction.MFA_ADDED, detail__factor="passkey").user == clinician
    assert page_problems == []
