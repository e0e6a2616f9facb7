from django import template
from django.utils import formats
from django.utils.translation import gettext

from sessions.salt import HAIR_LOSS_IN_VIEW, LOSS_FORMAT, SALT_VIEWS

register = template.Library()


@register.inclusion_tag("sessions/salt_calculator.html")
def salt_calculator(score_field):
    """The calculator that fills `score_field` (static/js/salt-calculator.js), with the weights and messages of
    sessions/salt.py; hidden until the script shows it, and never submitted. The score it reports to the
    clinician is written with the language's decimal separator; the score field itself always takes a point."""
    return {
        "views": SALT_VIEWS,
        "target": score_field.id_for_label,
        "loss": HAIR_LOSS_IN_VIEW,
        "format": gettext(LOSS_FORMAT),
        "decimal_separator": formats.get_format("DECIMAL_SEPARATOR"),
    }
