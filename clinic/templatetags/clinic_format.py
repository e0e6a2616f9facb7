from django import template

from clinic.formatting import blend_phrase, plain

register = template.Library()


register.filter("plain", plain)


@register.filter
def blend(components):
    """A session's blend on one line, each component as its `phrase`."""
    return blend_phrase(component.phrase for component in components)


@register.filter
def minutes(duration):
    """A timedelta as whole minutes, for sentences such as "paused for 15 minutes"."""
    return round(duration.total_seconds() / 60)
