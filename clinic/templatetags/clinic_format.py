from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def plain(value):
    """A measured value as a clinician writes it: 1.20 -> 1.2, 2.00 -> 2; empty stays empty."""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return "" if value is None else value


@register.filter
def minutes(duration):
    """A timedelta as whole minutes, for sentences such as "paused for 15 minutes"."""
    return round(duration.total_seconds() / 60)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
