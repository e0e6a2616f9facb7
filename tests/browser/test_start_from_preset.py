"""At the chair, in a real browser: a clinician starts a session from a published preset, adjusts the
depth to the patient, confirms the departure the page warns about, and the session keeps the exact
preset version it started from."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clinic.dosage import ConcentrationUnit
from clinic.roles import CLINICIAN
from clinic.vocabularies import Technique
from protocols.models import ProtocolPreset
from sessions.blend_choices import lot_label
from sessions.models import ImmediateAdverseEvent, TreatmentSession
from tests.support.browser import log_in
from tests.support.factories import (
    CartridgeFactory,
    DeviceFactory,
    LotFactory,
    PatientFactory,
    ProductFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

PRESET_LABEL = "MMP with triamcinolone for alopecia areata (Barletta, 2 cases) (v1)"


@pytest.fixture
def clinic_stock(db):
    """The clinic's equipment and stock: one 27-needle cartridge in use, and triamcinolone in stock."""
    triamcinolone = ProductFactory(
        name="Triamcinolone acetonide 10 mg/mL",
        active_ingredient="triamcinolone acetonide",
        default_concentration=Decimal("10"),
        default_concentration_unit=ConcentrationUnit.MG_PER_ML,
    )
    return {
        "device": DeviceFactory(manufacturer="Cheyenne", model_name="Hawk Pen", serial_number="HP-7"),
        "cartridge": CartridgeFactory(name="Cheyenne Safety 27 RM", needle_count=27),
        # Neither of these may be picked for the preset: wrong needle count, or no longer in use.
        "other_cartridge": CartridgeFactory(name="Cheyenne Safety 7 RL", needle_count=7),
        "retired_cartridge": CartridgeFactory(name="Old 27 RM, no longer stocked", needle_count=27, active=False),
        "triamcinolone": LotFactory(product=triamcinolone, number="TA-2026"),
        "minoxidil": LotFactory(product__name="Minoxidil 0.5 %", number="MX-1"),
    }


