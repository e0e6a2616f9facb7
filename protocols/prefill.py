"""What "start from this preset" fills in on the log-session form."""

from django.utils.translation import gettext, ngettext

from clinic.formatting import value_range
from clinic.models import NeedleCartridge, Product
from protocols.deviations import ingredient_key


def session_initial(preset):
    """Initial values for the session form. A range is filled with its lower, more cautious end."""
    initial = {"preset": preset.pk, "technique": preset.technique}
    if preset.depth_min_mm is not None or preset.depth_max_mm is not None:
        initial["needle_depth_mm"] = preset.depth_min_mm if preset.depth_min_mm is not None else preset.depth_max_mm
    if preset.frequency_min_hz is not None or preset.frequency_max_hz is not None:
        initial["frequency_hz"] = preset.frequency_min_hz or preset.frequency_max_hz
    cartridge = matching_cartridge(preset)
    if cartridge is not None:
        initial["cartridge"] = cartridge.pk
    return initial


def matching_cartridge(preset):
    """The clinic's one active cartridge with the preset's needle geometry, if there is exactly one."""
    geometry = {
        field: getattr(preset, field)
        for field in ("needle_count", "needle_diameter_mm", "needle_length_mm")
        if getattr(preset, field) is not None
    }
    if not geometry:
        return None
    matches = list(NeedleCartridge.objects.filter(active=True, **geometry)[:2])
    return matches[0] if len(matches) == 1 else None


def blend_initial(preset):
    """One blend row per active ingredient of the preset, with the clinic's product of that ingredient
    when stocked. Rows of one ingredient are alternative strengths, not a mixture: the stocked
    strength is chosen if it is one of them, else the first."""
    by_ingredient = {}
    for component in preset.blend_components.all():
        key = ingredient_key(component.active_ingredient or component.drug)
        by_ingredient.setdefault(key, []).append(component)
    rows = []
    for alternatives in by_ingredient.values():
        product = _stocked_product(alternatives[0])
        chosen = next(
            (
                component
                for component in alternatives
                if product is not None
                and (component.concentration, component.concentration_unit)
                == (product.default_concentration, product.default_concentration_unit)
            ),
            alternatives[0],
        )
        row = {}
        if chosen.concentration is not None:
            row |= {"concentration": chosen.concentration, "concentration_unit": chosen.concentration_unit}
        if product is not None:
            row["product"] = product.pk
        rows.append(row)
    return rows


def _stocked_product(component):
    if not component.active_ingredient.strip():
        return None
    candidates = Product.objects.filter(active=True, active_ingredient__iexact=component.active_ingredient.strip())
    if component.concentration is not None:
        same_strength = candidates.filter(
            default_concentration=component.concentration, default_concentration_unit=component.concentration_unit
        )
        if same_strength.exists():
            candidates = same_strength
    return candidates.order_by("name").first()


def hints(preset):
    """Short phrases of what the preset says, shown beside the form; a range may give one end only."""
    depth = value_range(preset.depth_min_mm, preset.depth_max_mm, "mm")
    interval = value_range(preset.interval_min_days, preset.interval_max_days, gettext("days"))
    if interval:
        # "every 30 days" reads well; with one end only, "interval at least 14 days" does
        both_ends = None not in (preset.interval_min_days, preset.interval_max_days)
        interval = (gettext("every %(interval)s") if both_ends else gettext("interval %(interval)s")) % {
            "interval": interval
        }
    sessions = preset.session_count
    parts = [
        gettext("depth %(depth)s") % {"depth": depth} if depth else "",
        value_range(preset.frequency_min_hz, preset.frequency_max_hz, "Hz"),
        preset.needle_geometry,
        ngettext("%(count)s session", "%(count)s sessions", sessions) % {"count": sessions} if sessions else "",
        interval,
        *(str(component) for component in preset.blend_components.all()),
    ]
    return [part for part in parts if part]
