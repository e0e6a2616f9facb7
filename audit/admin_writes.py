"""Writes made in the admin, in the audit trail: every add, change and delete, inline rows included."""

from contextlib import contextmanager

from audit.models import AuditAction
from audit.services import diff, record_event, snapshot, stored_snapshot

# Never copied into the trail, even as changed values: a password hash is a secret of its own.
WITHHELD = {"password"}


def _changes(before, after):
    """{field: [old, new]}; a withheld field only says that it changed."""
    found = diff(before, after) if after else {name: [value, None] for name, value in before.items()}
    return {name: (["(withheld)", "(withheld)"] if name in WITHHELD else pair) for name, pair in found.items()}


def record_write(obj, before=None, *, deleted=False, **detail):
    """CREATE (with every value set), UPDATE (with what changed) or DELETE (with what there was) of `obj`."""
    detail = {"via": "admin", **detail}
    if deleted:
        record_event(AuditAction.DELETE, obj, changes=_changes(before or snapshot(obj), {}), detail=detail)
    elif before is None:
        record_event(AuditAction.CREATE, obj, changes=_changes({}, snapshot(obj)), detail=detail)
    elif changes := _changes(before, snapshot(obj)):
        record_event(AuditAction.UPDATE, obj, changes=changes, detail=detail)


@contextmanager
def relation_change_recorded(obj, label, values):
    """Around saving a many-to-many field: an UPDATE of `obj` if `values()` (a sorted list) changed meanwhile."""
    before = values() if obj.pk is not None else []
    yield
    after = values()
    if after != before:
        record_event(AuditAction.UPDATE, obj, changes={label: [before, after]}, detail={"via": "admin"})


class AuditedWritesMixin:
    """For a ModelAdmin: what it saves or deletes, and what its inline rows do, goes to the audit trail."""

    def save_model(self, request, obj, form, change):
        before = stored_snapshot(obj) if change else None
        super().save_model(request, obj, form, change)
        record_write(obj, before)

    def delete_model(self, request, obj):
        record_write(obj, snapshot(obj), deleted=True)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            record_write(obj, snapshot(obj), deleted=True)
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        before = {
            inline.instance.pk: stored_snapshot(inline.instance)
            for inline in formset.initial_forms
            if inline.instance.pk is not None
        }
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            record_write(obj)
        for obj, _fields in formset.changed_objects:
            record_write(obj, before.get(obj.pk))
        for obj in formset.deleted_objects:
            record_write(obj, before.get(obj.pk), deleted=True)
