"""The drug blend of a session: one row per product, with its lot and strength."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic import dosage, formatting
from clinic.models import Lot, Product
from sessions.models.kept import KeepsWhatWasUsed, kept
from sessions.models.session import TreatmentSession
from sessions.models.voidable import Voidable


class BlendComponent(KeepsWhatWasUsed, Voidable):
    audit_name = "blend_component"  # how the audit trail names it
    kept_from = {
        "product": {"product_name": "name", "active_ingredient": "active_ingredient"},
        "lot": {"lot_number": "number", "lot_expiry": "expiry_date"},
    }

    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="blend_components", verbose_name=_("session")
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("lot")
    )
    product_name = kept(Product, "name", _("product"))
    active_ingredient = kept(Product, "active_ingredient", _("active ingredient"))
    lot_number = kept(Lot, "number", _("lot number"))
    lot_expiry = kept(Lot, "expiry_date", _("lot expiry date"))
    concentration, concentration_unit = dosage.concentration_fields()
    volume_ml = dosage.volume_field()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("blend component")
        verbose_name_plural = _("blend components")
        ordering = ["pk"]
        indexes = [
            # Lot recall (sessions.recall) looks a lot number up as the row kept it, capitals aside.
            models.Index(Upper("lot_number"), name="blend_current_lot_number", condition=Q(voided_at__isnull=True)),
        ]
        constraints = [
            *Voidable.Meta.constraints,
            *dosage.concentration_constraints(
                "concentration", positive="blend_concentration_positive", has_unit="blend_concentration_has_unit"
            ),
            dosage.volume_constraint(name="blend_volume_range"),
        ]

    def __str__(self):
        return formatting.dose_phrase(self.product_name, self.concentration, self.concentration_unit)

    def clean(self):
        errors = {}
        if self.lot_id and self.product_id and self.lot.product_id != self.product_id:
            errors["lot"] = _("This lot belongs to %(product)s, not to the chosen product.") % {
                "product": self.lot.product.name
            }
        if dosage.lacks_unit(self.concentration, self.concentration_unit):
            errors["concentration_unit"] = dosage.missing_unit_message()
        if errors:
            raise ValidationError(errors)

    @property
    def strength(self):
        return formatting.strength(self.concentration, self.concentration_unit)

    @property
    def amount(self):
        return formatting.amount(self.volume_ml)

    @property
    def phrase(self):
        """ "Minoxidil 0.5 % (2 mL)", as the patient page and the research export write it."""
        return formatting.dose_phrase(self.product_name, self.concentration, self.concentration_unit, self.volume_ml)
