"""Who is acting, and from where, for the length of one request (set by AuditContextMiddleware)."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user: object = None
    ip_address: str | None = None


current_actor: ContextVar[Actor] = ContextVar("current_actor", default=Actor())  # noqa: B039 — Actor is frozen


def client_ip(request):
    # REMOTE_ADDR only: a client can forge X-Forwarded-For. Behind a proxy, have it set REMOTE_ADDR.
    return request.META.get("REMOTE_ADDR") or None
