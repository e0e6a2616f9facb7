from django import template

from clinic.formatting import plain

register = template.Library()


register.filter("plain", plain)


@register.filter
def minutes(duration):
    """A timedelta as whole minutes, for sentences such as "paused for 15 minutes"."""
    return round(duration.total_seconds() / 60)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
