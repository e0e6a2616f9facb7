"""The drug blend of a session: one row per product, with its lot and strength."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from clinic import ranges
from clinic.formatting import with_unit
from clinic.models import ConcentrationUnit, Lot, Product
from sessions.models.session import TreatmentSession
from sessions.models.voidable import Voidable


class BlendComponent(Voidable):
    audit_name = "blend_component"  # how the audit trail names it

    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="blend_components", verbose_name="session"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name="product")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="lot")
    concentration = ranges.CONCENTRATION.field(models.DecimalField, "concentration", max_digits=9, decimal_places=4)
    concentration_unit = models.CharField(
        "concentration unit", max_length=6, choices=ConcentrationUnit.choices, blank=True
    )
    volume_ml = ranges.VOLUME_ML.field(models.DecimalField, "volume (mL)", max_digits=4, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            *Voidable.Meta.constraints,
            ranges.CONCENTRATION.constraint("concentration", name="blend_concentration_positive"),
            ranges.VOLUME_ML.constraint("volume_ml", name="blend_volume_range"),
            models.CheckConstraint(
                condition=Q(concentration__isnull=True) | ~Q(concentration_unit=""),
                name="blend_concentration_has_unit",
                violation_error_message="Give the unit of the concentration.",
            ),
        ]

    def __str__(self):
        return " ".join(part for part in (self.product.name, self.strength) if part)

    def clean(self):
        errors = {}
        if self.lot_id and self.product_id and self.lot.product_id != self.product_id:
            errors["lot"] = f"This lot belongs to {self.lot.product.name}, not to the chosen product."
        if self.concentration is not None and not self.concentration_unit:
            errors["concentration_unit"] = "Give the unit of the concentration."
        if errors:
            raise ValidationError(errors)

    @property
    def strength(self):
        if self.concentration is None:
            return ""
        return with_unit(self.concentration, self.concentration_unit)
