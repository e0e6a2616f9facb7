"""One's own account: proving the second factor, enrolling one, recovery codes, passkeys and the password."""

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from audit.models import AuditAction
from audit.services import record_event
from clinic.account_forms import ConfirmAuthenticatorForm, SecondFactorForm
from clinic.forms import LoginForm
from clinic.mfa import has_second_factor, needs_second_factor, recent_second_factor_required, verified
from clinic.signin import trust_this_browser

AUTHENTICATOR_APP = "Authenticator app"
RECOVERY_CODES = "Recovery codes"
RECOVERY_CODE_COUNT = 10
NEW_RECOVERY_CODES = "_new_recovery_codes"  # shown once, on the next page


class ThrottledLoginView(LoginView):
    """The password step: refused with 429 from an address that failed too often (clinic/signin.py); a user who
    needs no second factor has signed in completely here, and this browser is trusted for them."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        return response if needs_second_factor(form.get_user()) else trusted(self.request, response)


def trusted(request, response):
    """The response that ends a complete sign-in: it marks this browser as the user's own."""
    trust_this_browser(response, request.user, secure=request.is_secure())
    return response


def _next(request):
    """Where to go afterwards: the `next` asked for, if it stays on this site."""
    asked = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(asked, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return asked
    return reverse("home")


@login_required
def second_factor(request):
    """Prove the second factor: a code from the authenticator app or a recovery code, or a passkey."""
    user, next_url = request.user, _next(request)
    if not has_second_factor(user):
        return redirect(f"{reverse('second-factor-setup')}?next={next_url}")
    again = request.GET.get("again") == "1"
    if user.is_verified() and not again and request.method != "POST":
        return redirect(next_url)
    form = SecondFactorForm(user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            how = "recovery code" if isinstance(form.device, StaticDevice) else "authenticator app"
            verified(request, form.device, how)
            return trusted(request, redirect(next_url))
        record_event(AuditAction.MFA_FAILED, user, detail={"with": "code"})
    context = {
        "form": form,
        "next": next_url,
        "again": again,
        "has_passkey": WebAuthnCredential.objects.filter(user=user, confirmed=True).exists(),
    }
    return render(request, "registration/second_factor.html", context)


@login_required
def second_factor_setup(request):
    """Add an authenticator app (or a passkey): at first sign-in for a user who has no second factor yet, or from
    the account page once the second factor was proved recently."""
    user = request.user
    enrolled = has_second_factor(user)
    if enrolled and not user.is_verified():
        return redirect(f"{reverse('second-factor')}?next={request.get_full_path()}")
    if enrolled:
        return _setup_with_recent_proof(request)
    return _setup_page(request)


@recent_second_factor_required
def _setup_with_recent_proof(request):
    return _setup_page(request)


def _setup_page(request):
    user, next_url = request.user, _next(request)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name=AUTHENTICATOR_APP, confirmed=False
    )
    form = ConfirmAuthenticatorForm(device, request.POST or None)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record_event(AuditAction.MFA_ADDED, user, detail={"factor": "authenticator app"})
        if not user.is_verified():
            verified(request, device, "authenticator app")
        return trusted(request, redirect(f"{reverse('recovery-codes')}?next={next_url}"))
    context = {
        "form": form,
        "next": next_url,
        "qr_code": _qr_svg(device.config_url),
        "key": " ".join(_key_groups(device)),
        "first": not has_second_factor(user),
    }
    return render(request, "registration/second_factor_setup.html", context)


def _key_groups(device):
    key = base64.b32encode(device.bin_key).decode()
    return [key[start : start + 4] for start in range(0, len(key), 4)]


def _qr_svg(text):
    """The QR code an authenticator app scans, as inline SVG (our own markup: no script, no external image)."""
    buffer = BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(buffer)
    svg = buffer.getvalue().decode()
    return mark_safe(svg[svg.index("<svg") :])  # noqa: S308 — generated here from the device's own URL


@login_required
def recovery_codes(request):
    """The user's one-time recovery codes: made at enrolment and shown once; new ones replace them all."""
    user, next_url = request.user, _next(request)
    if not user.is_verified():
        return redirect(f"{reverse('second-factor')}?next={request.get_full_path()}")
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_CODES, defaults={"confirmed": True})
    new_codes = None
    if not device.token_set.exists() and not request.session.get(NEW_RECOVERY_CODES):
        new_codes = _replace_codes(device)  # the first set, at enrolment
    shown = new_codes or request.session.pop(NEW_RECOVERY_CODES, None)
    context = {"codes": shown, "left": device.token_set.count(), "next": next_url}
    return render(request, "registration/recovery_codes.html", context)


@require_POST
@login_required
@recent_second_factor_required
def new_recovery_codes(request):
    device, _ = StaticDevice.objects.get_or_create(user=request.user, name=RECOVERY_CODES, defaults={"confirmed": True})
    request.session[NEW_RECOVERY_CODES] = _replace_codes(device)
    return redirect("recovery-codes")


def _replace_codes(device):
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    record_event(AuditAction.MFA_ADDED, device.user, detail={"factor": "recovery codes", "count": len(codes)})
    return codes


@login_required
def account(request):
    user = request.user
    context = {
        "authenticators": TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"),
        "passkeys": WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk"),
        "recovery_left": StaticToken.objects.filter(device__user=user).count(),
        "required": needs_second_factor(user),
    }
    return render(request, "registration/account.html", context)


@require_POST
@login_required
@recent_second_factor_required
def remove_factor(request, kind, pk):
    """Remove an authenticator app or a passkey; the last second factor of an account that needs one stays."""
    model = {"authenticator": TOTPDevice, "passkey": WebAuthnCredential}.get(kind)
    if model is None:
        return redirect("account")
    device = get_object_or_404(model, pk=pk, user=request.user, confirmed=True)
    others = [other for other in _confirmed_factors(request.user) if other != device]
    if needs_second_factor(request.user) and not others:
        messages.error(request, _("This is your only second factor: add another before removing it."))
        return redirect("account")
    device.delete()
    record_event(AuditAction.MFA_REMOVED, request.user, detail={"factor": kind})
    messages.success(request, _("Second factor removed."))
    return redirect("account")


def _confirmed_factors(user):
    return [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *WebAuthnCredential.objects.filter(user=user, confirmed=True),
    ]


class AuditedPasswordChangeView(PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        response = super().form_valid(form)
        record_event(AuditAction.PASSWORD_CHANGED, self.request.user)
        messages.success(self.request, _("Your password was changed."))
        return response
