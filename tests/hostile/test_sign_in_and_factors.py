"""Hostile input where staff prove who they are: the second factor's code, enrolling an authenticator app,
changing one's password, the passkey (WebAuthn) endpoints and removing a factor. Each is refused with a clear
message and leaves no trace of success: never a server error, never a factor proved, added or removed by it."""

import json

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from audit.models import AuditAction, AuditEvent
from clinic.account_forms import CODE_REFUSED
from tests.hostile.payloads import NUL
from tests.support.clients import authenticator, password_only, signed_in
from tests.support.factories import PASSWORD, UserFactory
from tests.support.pages import text

pytestmark = pytest.mark.django_db

REQUIRED, TOO_LONG, NULL_REFUSED = "This field is required.", "at most", "Null characters are not allowed."

CODES = {
    "empty": ("", REQUIRED),
    "spaces-only": ("      ", REQUIRED),
    "letters": ("abcdef", CODE_REFUSED),
    "five-digits": ("12345", CODE_REFUSED),
    "seven-digits": ("1234567", CODE_REFUSED),
    "twenty-digits": ("9" * 20, CODE_REFUSED),
    "5000-digits": ("9" * 5000, TOO_LONG),
    "nul": (f"123{NUL}456", NULL_REFUSED),
    "sql": ("' OR 1=1 --", CODE_REFUSED),
    "markup": ("<script>alert(1)</script>", TOO_LONG),
    "arabic-indic-digits": ("١٢٣٤٥٦", CODE_REFUSED),
    "negative": ("-12345", CODE_REFUSED),
    "spaced-wrong-code": ("000 000", CODE_REFUSED),
}


@pytest.mark.parametrize(("code", "message"), CODES.values(), ids=CODES)
def test_a_malformed_second_factor_code_is_refused_and_lets_nobody_in(code, message, clinician):
    authenticator(clinician)
    client = password_only(clinician)

    response = client.post(reverse("second-factor"), {"code": code, "next": "/patients/"})

    assert response.status_code == 200
    assert message in text(response)
    assert "<script>alert(1)" not in text(response)
    assert client.get("/patients/").status_code == 302, "still asked for the second factor"
    assert not AuditEvent.objects.filter(action=AuditAction.MFA_VERIFIED).exists()


def test_a_code_posted_twice_in_one_form_is_refused(clinician):
    authenticator(clinician)
    client = password_only(clinician)

    response = client.post(reverse("second-factor"), {"code": ["000000", "111111"], "next": "/"})

    assert response.status_code == 200 and CODE_REFUSED in text(response)
    assert client.get("/patients/").status_code == 302


# The first code of a new app is a code only (10 characters at most), never a recovery code.
SETUP_CODES = {key: CODES[key] for key in ("empty", "letters", "seven-digits", "5000-digits", "nul")} | {
    "sql": ("' OR 1=1 --", TOO_LONG)
}


@pytest.mark.parametrize(("code", "message"), SETUP_CODES.values(), ids=SETUP_CODES)
def test_a_malformed_first_code_never_confirms_a_new_authenticator(code, message, clinician):
    client = password_only(clinician)
    client.get(reverse("second-factor-setup"))

    response = client.post(reverse("second-factor-setup"), {"code": code, "next": "/"})

    assert response.status_code == 200
    assert message in text(response)
    assert not TOTPDevice.objects.filter(user=clinician, confirmed=True).exists()
    assert client.get("/patients/").status_code == 302


NEW_PASSWORDS = {
    "too-short": ("Short1!", "at least 12 characters"),
    "common": ("password1234", "too common"),
    "only-digits": ("480213957260", "entirely numeric"),
    "like-the-username": ("dr.clinician1", "too similar"),
    "nul": (f"Long enough {NUL} pass", NULL_REFUSED),
    "empty": ("", REQUIRED),
}


@pytest.mark.parametrize(("new_password", "message"), NEW_PASSWORDS.values(), ids=NEW_PASSWORDS)
def test_a_weak_or_malformed_new_password_is_refused_and_the_old_one_still_works(new_password, message, clinician):
    response = signed_in(clinician).post(
        reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    assert response.status_code == 200
    assert message in text(response)
    clinician.refresh_from_db()
    assert clinician.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED).exists()


