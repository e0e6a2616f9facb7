"""A trail that proves its own integrity: a keyed seal on every row, and a keyed chain through all of them.

* When a row is written, the application seals it: `mac` = HMAC-SHA256(key, the row's canonical form). Someone
  with database access but not the key cannot insert a row, or change one, that passes as genuine.
* When the writing transaction commits, the row joins the chain: `sealed_seq` = the next position, and `link` =
  HMAC-SHA256(key, the previous link, the position, the row's mac). A row removed, put back in another order
  or given another position breaks every link after it.

The database lets these two columns be set once, from empty (the append-only trigger), and the application role
may update nothing else (audit.database_roles). `manage.py verify_audit` walks the chain and names the first
broken link. The key is AUDIT_HMAC_KEY (derived from SECRET_KEY when unset): keep it secret, unchanged, and
away from the database's backups.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, timedelta

from django.conf import settings
from django.db import connection, models, transaction

# Rows are chained in commit order, and `at` is taken when a row is made: a row may be up to this much older
# than the one before it (a long transaction); a row older than that was back-dated.
COMMIT_LAG = timedelta(minutes=30)
# A row not chained after this long was not written by the application (which chains at commit).
UNSEALED_GRACE = timedelta(minutes=10)
SEALED_FIELDS = ("at", "user_id", "username", "ip_address", "action", "object_type", "object_id")


def audit_key():
    key = settings.AUDIT_HMAC_KEY
    return key.encode() if key else hmac.digest(settings.SECRET_KEY.encode(), b"audit-trail-seal", "sha256")


def canonical(event):
    """The row's fields, as text that the same row always gives, however it was read back."""
    values = {name: getattr(event, name) for name in SEALED_FIELDS}
    values["at"] = event.at.astimezone(UTC).isoformat(timespec="microseconds")
    values["ip_address"] = str(event.ip_address) if event.ip_address else None
    values |= {"changes": event.changes, "reason": event.reason, "detail": event.detail}
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def mac_of(event, key=None):
    return hmac.new(key or audit_key(), canonical(event).encode(), hashlib.sha256).hexdigest()


def link_of(previous_link, seq, mac, key=None):
    message = f"{previous_link}|{seq}|{mac}".encode()
    return hmac.new(key or audit_key(), message, hashlib.sha256).hexdigest()


def seal_pending(events):
    """Chain every committed row of `events` (the AuditEvent model) not chained yet, in id order, after the last
    chained row. One chainer at a time: on PostgreSQL an advisory lock for the few milliseconds it takes; SQLite
    writes one at a time anyway."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        last = events.objects.filter(sealed_seq__isnull=False).order_by("-sealed_seq").first()
        seq, link = (last.sealed_seq, last.link) if last else (0, "")
        for pk, mac in events.objects.filter(sealed_seq__isnull=True).order_by("pk").values_list("pk", "mac"):
            seq += 1
            link = link_of(link, seq, mac)
            # The trail's own update() refuses changes: this is the one write allowed after the insert.
            models.QuerySet.update(events.objects.filter(pk=pk, sealed_seq__isnull=True), sealed_seq=seq, link=link)


CHAIN_LOCK = 0x5CA1A0D17  # the advisory lock's number: any constant the application uses for nothing else


@dataclass(frozen=True)
class Break:
    seq: int | None
    pk: int
    reason: str

    def __str__(self):
        where = f"position {self.seq}" if self.seq is not None else "not chained"
        return f"audit event #{self.pk} ({where}): {self.reason}"


def verify(events, now):
    """The first broken link of the trail (`events`, the AuditEvent model), or None when every row is genuine and
    the chain is whole."""
    key = audit_key()
    expected_seq, link, previous_at = 1, "", None
    for event in events.objects.filter(sealed_seq__isnull=False).order_by("sealed_seq").iterator(chunk_size=2000):
        if event.sealed_seq != expected_seq:
            return Break(event.sealed_seq, event.pk, f"position {expected_seq} is missing: a row was removed")
        if not hmac.compare_digest(event.mac, mac_of(event, key)):
            return Break(event.sealed_seq, event.pk, "its content is not what was written (changed, or forged)")
        link = link_of(link, expected_seq, event.mac, key)
        if not hmac.compare_digest(event.link, link):
            return Break(event.sealed_seq, event.pk, "its link does not follow from the one before (moved, re-chained)")
        if previous_at is not None and event.at < previous_at - COMMIT_LAG:
            return Break(event.sealed_seq, event.pk, f"its time is before that of the row before ({previous_at:%F %R})")
        expected_seq, previous_at = expected_seq + 1, event.at
    for event in events.objects.filter(sealed_seq__isnull=True).order_by("pk"):
        if not hmac.compare_digest(event.mac, mac_of(event, key)):
            return Break(None, event.pk, "its content is not what was written (changed, or forged)")
        if event.at < now - UNSEALED_GRACE:
            return Break(None, event.pk, "it was never chained: not written by the application")
    return None
