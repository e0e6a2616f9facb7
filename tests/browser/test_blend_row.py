"""A blend row at the chair: the product first, then that product's lots only, each showing its number and expiry,
and the product's usual strength filled in; the whole choice readable on a phone, a tablet and a desk."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from clinic.dosage import ConcentrationUnit
from clinic.roles import CLINICIAN
from tests.support.browser import SCREENS, log_in
from tests.support.factories import LotFactory, PatientFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.browser

# The width a select needs to show its chosen option whole: the text in the select's font, its padding and arrow.
NEEDED_WIDTH = """select => {
  const style = getComputedStyle(select);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const text = select.selectedOptions[0].text;
  const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
  return {text, needed: context.measureText(text).width + padding, shown: select.clientWidth};
}"""


@pytest.fixture
def stock(db):
    today = timezone.localdate()
    minoxidil = ProductFactory(
        name="Minoxidil 0.5 % injectable solution",
        default_concentration=Decimal("0.5"),
        default_concentration_unit=ConcentrationUnit.PERCENT,
    )
    dutasteride = ProductFactory(
        name="Dutasteride injectable",
        default_concentration=Decimal("0.1"),
        default_concentration_unit=ConcentrationUnit.MG_PER_ML,
    )
    return {
        "minoxidil": minoxidil,
        "dutasteride": dutasteride,
        "expired": LotFactory(product=minoxidil, number="MX-2025-0101", expiry_date=today - timedelta(days=30)),
        "later": LotFactory(product=minoxidil, number="MX-2027-0412", expiry_date=today + timedelta(days=400)),
        "sooner": LotFactory(product=minoxidil, number="MX-2026-1130", expiry_date=today + timedelta(days=100)),
        "du77": LotFactory(product=dutasteride, number="DU-77", expiry_date=today + timedelta(days=200)),
    }


def option_texts(select):
    return select.locator("option").all_inner_texts()


def shows_whole(select):
    measured = select.evaluate(NEEDED_WIDTH)
    return measured["needed"] <= measured["shown"], measured


def test_a_blend_row_offers_the_chosen_products_lots_and_fills_in_its_strength(page, page_problems, stock):
    UserFactory(username="dr.blend", roles=[CLINICIAN])
    patient = PatientFactory()
    page.goto("/")
    log_in(page, "dr.blend")
    page.goto(reverse("session-log", args=[patient.pk]))
    product, lot = page.locator("#id_blend-0-product"), page.locator("#id_blend-0-lot")
    concentration, unit = page.locator("#id_blend-0-concentration"), page.locator("#id_blend-0-concentration_unit")

    product.select_option(label=stock["minoxidil"].name)
    expiry = {name: f"{stock[name].expiry_date:%Y-%m-%d}" for name in ("expired", "later", "sooner")}
    assert option_texts(lot) == [
        "---------",
        f"MX-2026-1130 · exp. {expiry['sooner']}",
        f"MX-2027-0412 · exp. {expiry['later']}",
        f"MX-2025-0101 · expired {expiry['expired']}",
    ]
    expect(concentration).to_have_value("0.5")
    expect(unit).to_have_value(ConcentrationUnit.PERCENT.value)
    lot.select_option(label=f"MX-2027-0412 · exp. {expiry['later']}")

    for screen, (width, height) in SCREENS.items():
        page.set_viewport_size({"width": width, "height": height})
        for select in (product, lot):
            whole, measured = shows_whole(select)
            assert whole, (screen, measured)

    # A strength typed by hand stays when the product changes; the one the page filled in follows the product.
    concentration.fill("1")
    product.select_option(label=stock["dutasteride"].name)
    expect(lot).to_have_value("")
    assert option_texts(lot) == ["---------", f"DU-77 · exp. {stock['du77'].expiry_date:%Y-%m-%d}"]
    expect(concentration).to_have_value("1")
    expect(unit).to_have_value(ConcentrationUnit.MG_PER_ML.value)

    # On a new row, the lot in hand chosen first chooses its product, and the product's strength comes with it.
    page.get_by_role("button", name="Add a component").click()
    page.locator("#id_blend-1-lot").select_option(label=f"MX-2026-1130 · exp. {expiry['sooner']}")
    expect(page.locator("#id_blend-1-product")).to_have_value(str(stock["minoxidil"].pk))
    expect(page.locator("#id_blend-1-concentration")).to_have_value("0.5")
    assert len(option_texts(page.locator("#id_blend-1-lot"))) == 4
    assert page_problems == []
