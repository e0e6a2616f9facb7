"""Physical ranges that a value must respect, declared once.

Each range gives the field validators (so forms show a clear message next to the
field) and the database CheckConstraint (so no other path — admin, shell, import —
can store nonsense). Empty stays allowed: unknown is empty, never zero.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.formatting import local_decimal_point


@deconstructible
class RangeValidator:
    def __init__(self, low, high, message, low_inclusive=True):
        self.low = low
        self.high = high
        self.message = message
        self.low_inclusive = low_inclusive

    def __call__(self, value):
        if value is None:
            return
        too_low = value < self.low if self.low_inclusive else value <= self.low
        too_high = self.high is not None and value > self.high
        if too_low or too_high:
            raise ValidationError(self.message, code="out_of_range")

    def __eq__(self, other):
        return isinstance(other, RangeValidator) and (
            self.low,
            self.high,
            self.message,
            self.low_inclusive,
        ) == (other.low, other.high, other.message, other.low_inclusive)


@dataclass(frozen=True)
class PhysicalRange:
    label: str
    low: Decimal | int
    high: Decimal | int | None
    unit: str = ""
    low_inclusive: bool = True

    def sentence(self):
        """The range as one sentence in the active language, its numbers written the local way (0,1 in pt-BR)."""
        values = {
            "label": self.label,
            # Each bound as declared (3.0 stays 3.0), with the reader's decimal separator.
            "low": local_decimal_point(str(self.low)),
            "high": local_decimal_point(str(self.high)),
            "unit": f" {self.unit}" if self.unit else "",
        }
        if self.high is None and self.low_inclusive:
            text = gettext("%(label)s must be at least %(low)s%(unit)s.")
        elif self.high is None:
            text = gettext("%(label)s must be greater than %(low)s%(unit)s.")
        elif not self.low_inclusive:
            text = gettext("%(label)s must be greater than %(low)s and at most %(high)s%(unit)s.")
        else:
            text = gettext("%(label)s must be between %(low)s and %(high)s%(unit)s.")
        return text % values

    @property
    def message(self):
        """The sentence, put into words when it is shown (so in the reader's language)."""
        return lazy(self.sentence, str)()

    def validator(self):
        return RangeValidator(self.low, self.high, self.message, self.low_inclusive)

    def field(self, field_class, verbose_name, **kwargs):
        """An optional model field held to this range (unknown stays empty, never zero)."""
        return field_class(verbose_name, null=True, blank=True, validators=[self.validator()], **kwargs)

    def constraint(self, field, *, name):
        lower = f"{field}__gte" if self.low_inclusive else f"{field}__gt"
        within = models.Q(**{lower: self.low})
        if self.high is not None:
            within &= models.Q(**{f"{field}__lte": self.high})
        return models.CheckConstraint(
            condition=models.Q(**{f"{field}__isnull": True}) | within,
            name=name,
            # Django formats constraint messages with %-placeholders: a literal "%" must be doubled.
            violation_error_message=lazy(lambda: self.sentence().replace("%", "%%"), str)(),
        )


NEEDLE_DEPTH_MM = PhysicalRange(_("Needle depth"), Decimal("0.1"), Decimal("3.0"), "mm")
FREQUENCY_HZ = PhysicalRange(_("Frequency"), 1, 200, "Hz")
NEEDLE_COUNT = PhysicalRange(_("Needle count"), 1, 100)
NEEDLE_DIAMETER_MM = PhysicalRange(_("Needle diameter"), Decimal("0.1"), Decimal("1.0"), "mm")
NEEDLE_LENGTH_MM = PhysicalRange(_("Needle length"), Decimal("0"), Decimal("10"), "mm", low_inclusive=False)
PAIN_SCORE = PhysicalRange(_("Pain score"), 0, 10)
CONCENTRATION = PhysicalRange(_("Concentration"), Decimal("0"), None, low_inclusive=False)
VOLUME_ML = PhysicalRange(_("Volume"), Decimal("0"), Decimal("20"), "mL")
PASSES = PhysicalRange(_("Passes"), 1, 50)
TREATED_AREA_CM2 = PhysicalRange(_("Treated area"), Decimal("0"), Decimal("1000"), "cm²", low_inclusive=False)
SALT_SCORE = PhysicalRange(_("SALT score"), Decimal("0"), Decimal("100"), "%")
NEEDLE_GAUGE = PhysicalRange(_("Needle gauge"), 10, 40, "G")
HAIR_DENSITY = PhysicalRange(_("Hair density"), Decimal("0"), Decimal("600"), _("hairs/cm²"))
SHAFT_DIAMETER_UM = PhysicalRange(_("Mean shaft diameter"), Decimal("5"), Decimal("200"), "µm")
TERMINAL_VELLUS_RATIO = PhysicalRange(_("Terminal:vellus ratio"), Decimal("0"), Decimal("100"))
GLOBAL_PHOTO_ASSESSMENT = PhysicalRange(_("Global photographic assessment"), -3, 3)
SATISFACTION = PhysicalRange(_("Patient satisfaction"), 1, 5)
