from django import template

from sessions.scalp_map import scalp_regions

register = template.Library()


@register.inclusion_tag("sessions/scalp_map.html")
def scalp_map(treated_zones):
    """The map as a picture, the treated zones filled; the page says them in words beside it."""
    return {"regions": scalp_regions(treated_zones)}


@register.inclusion_tag("sessions/scalp_map.html")
def scalp_map_input(field):
    """The map as the clickable twin of a treated-zones checkbox field (static/js/scalp-map.js), hidden until
    the script shows it: the checkboxes alone are submitted."""
    return {"regions": scalp_regions(field.value() or []), "field_name": field.html_name}
