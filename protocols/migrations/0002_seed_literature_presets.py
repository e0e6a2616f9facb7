"""Load the published presets transcribed from the literature (protocols/literature.py)."""

from decimal import Decimal

from django.db import migrations

DECIMAL_FIELDS = {"needle_diameter_mm", "needle_length_mm", "depth_min_mm", "depth_max_mm"}


def load(apps, schema_editor):
    from protocols.literature import PRESETS

    Preset = apps.get_model("protocols", "ProtocolPreset")
    Component = apps.get_model("protocols", "PresetBlendComponent")
    for entry in PRESETS:
        values = {key: value for key, value in entry.items() if key != "blend"}
        for key in DECIMAL_FIELDS & values.keys():
            values[key] = Decimal(values[key])
        preset, created = Preset.objects.get_or_create(
            slug=values.pop("slug"), version=1, defaults={**values, "status": "published"}
        )
        if not created:
            continue
        for component in entry.get("blend", []):
            Component.objects.create(
                preset=preset,
                drug=component["drug"],
                active_ingredient=component.get("active_ingredient", ""),
                concentration=Decimal(component["concentration"]) if "concentration" in component else None,
                concentration_unit=component.get("unit", ""),
            )


class Migration(migrations.Migration):
    dependencies = [("protocols", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
