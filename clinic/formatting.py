"""Numbers and needle geometry written as clinicians write them, on pages and in phrases alike."""

from decimal import Decimal


def plain(value):
    """1.20 → "1.2", 2.00 → "2", 0.5 → "0.5"; unknown → ""."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def with_unit(value, unit):
    return f"{plain(value)} {unit}".strip()


def value_range(low, high, unit=""):
    """A range with an en dash between its ends ("1 mm" when they are equal), "at least 0.5 mm" or
    "at most 1 mm" with one end only, "" with neither."""
    if low is not None and high is not None:
        return with_unit(low, unit) if low == high else f"{plain(low)}–{with_unit(high, unit)}"
    if low is not None:
        return f"at least {with_unit(low, unit)}"
    if high is not None:
        return f"at most {with_unit(high, unit)}"
    return ""


def needle_geometry(count, diameter_mm, length_mm):
    """ "27 needles, ⌀0.3 mm, 5.5 mm long"; the parts not known are left out."""
    parts = []
    if count:
        parts.append(f"{count} needle{'s' if count != 1 else ''}")
    if diameter_mm is not None:
        parts.append(f"⌀{plain(diameter_mm)} mm")
    if length_mm is not None:
        parts.append(f"{plain(length_mm)} mm long")
    return ", ".join(parts)
