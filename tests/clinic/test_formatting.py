"""Numbers, ranges and needle geometry as clinicians write them."""

from decimal import Decimal

import pytest

from clinic.formatting import blend_phrase, dose_phrase, plain, value_range
from tests.support.factories import CartridgeFactory


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        (
            {"needle_count": 3, "needle_diameter_mm": Decimal("0.25"), "needle_length_mm": Decimal("1.50")},
            "3 needles, ⌀0.25 mm, 1.5 mm long",
        ),
        ({"needle_count": 3, "needle_diameter_mm": None, "needle_length_mm": Decimal("1.5")}, "3 needles, 1.5 mm long"),
        ({"needle_count": 1, "needle_diameter_mm": None, "needle_length_mm": None}, "1 needle"),
        ({"needle_count": None, "needle_diameter_mm": Decimal("0.3"), "needle_length_mm": None}, "⌀0.3 mm"),
    ],
)
def test_a_cartridge_geometry_leaves_out_what_is_not_known(fields, shown):
    assert CartridgeFactory.build(**fields).geometry == shown


@pytest.mark.parametrize(
    ("low", "high", "shown"),
    [
        (Decimal("0.50"), Decimal("1.00"), "0.5–1 mm"),
        (Decimal("1.0"), Decimal("1"), "1 mm"),
        (Decimal("0.5"), None, "at least 0.5 mm"),
        (None, Decimal("2.5"), "at most 2.5 mm"),
        (None, None, ""),
    ],
)
def test_a_range_reads_as_written(low, high, shown):
    assert value_range(low, high, "mm") == shown


def test_plain_numbers_lose_trailing_zeros_and_nothing_else():
    assert [plain(Decimal("100")), plain(Decimal("1.20")), plain(0.5), plain(7), plain(None)] == [
        "100",
        "1.2",
        "0.5",
        "7",
        "",
    ]


@pytest.mark.parametrize(
    ("concentration", "unit", "volume_ml", "shown"),
    [
        (Decimal("0.50"), "%", Decimal("2.00"), "Minoxidil 0.5 % (2 mL)"),
        (Decimal("0.50"), "%", None, "Minoxidil 0.5 %"),
        (None, "", Decimal("1.25"), "Minoxidil (1.25 mL)"),
        (None, "", None, "Minoxidil"),
    ],
)
def test_a_dose_names_the_product_with_what_is_known_of_its_strength_and_volume(concentration, unit, volume_ml, shown):
    assert dose_phrase("Minoxidil", concentration, unit, volume_ml) == shown


def test_a_blend_joins_its_doses_in_their_order():
    doses = [dose_phrase("Minoxidil", Decimal("0.5"), "%", Decimal("2")), dose_phrase("Biotin", None, "", None)]

    assert blend_phrase(doses) == "Minoxidil 0.5 % (2 mL) + Biotin"
