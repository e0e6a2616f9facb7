"""Who may try a password, and how often: trusted browsers, and a limit per address across usernames.

django-axes locks a username at one address after AXES_FAILURE_LIMIT wrong passwords (settings). Two things
are added here:

* A browser that has completed a sign-in (password and second factor) gets a signed, HttpOnly cookie naming
  that user, for TRUSTED_BROWSER_DAYS. Attempts at that user's account from that browser are never counted nor
  locked out (django-axes' whitelist callable): someone sharing the clinic's address, but not the user's
  browser, can lock only their own attempts, never the user out; someone at another address never could.
* An address that has failed ADDRESS_FAILURE_LIMIT times in AXES_COOLOFF_TIME, whatever the usernames, may
  not try another password (except from a trusted browser of the account tried) until the oldest of those
  failures is that old: guessing across many accounts from one address is throttled.
"""

from axes.models import AccessAttempt
from django.conf import settings
from django.core import signing
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_noop

from audit.context import client_ip
from audit.models import AuditAction
from audit.services import record_event

TRUSTED_BROWSER_COOKIE = "trusted_browser"
TRUSTED_BROWSER_SALT = "clinic.signin.trusted-browser"
# In English here (tests and logs read it); forms.LoginForm says it in the active language.
ADDRESS_THROTTLED = gettext_noop(
    "Too many failed logins from this network. Logins from it are paused for 15 minutes, except from a browser "
    "you have logged in with before."
)


def trusted_for(request, username):
    """Whether this browser has completed a sign-in of `username` (and the cookie saying so is ours, unexpired)."""
    cookie = request.COOKIES.get(TRUSTED_BROWSER_COOKIE)
    if not cookie or not username:
        return False
    try:
        trusted = signing.loads(cookie, salt=TRUSTED_BROWSER_SALT, max_age=settings.TRUSTED_BROWSER_DAYS * 86400)
    except signing.BadSignature:
        return False
    return trusted == str(username).casefold()


def axes_whitelist(request, credentials):
    """django-axes' AXES_WHITELIST_CALLABLE: a user's own trusted browser is never counted nor locked out."""
    return trusted_for(request, (credentials or {}).get("username"))


def address_throttled(request, username):
    """Whether this address has failed too often lately to try `username`'s password (see the module)."""
    if trusted_for(request, username):
        return False
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(ip_address=client_ip(request), attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    if (failures or 0) < settings.ADDRESS_FAILURE_LIMIT:
        return False
    record_event(
        AuditAction.LOCKED_OUT,
        username=str(username or "(none)")[:150],
        ip_address=client_ip(request),
        detail={"scope": "address", "failures": failures},
    )
    return True


def trust_this_browser(response, user, secure):
    """After a complete sign-in: this browser may sign `user` in again without being throttled."""
    response.set_cookie(
        TRUSTED_BROWSER_COOKIE,
        signing.dumps(user.get_username().casefold(), salt=TRUSTED_BROWSER_SALT),
        max_age=settings.TRUSTED_BROWSER_DAYS * 86400,
        httponly=True,
        secure=secure,
        samesite="Lax",
    )
