"""Who is acting, and from where, for the length of one request (set by AuditContextMiddleware)."""

import ipaddress
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Actor:
    user: object = None
    ip_address: str | None = None


current_actor: ContextVar[Actor] = ContextVar("current_actor", default=Actor())  # noqa: B039 — Actor is frozen


def client_ip(request):
    """The client's address: REMOTE_ADDR, unless the request came through one of our own proxies
    (`TRUSTED_PROXIES`), which put the address they saw last in X-Forwarded-For. A client can write
    X-Forwarded-For itself, so the header is read only from a trusted proxy, and only its last entry:
    the one our proxy added."""
    remote = request.META.get("REMOTE_ADDR") or None
    if remote not in settings.TRUSTED_PROXIES:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(forwarded))
    except ValueError:
        return remote
