"""How much of a product a blend holds: its concentration, the unit of that, the volume drawn.

Declared once for a product's default strength, a preset's blend and a session's blend: the
same fields, range validators and database checks, each model naming its own constraints.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clinic import ranges
from clinic.vocabularies import TranslatedChoices


class ConcentrationUnit(TranslatedChoices):
    PERCENT = "%", _("% (w/v)")
    MG_PER_ML = "mg/mL", "mg/mL"
    UNITS_PER_ML = "U/mL", "U/mL"
    IU = "IU", _("IU")


CONCENTRATION = _("concentration")
CONCENTRATION_UNIT = _("concentration unit")


def concentration_fields(verbose_name=CONCENTRATION, unit_verbose_name=CONCENTRATION_UNIT):
    """The concentration and its unit, to unpack: `concentration, concentration_unit = concentration_fields()`."""
    return (
        ranges.CONCENTRATION.field(models.DecimalField, verbose_name, max_digits=9, decimal_places=4),
        models.CharField(unit_verbose_name, max_length=6, choices=ConcentrationUnit.choices, blank=True),
    )


def volume_field():
    return ranges.VOLUME_ML.field(models.DecimalField, _("volume (mL)"), max_digits=4, decimal_places=2)


def lacks_unit(concentration, unit):
    return concentration is not None and not unit


# Whole sentences, one for each concentration field that has a unit beside it.
MISSING_UNIT_MESSAGES = {
    "concentration": _("Give the unit of the concentration."),
    "default_concentration": _("Give the unit of the default concentration."),
}


def missing_unit_message(field="concentration"):
    return MISSING_UNIT_MESSAGES[field]


def concentration_constraints(field, *, positive, has_unit):
    """A concentration is above zero and never stored without its unit (the `<field>_unit` beside it)."""
    return [
        ranges.CONCENTRATION.constraint(field, name=positive),
        models.CheckConstraint(
            condition=Q(**{f"{field}__isnull": True}) | ~Q(**{f"{field}_unit": ""}),
            name=has_unit,
            violation_error_message=missing_unit_message(field),
        ),
    ]


def volume_constraint(*, name):
    return ranges.VOLUME_ML.constraint("volume_ml", name=name)
