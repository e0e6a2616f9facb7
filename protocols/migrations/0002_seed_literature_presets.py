"""Load the published presets transcribed from the literature (protocols/literature.py)."""

from decimal import Decimal

from django.db import migrations

DECIMAL_FIELDS = {"needle_diameter_mm", "needle_length_mm", "depth_min_mm", "depth_max_mm"}


SEEDED = "Seeded from shared/LITERATURE.md"


def _record_history(apps, model_name, obj, now):
    """The first entry of the record's field history, as django-simple-history would have written it."""
    Historical = apps.get_model("protocols", f"Historical{model_name}")
    kept = {field.attname for field in Historical._meta.concrete_fields}
    values = {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields if field.attname in kept}
    Historical.objects.create(**values, history_date=now, history_type="+", history_change_reason=SEEDED)


def load(apps, schema_editor):
    from django.utils import timezone

    from protocols.literature import PRESETS

    Preset = apps.get_model("protocols", "ProtocolPreset")
    Component = apps.get_model("protocols", "PresetBlendComponent")
    now = timezone.now()
    for entry in PRESETS:
        values = {key: value for key, value in entry.items() if key != "blend"}
        for key in DECIMAL_FIELDS & values.keys():
            values[key] = Decimal(values[key])
        preset, created = Preset.objects.get_or_create(
            slug=values.pop("slug"), version=1, defaults={**values, "status": "published"}
        )
        if not created:
            continue
        _record_history(apps, "ProtocolPreset", preset, now)
        for component in entry.get("blend", []):
            row = Component.objects.create(
                preset=preset,
                drug=component["drug"],
                active_ingredient=component.get("active_ingredient", ""),
                concentration=Decimal(component["concentration"]) if "concentration" in component else None,
                concentration_unit=component.get("unit", ""),
            )
            _record_history(apps, "PresetBlendComponent", row, now)


class Migration(migrations.Migration):
    dependencies = [("protocols", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
