"""Physical bounds of needle cartridges and products, in the admin form that edits them and in the database.

Equipment has no clinician-facing form: curators edit it in the Django admin, so that is the form checked here.
"""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from clinic.models import NeedleCartridge, Product
from tests.support.db import as_stored, assert_refused_by_database
from tests.support.factories import CartridgeFactory, ProductFactory
from tests.support.forms import assert_accepted_as, assert_asks_for_a_number, assert_rejected_with, form_with

COUNT = "Needle count must be between 1 and 100."
DIAMETER = "Needle diameter must be between 0.1 and 1.0 mm."
LENGTH = "Needle length must be greater than 0 and at most 10 mm."
GAUGE = "Needle gauge must be between 10 and 40 G."
CONCENTRATION = "Concentration must be greater than 0."

CARTRIDGE_OUTSIDE = [
    ("needle_count", "0", COUNT),
    ("needle_count", "101", COUNT),
    ("needle_diameter_mm", "0.09", DIAMETER),
    ("needle_diameter_mm", "1.01", DIAMETER),
    ("needle_length_mm", "0", LENGTH),
    ("needle_length_mm", "-0.01", LENGTH),
    ("needle_length_mm", "10.01", LENGTH),
    ("gauge", "9", GAUGE),
    ("gauge", "41", GAUGE),
]
CARTRIDGE_INSIDE = [
    ("needle_count", "1"),
    ("needle_count", "100"),
    ("needle_diameter_mm", "0.10"),
    ("needle_diameter_mm", "1.00"),
    ("needle_length_mm", "0.01"),
    ("needle_length_mm", "10.00"),
    ("gauge", "10"),
    ("gauge", "40"),
]


@pytest.fixture
def admin_form(superuser):
    """The ModelForm class the admin builds for a model, as a curator signed in as superuser sees it."""
    request = RequestFactory().get("/admin/")
    request.user = superuser

    def make(model):
        return admin.site._registry[model].get_form(request)

    return make


@pytest.fixture
def cartridge_form(admin_form):
    return form_with(
        admin_form(NeedleCartridge),
        {
            "name": "Cheyenne Safety 27 RM",
            "configuration": "magnum",
            "needle_count": "27",
            "needle_diameter_mm": "0.30",
            "needle_length_mm": "5.50",
            "active": "on",
        },
    )


@pytest.fixture
def product_form(admin_form):
    base = {"name": "Minoxidil", "kind": "drug", "default_concentration": "0.5", "default_concentration_unit": "%"}
    return form_with(admin_form(Product), base)


def test_the_base_cartridge_form_is_valid(cartridge_form):
    form = cartridge_form()

    assert form.is_valid(), form.errors


@pytest.mark.parametrize(("field", "typed"), CARTRIDGE_INSIDE)
def test_the_cartridge_form_accepts_a_value_just_inside_the_range(cartridge_form, field, typed):
    assert_accepted_as(cartridge_form(**{field: typed}), field, as_stored(NeedleCartridge, field, typed))


@pytest.mark.parametrize(("field", "typed", "message"), CARTRIDGE_OUTSIDE)
def test_the_cartridge_form_rejects_a_value_just_outside_the_range_with_one_clear_message(
    cartridge_form, field, typed, message
):
    assert_rejected_with(cartridge_form(**{field: typed}), field, typed, [message])


# Far outside the range (below the column's 0, or more digits than the column holds) the admin still speaks
# the range message, not Django's generic "Ensure this value…".
@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [("needle_count", "-1", COUNT), ("gauge", "-1", GAUGE), ("needle_diameter_mm", "12.5", DIAMETER)],
)
def test_the_cartridge_form_gives_the_range_message_for_far_out_values(cartridge_form, field, typed, message):
    assert_rejected_with(cartridge_form(**{field: typed}), field, typed, [message])


@pytest.mark.parametrize(("field", "typed"), CARTRIDGE_INSIDE)
def test_the_database_stores_a_cartridge_value_just_inside_the_range(db, field, typed):
    value = as_stored(NeedleCartridge, field, typed)

    (cartridge,) = NeedleCartridge.objects.bulk_create([CartridgeFactory.build(**{field: value})])

    assert getattr(NeedleCartridge.objects.get(pk=cartridge.pk), field) == value


@pytest.mark.parametrize(("field", "typed"), [(field, typed) for field, typed, _ in CARTRIDGE_OUTSIDE])
def test_the_database_refuses_a_cartridge_created_in_bulk_just_outside_the_range(db, field, typed):
    with pytest.raises(IntegrityError), transaction.atomic():
        NeedleCartridge.objects.bulk_create(
            [CartridgeFactory.build(**{field: as_stored(NeedleCartridge, field, typed)})]
        )

    assert not NeedleCartridge.objects.exists()


@pytest.mark.parametrize(("field", "typed"), [(field, typed) for field, typed, _ in CARTRIDGE_OUTSIDE])
def test_the_database_refuses_a_cartridge_updated_just_outside_the_range(db, field, typed):
    cartridge = CartridgeFactory()
    before = getattr(cartridge, field)

    assert_refused_by_database(NeedleCartridge, cartridge.pk, **{field: as_stored(NeedleCartridge, field, typed)})

    cartridge.refresh_from_db()
    assert getattr(cartridge, field) == before


@pytest.mark.parametrize("field", ["needle_count", "needle_diameter_mm", "needle_length_mm", "gauge"])
def test_an_unknown_cartridge_dimension_stays_empty(cartridge_form, field):
    form = cartridge_form(**{field: ""})

    assert form.is_valid(), form.errors
    cartridge = form.save()
    cartridge.refresh_from_db()
    assert getattr(cartridge, field) is None


@pytest.mark.parametrize("field", ["needle_count", "needle_diameter_mm", "needle_length_mm", "gauge"])
@pytest.mark.parametrize("typed", ["abc", "1,5e400", "  "])
def test_the_cartridge_form_answers_non_numeric_text_with_a_field_error(cartridge_form, field, typed):
    assert_asks_for_a_number(cartridge_form(**{field: typed}), field, typed)


def test_the_base_product_form_is_valid(product_form):
    form = product_form()

    assert form.is_valid(), form.errors


@pytest.mark.parametrize("typed", ["0.0001", "1", "12345.6789"])
def test_the_product_form_accepts_a_positive_default_concentration(product_form, typed):
    assert_accepted_as(product_form(default_concentration=typed), "default_concentration", Decimal(typed))


@pytest.mark.parametrize("typed", ["0", "0.0000", "-0.0001"])
def test_the_product_form_rejects_a_default_concentration_of_zero_or_less(product_form, typed):
    assert_rejected_with(product_form(default_concentration=typed), "default_concentration", typed, [CONCENTRATION])


@pytest.mark.parametrize("stored", [Decimal("0.0001"), None])
def test_the_database_stores_a_positive_or_unknown_default_concentration(db, stored):
    product = ProductFactory()

    Product.objects.filter(pk=product.pk).update(default_concentration=stored)

    product.refresh_from_db()
    assert product.default_concentration == stored


@pytest.mark.parametrize("stored", [Decimal("0"), Decimal("-0.0001")])
def test_the_database_refuses_a_default_concentration_of_zero_or_less(db, stored):
    product = ProductFactory()

    assert_refused_by_database(Product, product.pk, default_concentration=stored)

    product.refresh_from_db()
    assert product.default_concentration == Decimal("0.5")


def test_the_database_refuses_a_default_concentration_without_unit(db):
    product = ProductFactory()

    assert_refused_by_database(Product, product.pk, default_concentration_unit="")
