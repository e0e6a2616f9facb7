from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.context import client_ip
from audit.models import AuditAction
from audit.services import record_event

USERNAME_LIMIT = 150


@receiver(user_logged_in, dispatch_uid="audit.login")
def _logged_in(sender, request, user, **kwargs):
    record_event(AuditAction.LOGIN, user=user, ip_address=client_ip(request))


@receiver(user_logged_out, dispatch_uid="audit.logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_event(AuditAction.LOGOUT, user=user, ip_address=client_ip(request))


@receiver(user_login_failed, dispatch_uid="audit.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username") or "")[:USERNAME_LIMIT]
    record_event(
        AuditAction.LOGIN_FAILED, username=username or "(none)", ip_address=client_ip(request) if request else None
    )


@receiver(user_locked_out, dispatch_uid="audit.locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    record_event(AuditAction.LOCKED_OUT, username=str(username or "(none)")[:USERNAME_LIMIT], ip_address=ip_address)
