"""Optimistic concurrency: an edit made on a stale copy of a record is refused, never silently applied.

Every editable record carries a `version`. A form remembers the version it showed; saving
claims the record by bumping the version only if it is still the one shown. A conditional
UPDATE is atomic on every database, so of two concurrent saves exactly one wins.
"""

from django.db.models import F
from django.utils.translation import gettext

from audit.services import describe_changes, diff, snapshot
from clinic.formatting import local_datetime


class EditConflict(Exception):
    def __init__(self, current, changes):
        self.current = current
        self.changes = changes
        super().__init__("; ".join(changes) or "the record was changed by someone else")


def claim_version(instance, seen_version):
    """Bump the stored version from `seen_version`, or raise EditConflict describing what changed since."""
    model = type(instance)
    if model.objects.filter(pk=instance.pk, version=seen_version).update(version=F("version") + 1):
        instance.version = seen_version + 1
        return
    current = model.objects.get(pk=instance.pk)
    seen = current.history.filter(version=seen_version).order_by("-history_date").first()
    changes = describe_changes(model, diff(snapshot(seen.instance), snapshot(current))) if seen else []
    raise EditConflict(current, [changed_by(current.history.order_by("-history_date").first()), *changes])


def changed_by(last_change):
    """ "Changed by dr.bianchi at 2026-03-01 14:05." (the moment as the active language writes it)."""
    if last_change is None:
        return gettext("Changed by someone.")
    when = local_datetime(last_change.history_date)
    if last_change.history_user is None:
        return gettext("Changed by someone at %(when)s.") % {"when": when}
    return gettext("Changed by %(user)s at %(when)s.") % {"user": last_change.history_user, "when": when}