def test_a_clinician_starts_a_session_from_a_preset_and_confirms_a_departure(
    page, page_problems, seeded_presets, clinic_stock
):
    UserFactory(username="dr.neri", roles=[CLINICIAN])
    patient = PatientFactory(first_name="Marta", last_name="Conti", record_number="P-07001")
    preset = ProtocolPreset.objects.get(slug="barletta-mmp-triamcinolone-aa", version=1)
    cartridge = clinic_stock["cartridge"]
    lot = clinic_stock["triamcinolone"]

    page.goto("/accounts/login/")
    log_in(page, "dr.neri")

    page.goto(patient.get_absolute_url())
    page.get_by_role("link", name="Log a session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a session")
    expect(page.locator("#preset-hints")).to_have_count(0)

    # Start from the preset: the form is filled in with what it reports.
    choice = page.get_by_label("Start from a published preset")
    expect(choice).to_have_id("preset-choice")
    choice.select_option(label=PRESET_LABEL)
    page.get_by_role("button", name="Fill in from this preset").click()
    expect(page).to_have_url(re.compile(rf"\?preset={preset.pk}$"))

    expect(page.locator("#preset-choice")).to_have_value(str(preset.pk))
    expect(page.locator("#id_technique")).to_have_value(Technique.MMP.value)
    expect(page.locator("#id_needle_depth_mm")).to_have_value(re.compile(r"^1(\.0+)?$"))
    expect(page.locator("#id_frequency_hz")).to_have_value("70")
    expect(page.locator("#id_cartridge")).to_have_value(str(cartridge.pk))
    expect(page.locator("#id_preset")).to_have_value(str(preset.pk))
    expect(page.locator("#id_blend-0-product")).to_have_value(str(lot.product.pk))
    products = [page.locator(f"#id_blend-{i}-product").input_value() for i in range(blend_rows(page))]
    assert str(lot.product.pk) in products
    assert str(clinic_stock["minoxidil"].product.pk) not in products
    hints = page.locator("#preset-hints")
    expect(hints).to_contain_text(f"Started from {PRESET_LABEL}")
    expect(hints).to_contain_text("depth 1 mm")
    expect(hints).to_contain_text("70 Hz")
    expect(hints).to_contain_text("27 needles")
    expect(hints).to_contain_text("Triamcinolone acetonide 10 mg/mL")
    expect(hints.get_by_role("link", name=PRESET_LABEL)).to_have_attribute("href", preset.get_absolute_url())

    # The preset reports 2.5 and 10 mg/mL as alternatives: keep the 10 mg/mL row only, from the lot in hand.
    keep_only_the_blend_row_at(page, "10")
    row = blend_row_with_concentration(page, "10")
    page.locator(f"#id_blend-{row}-lot").select_option(label=lot_label(lot, timezone.localdate()))
    page.locator(f"#id_blend-{row}-volume_ml").fill("2")

    # Adjusted to the patient: deeper than the preset's 1.0 mm.
    page.locator("#id_device").select_option(label=str(clinic_stock["device"]))
    page.locator("#id_needle_depth_mm").fill("1.5")
    page.get_by_role("group", name="Immediate adverse events").get_by_label(
        ImmediateAdverseEvent.NONE.label, exact=True
    ).check()
    page.get_by_role("button", name="Save session").click()

    # Not saved yet: the page lists the departure and asks for a confirmation.
    warnings = page.locator("#warnings")
    expect(warnings).to_be_visible()
    expect(warnings).to_contain_text("Needle depth")
    expect(warnings).to_contain_text("1.5 mm")
    expect(warnings.locator("li")).to_have_count(1)
    assert TreatmentSession.objects.count() == 0
    expect(page.locator("#id_needle_depth_mm")).to_have_value("1.5")
    expect(page.locator("#id_preset")).to_have_value(str(preset.pk))
    confirm = page.get_by_label("I have checked the warnings above and want to save this session anyway.")
    expect(confirm).not_to_be_checked()
    confirm.check()
    page.get_by_role("button", name="Save session").click()

    # The session page says where it started from and how it departs from it.
    expect(page.get_by_role("alert")).to_contain_text("Session logged.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(Technique.MMP.label)
    started = page.locator("#preset")
    expect(started).to_contain_text(f"Started from {PRESET_LABEL}")
    expect(started).to_contain_text("session 1 of 4")
    expect(started.get_by_role("link", name=PRESET_LABEL)).to_have_attribute("href", preset.get_absolute_url())
    departures = page.locator("#deviations")
    expect(departures).to_contain_text("Departures from the preset")
    expect(departures.locator("li")).to_have_count(1)
    expect(departures.locator("li")).to_have_text("Needle depth: 1.5 mm, preset 1 mm")
    expect(page.locator("#blend")).to_contain_text("Triamcinolone acetonide 10 mg/mL")
    expect(page.locator("#blend")).to_contain_text("TA-2026")

    assert page_problems == []

    # In the database: the session points at that exact version of the preset.
    session = TreatmentSession.objects.get()
    assert session.patient == patient
    assert session.preset_id == preset.pk
    assert (session.preset.slug, session.preset.version) == ("barletta-mmp-triamcinolone-aa", 1)
    assert session.needle_depth_mm == Decimal("1.5")
    assert session.frequency_hz == 70
    assert session.cartridge == cartridge
    assert session.technique == Technique.MMP
    assert [(c.product, c.lot, c.concentration, c.concentration_unit) for c in session.blend_components.all()] == [
        (lot.product, lot, Decimal("10"), ConcentrationUnit.MG_PER_ML)
    ]


def blend_rows(page):
    return int(page.locator("#id_blend-TOTAL_FORMS").input_value())


def blend_row_with_concentration(page, concentration):
    for index in range(blend_rows(page)):
        value = page.locator(f"#id_blend-{index}-concentration").input_value()
        if value and Decimal(value) == Decimal(concentration):
            return index
    raise AssertionError(f"no blend row at {concentration}")


def keep_only_the_blend_row_at(page, concentration):
    """Empty every other prefilled row, as a clinician would: an empty extra row is not saved."""
    keep = blend_row_with_concentration(page, concentration)
    for index in range(blend_rows(page)):
        if index == keep:
            continue
        page.locator(f"#id_blend-{index}-product").select_option("")
        page.locator(f"#id_blend-{index}-concentration").fill("")
        page.locator(f"#id_blend-{index}-concentration_unit").select_option("")
