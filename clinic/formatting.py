"""Numbers, dates and needle geometry written as clinicians write them, on pages and in phrases alike.

Numbers and dates follow the active language (a decimal comma in pt-BR and es); what leaves for research
is written under English (research.export), so it never changes with the interface language."""

from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext


def plain(value):
    """1.20 → "1.2", 2.00 → "2", 0.5 → "0.5" ("0,5" in pt-BR and es); unknown → ""."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return local_decimal_point(f"{value.normalize():f}")
    if isinstance(value, float):
        return local_decimal_point(f"{value:g}")
    return str(value)


def local_decimal_point(text):
    """A number written with a point ("0.5"), with the active language's decimal separator instead ("0,5")."""
    return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))


def local_date(value):
    """A date (or a datetime, in the clinic's time zone) as the active language writes it: 2026-03-01, 01/03/2026."""
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def local_datetime(value):
    """A moment in the clinic's time zone as the active language writes it: 2026-03-01 14:05, 01/03/2026 14:05."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATETIME_FORMAT")


def with_unit(value, unit):
    return f"{plain(value)} {unit}".strip()


def value_range(low, high, unit=""):
    """A range with an en dash between its ends ("1 mm" when they are equal), "at least 0.5 mm" or
    "at most 1 mm" with one end only, "" with neither."""
    if low is not None and high is not None:
        return with_unit(low, unit) if low == high else f"{plain(low)}–{with_unit(high, unit)}"
    if low is not None:
        return gettext("at least %(value)s") % {"value": with_unit(low, unit)}
    if high is not None:
        return gettext("at most %(value)s") % {"value": with_unit(high, unit)}
    return ""


def device_name(manufacturer, model, serial_number):
    """ "Manufacturer Model #serial", as lists and session pages name a device."""
    serial = f" #{serial_number}" if serial_number else ""
    return f"{manufacturer} {model}{serial}".strip()


def needle_geometry(count, diameter_mm, length_mm):
    """ "27 needles, ⌀0.3 mm, 5.5 mm long"; the parts not known are left out."""
    parts = []
    if count:
        parts.append(ngettext("%(count)s needle", "%(count)s needles", count) % {"count": count})
    if diameter_mm is not None:
        parts.append(f"⌀{plain(diameter_mm)} mm")
    if length_mm is not None:
        parts.append(gettext("%(length)s mm long") % {"length": plain(length_mm)})
    return ", ".join(parts)


def strength(concentration, unit):
    """ "0.5 %"; "" when the concentration is not known."""
    return "" if concentration is None else with_unit(concentration, unit)


def amount(volume_ml):
    """ "2 mL"; "" when the volume is not known."""
    return "" if volume_ml is None else f"{plain(volume_ml)} mL"


def dose_phrase(name, concentration, unit, volume_ml=None):
    """ "Minoxidil 0.5 % (2 mL)": a product with its strength and volume, each when known.

    The research export writes the same phrase (and research.copy_lines its PostgreSQL twin)."""
    phrase = name
    if concentration is not None:
        phrase += f" {strength(concentration, unit)}"
    if volume_ml is not None:
        phrase += f" ({amount(volume_ml)})"
    return phrase


def blend_phrase(dose_phrases):
    """ "Minoxidil 0.5 % (2 mL) + Biotin": the doses of one blend, in their order."""
    return " + ".join(dose_phrases)
