"""What a blend row offers: each product with its default strength, and each lot under its product, the current
ones first, each showing its number and expiry. static/js/blend.js narrows the lots to the chosen product and fills
in its strength; without it the lots stay grouped under their products."""

from itertools import groupby

from django import forms
from django.utils.translation import gettext as _

from clinic.formatting import local_date, plain

NO_CHOICE = ("", "---------")


def lot_label(lot, today):
    if lot.expiry_date is None:
        return _("%(lot)s · no expiry date") % {"lot": lot.number}
    if lot.expiry_date < today:
        return _("%(lot)s · expired %(date)s") % {"lot": lot.number, "date": local_date(lot.expiry_date)}
    return _("%(lot)s · exp. %(date)s") % {"lot": lot.number, "date": local_date(lot.expiry_date)}


def _offer_order(lot, today):
    """Lots still in date by expiry (soonest first), then lots without a date, then expired ones (latest first)."""
    if lot.expiry_date is None:
        return (1, 0, lot.number)
    if lot.expiry_date < today:
        return (2, -lot.expiry_date.toordinal(), lot.number)
    return (0, lot.expiry_date.toordinal(), lot.number)


def grouped_lot_choices(lots, today):
    """[NO_CHOICE, (product name, [(lot id, label), ...]), ...]: products by name, each one's lots in offer order."""
    by_product = sorted(lots, key=lambda lot: (lot.product.name, lot.product_id))
    choices = [NO_CHOICE]
    for _product, product_lots in groupby(by_product, key=lambda lot: lot.product_id):
        product_lots = sorted(product_lots, key=lambda lot: _offer_order(lot, today))
        choices.append((product_lots[0].product.name, [(lot.pk, lot_label(lot, today)) for lot in product_lots]))
    return choices


class DataOptionsSelect(forms.Select):
    """A select whose options carry data- attributes: `option_data` maps an option's value to them."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs, choices)
        self.option_data = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"].update(self.option_data.get(str(value), {}))
        return option


def product_option_data(products):
    """The default strength, which static/js/blend.js puts into the concentration input: written as that input
    writes numbers in the active language (clinic.forms.decimal_input), 0.5 or 0,5."""
    return {
        str(product.pk): {
            "data-concentration": plain(product.default_concentration),
            "data-unit": product.default_concentration_unit,
        }
        for product in products
    }


def lot_option_data(lots):
    return {str(lot.pk): {"data-product": str(lot.product_id)} for lot in lots}
