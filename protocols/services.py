"""Curation of presets: publish, retire, new version. Published presets never change."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from audit.models import AuditAction
from audit.services import record_event
from protocols.models import PresetStatus, ProtocolPreset

COPIED_FIELDS = [
    field.name
    for field in ProtocolPreset._meta.concrete_fields
    if field.name not in ("id", "version", "status", "created_at", "updated_at")
]


def publish(preset: ProtocolPreset) -> ProtocolPreset:
    """Publish a draft; the version of the same preset published before it is retired."""
    if preset.status != PresetStatus.DRAFT:
        raise ValidationError(f"Only a draft can be published; “{preset}” is {preset.get_status_display().lower()}.")
    newer = ProtocolPreset.objects.filter(slug=preset.slug, version__gt=preset.version).exclude(
        status=PresetStatus.DRAFT
    )
    if newer.exists():
        raise ValidationError(f"A later version of “{preset.name}” has been published: this draft is out of date.")
    if preset.version > 1 and not ProtocolPreset.objects.filter(slug=preset.slug, version__lt=preset.version).exists():
        raise ValidationError(f"“{preset}” has no earlier version: versions of a preset share its slug.")
    preset.full_clean()
    with transaction.atomic():
        for previous in ProtocolPreset.objects.published().filter(slug=preset.slug).select_for_update():
            _set_status(previous, PresetStatus.RETIRED, reason=f"Replaced by version {preset.version}.")
        _set_status(preset, PresetStatus.PUBLISHED)
    return preset


def retire(preset: ProtocolPreset) -> ProtocolPreset:
    if preset.status == PresetStatus.RETIRED:
        raise ValidationError(f"“{preset}” is already retired.")
    with transaction.atomic():
        _set_status(preset, PresetStatus.RETIRED)
    return preset


def new_version(preset: ProtocolPreset) -> ProtocolPreset:
    """A draft copy of the preset (with its blend) under the next version number, ready to edit."""
    with transaction.atomic():
        latest = ProtocolPreset.objects.filter(slug=preset.slug).aggregate(latest=Max("version"))["latest"]
        draft = ProtocolPreset(
            **{name: getattr(preset, name) for name in COPIED_FIELDS},
            version=latest + 1,
            status=PresetStatus.DRAFT,
        )
        draft.save()
        for component in preset.blend_components.all():
            component.pk = None
            component.preset = draft
            component.save()
        record_event(AuditAction.CREATE, draft, detail={"copied_from": f"{preset.slug} v{preset.version}"})
    return draft


def _set_status(preset, status, reason=""):
    before = preset.status
    preset.status = status
    preset._change_reason = reason
    preset.save(update_fields=["status", "updated_at"])
    record_event(AuditAction.UPDATE, preset, changes={"status": [before, status]}, reason=reason)