@pytest.mark.parametrize(
    ("old_password", "second"),
    [("wrong old password", "A long new passphrase"), (PASSWORD, "A different passphrase"), ("x" * 100_000, "")],
    ids=["wrong-old-password", "new-passwords-differ", "100-kb-old-password"],
)
def test_a_password_change_with_the_wrong_old_password_or_a_mismatch_changes_nothing(old_password, second, clinician):
    response = signed_in(clinician).post(
        reverse("password-change"),
        {"old_password": old_password, "new_password1": "A long new passphrase", "new_password2": second},
    )

    assert response.status_code == 200
    assert "errorlist" in response.content.decode() or "invalid-feedback" in response.content.decode()
    clinician.refresh_from_db()
    assert clinician.check_password(PASSWORD)


WEBAUTHN_BODIES = {
    "not-json": "not json",
    "not-utf8": b"\xff\xfe{",
    "nested-100000-deep": "[" * 100_000 + "]" * 100_000,
    "empty-object": "{}",
    "wrong-types": json.dumps({"id": 1, "rawId": [], "response": "x", "type": 5}),
    "forged-credential": json.dumps(
        {
            "id": "AAAA",
            "rawId": "AAAA",
            "type": "public-key",
            "response": {"clientDataJSON": "e30", "authenticatorData": "AAAA", "signature": "AAAA"},
        }
    ),
}
CEREMONIES = ["registration", "authentication"]


@pytest.mark.parametrize("ceremony", CEREMONIES)
@pytest.mark.parametrize("body", WEBAUTHN_BODIES.values(), ids=WEBAUTHN_BODIES)
def test_a_malformed_passkey_answer_is_refused_and_neither_adds_nor_proves_a_factor(body, ceremony, clinician):
    authenticator(clinician)
    # Registering is for a signed-in user; proving one's passkey, for one who has only typed the password.
    client = signed_in(clinician) if ceremony == "registration" else password_only(clinician)
    begun = client.post(reverse(f"otp_webauthn:credential-{ceremony}-begin"), "{}", content_type="application/json")
    assert begun.status_code == 200

    response = client.post(
        reverse(f"otp_webauthn:credential-{ceremony}-complete"), body, content_type="application/json"
    )

    assert 400 <= response.status_code < 500
    assert response.json()["detail"]
    assert not WebAuthnCredential.objects.exists()
    if ceremony == "authentication":
        assert client.get("/patients/").status_code == 302, "still asked for the second factor"
        assert AuditEvent.objects.filter(action=AuditAction.MFA_FAILED, user=clinician).exists()


@pytest.mark.parametrize("ceremony", CEREMONIES)
def test_a_passkey_answer_without_its_challenge_is_refused(ceremony, clinician):
    client = signed_in(clinician) if ceremony == "registration" else password_only(clinician)

    response = client.post(
        reverse(f"otp_webauthn:credential-{ceremony}-complete"),
        WEBAUTHN_BODIES["forged-credential"],
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_state"


REMOVALS = {
    "unknown-kind": ("<script>", "own"),
    "a-colleagues-app": ("authenticator", "colleague"),
    "20-digit-id": ("authenticator", "99999999999999999999"),
    "unknown-id": ("authenticator", "424242"),
}


@pytest.mark.parametrize(("kind", "which"), REMOVALS.values(), ids=REMOVALS)
def test_removing_a_factor_that_is_not_ones_own_removes_nothing(kind, which, clinician):
    own, colleagues = authenticator(clinician), authenticator(UserFactory(roles=["clinician"]))
    TOTPDevice.objects.create(user=clinician, name="Spare phone", confirmed=True)
    pk = {"own": own.pk, "colleague": colleagues.pk}.get(which, which)

    response = signed_in(clinician).post(f"/accounts/factors/{kind}/{pk}/remove/")

    assert response.status_code in (302, 404)
    assert TOTPDevice.objects.count() == 3
    assert not AuditEvent.objects.filter(action=AuditAction.MFA_REMOVED).exists()
