"""Two factors for every account: the password, then an authenticator app's code, a passkey or a one-time
recovery code; set up at the first sign-in; asked for again before sensitive actions; audited throughout."""

import re
import time

import pytest
from django.contrib.auth.hashers import make_password
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditAction, AuditEvent
from clinic.account_forms import CODE_REFUSED, SLOW_DOWN
from clinic.mfa import VERIFIED_AT
from clinic.roles import RESEARCHER
from config import settings as project_settings
from tests.support.clients import authenticator, current_code, password_only, sign_in, signed_in
from tests.support.factories import PASSWORD, UserFactory
from tests.support.pages import text

pytestmark = pytest.mark.django_db
SETUP, VERIFY = reverse("second-factor-setup"), reverse("second-factor")


def code_for(device):
    """The code an app shows for this (possibly not yet confirmed) device."""
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_the_first_sign_in_sets_up_an_authenticator_app_and_shows_recovery_codes_once(clinician):
    client = password_only(clinician)

    asked = client.get(reverse("patient-list"), follow=True)
    assert asked.redirect_chain[-1][0] == f"{SETUP}?next=%2Fpatients%2F"
    page = text(asked)
    assert "Set up your second factor" in page and "<svg" in asked.content.decode()
    device = TOTPDevice.objects.get(user=clinician, confirmed=False)
    assert re.search(r"[A-Z2-7]{4}( [A-Z2-7]{4})+", page), "the key, for typing by hand"

    confirmed = client.post(f"{SETUP}?next=/patients/", {"code": code_for(device), "next": "/patients/"}, follow=True)

    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", confirmed.content.decode())
    assert len(codes) == 10 and "They are shown only now" in text(confirmed)
    assert "<code>" not in client.get(reverse("recovery-codes")).content.decode(), "shown once"
    assert client.get(reverse("patient-list")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert [e.detail["factor"] for e in events(AuditAction.MFA_ADDED)] == ["authenticator app", "recovery codes"]
    assert events(AuditAction.MFA_VERIFIED)[0].detail == {"with": "authenticator app"}


@pytest.mark.parametrize(
    "path", ["/patients/", "/presets/", "/export/", "/admin/", "/accounts/", "/accounts/password/"]
)
def test_with_the_password_alone_every_page_asks_for_the_second_factor(path, client_for, superuser):
    authenticator(superuser)

    response = password_only(superuser).get(path)

    assert response.status_code == 302 and response["Location"].startswith(f"{VERIFY}?next=")


def test_a_wrong_code_is_refused_said_and_audited_and_a_right_one_lets_in(clinician):
    device = authenticator(clinician)
    client = password_only(clinician)

    refused = client.post(VERIFY, {"code": "000000", "next": "/patients/"})
    assert refused.status_code == 200 and CODE_REFUSED in text(refused)
    assert client.get("/patients/").status_code == 302
    assert events(AuditAction.MFA_FAILED)[0].user == clinician

    too_soon = client.post(VERIFY, {"code": current_code(device), "next": "/patients/"})
    assert SLOW_DOWN in text(too_soon), "guesses are slowed down: 1 s after one wrong code, then 2, 4…"
    time.sleep(1.1)
    accepted = client.post(VERIFY, {"code": current_code(device), "next": "/patients/"})
    assert accepted["Location"] == "/patients/"
    assert client.get("/patients/").status_code == 200


def test_a_code_works_once(clinician):
    device = authenticator(clinician)
    code = current_code(device)
    first, second = password_only(clinician), password_only(clinician)

    assert first.post(VERIFY, {"code": code, "next": "/"}).status_code == 302
    assert CODE_REFUSED in text(second.post(VERIFY, {"code": code, "next": "/"}))


def test_a_recovery_code_stands_in_for_a_lost_device_once(clinician):
    authenticator(clinician)
    codes = re.findall(
        r"<code>([a-z0-9]+)</code>", signed_in(clinician).get(reverse("recovery-codes")).content.decode()
    )
    assert len(codes) == 10

    first, second = password_only(clinician), password_only(clinician)
    assert first.post(VERIFY, {"code": codes[3].upper(), "next": "/"}).status_code == 302
    assert CODE_REFUSED in text(second.post(VERIFY, {"code": codes[3], "next": "/"}))
    assert StaticToken.objects.filter(device__user=clinician).count() == 9
    assert events(AuditAction.MFA_VERIFIED)[0].detail == {"with": "recovery code"}


def test_a_download_asks_for_the_second_factor_again_after_ten_minutes(researcher):
    device = authenticator(researcher)
    client = signed_in(researcher)
    assert client.get("/export/sessions.csv").status_code == 200

    session = client.session
    session[VERIFIED_AT] = int(time.time()) - 11 * 60
    session.save()
    again = client.get("/export/sessions.csv")
    assert again["Location"] == f"{VERIFY}?next=%2Fexport%2Fsessions.csv&again=1"
    assert "Confirm it is you" in text(client.get(again["Location"]))
    assert client.get("/export/").status_code == 200, "counting is not a download"

    confirmed = client.post(again["Location"], {"code": current_code(device), "next": "/export/sessions.csv"})
    assert confirmed["Location"] == "/export/sessions.csv"
    assert client.get("/export/sessions.csv").status_code == 200


def test_the_only_second_factor_cannot_be_removed_and_another_can(clinician):
    client = signed_in(clinician)
    only = authenticator(clinician)
    refused = client.post(reverse("remove-factor", args=["authenticator", only.pk]), follow=True)
    assert "This is your only second factor" in text(refused)

    spare = TOTPDevice.objects.create(user=clinician, name="Spare phone", confirmed=True)
    client.post(reverse("remove-factor", args=["authenticator", spare.pk]))

    assert list(TOTPDevice.objects.filter(user=clinician)) == [only]
    assert events(AuditAction.MFA_REMOVED)[0].detail == {"factor": "authenticator"}


def test_another_users_factor_is_not_found(clinician, researcher):
    theirs = authenticator(researcher)

    response = signed_in(clinician).post(reverse("remove-factor", args=["authenticator", theirs.pk]))

    assert response.status_code == 404 and TOTPDevice.objects.filter(pk=theirs.pk).exists()


def test_an_administrator_resets_a_users_factors_and_they_set_up_again(superuser, clinician):
    authenticator(clinician)
    admin = signed_in(superuser)

    admin.post(
        reverse("admin:clinic_user_changelist"), {"action": "reset_second_factors", "_selected_action": [clinician.pk]}
    )

    assert not TOTPDevice.objects.filter(user=clinician).exists()
    assert events(AuditAction.MFA_REMOVED)[0].detail == {"factor": "all", "reset_by": superuser.username}
    assert password_only(clinician).get("/patients/")["Location"].startswith(SETUP)


def test_a_role_may_be_let_off_and_every_page_says_so(settings, researcher, clinician):
    settings.MFA_OPTIONAL_ROLES = [RESEARCHER]
    staff_researcher = UserFactory(username="staff.researcher", roles=[RESEARCHER], is_staff=True)

    page = password_only(researcher).get("/export/")

    assert page.status_code == 200
    assert "sign in without a second factor: researcher (setting DJANGO_MFA_OPTIONAL_ROLES)" in text(page)
    assert password_only(clinician).get("/patients/").status_code == 302
    assert password_only(staff_researcher).get("/export/").status_code == 302  # staff reach the admin


def test_by_default_no_page_says_a_role_is_let_off(clinician):
    assert "second-factor-relaxed" not in signed_in(clinician).get("/patients/").content.decode()
    assert project_settings.MFA_OPTIONAL_ROLES == []


# --- Passwords -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("weak", ["P@ssw0rd12", "Summer2024!", "Clinic2024", "abcdefghijk", "123456789012"])
def test_a_weak_new_password_is_refused_with_the_reason(weak, clinician):
    response = signed_in(clinician).post(
        reverse("password-change"), {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    clinician.refresh_from_db()
    assert clinician.check_password(PASSWORD)


def test_a_user_changes_their_own_password_and_it_is_audited(clinician):
    new = "a long and unusual passphrase 7"
    client = signed_in(clinician)

    response = client.post(
        reverse("password-change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )

    assert response["Location"] == reverse("account")
    clinician.refresh_from_db()
    assert clinician.check_password(new)
    assert events(AuditAction.PASSWORD_CHANGED)[0].user == clinician
    assert client.get("/patients/").status_code == 200, "still signed in"


def test_a_wrong_current_password_changes_nothing(clinician):
    new = "a long and unusual passphrase 7"
    response = signed_in(clinician).post(
        reverse("password-change"), {"old_password": "not it at all", "new_password1": new, "new_password2": new}
    )

    assert response.context["form"].errors["old_password"]
    assert not events(AuditAction.PASSWORD_CHANGED)


def test_new_passwords_are_hashed_with_argon2():
    with override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS):
        assert make_password("a long and unusual passphrase 7").startswith("argon2$")


def test_signing_in_from_start_to_finish(client, clinician):
    response = sign_in(client, clinician)

    assert response.status_code == 302
    assert client.get("/patients/").status_code == 200
    assert [e.action for e in AuditEvent.objects.filter(user=clinician).order_by("pk")] == [
        AuditAction.LOGIN,
        AuditAction.MFA_VERIFIED,
        AuditAction.VIEW,
    ]
