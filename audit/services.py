"""Writing to the audit trail, and describing what changed."""

import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from audit.context import current_actor
from audit.models import AuditAction, AuditEvent

DECIMAL = re.compile(r"-?\d+\.\d+")

# A management command has no user account: the audit trail names what it does by this username.
SHELL_USERNAME = "(shell)"


def record_event(action, obj=None, *, changes=None, reason="", detail=None, user=None, username="", ip_address=None):
    """Append one event. Who and where default to the current request's actor."""
    actor = current_actor.get()
    user = user or actor.user
    return AuditEvent.objects.create(
        user=user,
        username=username or (user.get_username() if user else ""),
        ip_address=ip_address or actor.ip_address,
        action=action,
        object_type=audit_name(obj) if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        changes=changes or {},
        reason=reason,
        detail=detail or {},
    )


def record_list_view(model, pks, **detail):
    """One row for a page that lists records of `model` (a list, a search's results): which ones it showed."""
    return record_event(
        AuditAction.VIEW, detail={"listed": audit_name(model), "pks": [str(pk) for pk in pks], **detail}
    )


def audit_name(obj):
    """How the trail names a record: the stable word its model declares (`audit_name`), else its model name."""
    return getattr(obj, "audit_name", obj._meta.model_name)


def snapshot(instance):
    """The record's own field values, as JSON-safe values keyed by field name."""
    values = {field.attname: field.value_from_object(instance) for field in instance._meta.concrete_fields}
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def stored_snapshot(instance):
    """The snapshot of the row as the database holds it (1.2 typed is stored as 1.20)."""
    return snapshot(type(instance)._base_manager.get(pk=instance.pk))


def diff(before, after, ignore=("updated_at", "version")):
    """{field: [old, new]} for every field whose value differs."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if name not in ignore and before.get(name) != value
    }


def describe_changes(model, changes):
    """Readable lines such as "needle depth (mm): 1.00 → 1.20" for a {field: [old, new]} mapping."""
    lines = []
    for name, (old, new) in changes.items():
        field = next((f for f in model._meta.concrete_fields if f.attname == name), None)
        label = field.verbose_name if field else name
        if field is not None and field.is_relation:
            old, new = (_related_name(field, value) for value in (old, new))
        lines.append(f"{label}: {_shown(old)} → {_shown(new)}")
    return lines


def _related_name(field, pk):
    if pk is None:
        return None
    related = field.related_model._base_manager.filter(pk=pk).first()
    return str(related) if related else f"#{pk}"


def _shown(value):
    if value in (None, "", []):
        return gettext("(empty)")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return _local(str(value))


def _local(text):
    """A stored moment or decimal (as the snapshot keeps it, ISO and with a point) written the reader's way."""
    try:
        moment = parse_datetime(text) if "T" in text else None
    except ValueError:  # shaped like a moment, yet none (free text)
        moment = None
    if moment is not None:
        moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    if DECIMAL.fullmatch(text):
        return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))
    return text
