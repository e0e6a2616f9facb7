"""Curation of presets: publish, retire, new version. Published presets never change."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from audit.models import AuditAction
from audit.services import record_event
from clinic import versioning
from protocols.models import PresetStatus, ProtocolPreset

COPIED_FIELDS = [
    field.name
    for field in ProtocolPreset._meta.concrete_fields
    if field.name not in ("id", "version", "status", "created_at", "updated_at")
]


def publish(preset: ProtocolPreset) -> ProtocolPreset:
    """Publish a draft; the version of the same preset published before it is retired."""
    series = ProtocolPreset.objects.filter(slug=preset.slug)
    if preset.version > 1 and not series.filter(version__lt=preset.version).exists():
        raise ValidationError(
            gettext("“%(preset)s” has no earlier version: versions of a preset share its slug.") % {"preset": preset}
        )
    return versioning.publish(preset, series, title=preset.name)


def retire(preset: ProtocolPreset) -> ProtocolPreset:
    return versioning.retire(preset)


def new_version(preset: ProtocolPreset) -> ProtocolPreset:
    """A draft copy of the preset (with its blend) under the next version number, ready to edit."""
    with transaction.atomic():
        draft = ProtocolPreset(
            **{name: getattr(preset, name) for name in COPIED_FIELDS},
            version=versioning.next_version_number(ProtocolPreset.objects.filter(slug=preset.slug)),
            status=PresetStatus.DRAFT,
        )
        draft.save()
        for component in preset.blend_components.all():
            component.pk = None
            component.preset = draft
            component.save()
        record_event(AuditAction.CREATE, draft, detail={"copied_from": f"{preset.slug} v{preset.version}"})
    return draft
