"""A clinician whose browser speaks Portuguese (Brazil) or Spanish, in a real browser: signs in, registers a
patient, logs an MMP session typing decimal commas, and reads the values back the local way. Every label and
button is found by its translation in the catalogue, so the journey fails if a page falls back to English."""

import re
from decimal import Decimal

import pytest
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from clinic.roles import CLINICIAN
from sessions.models import TreatmentSession
from tests.support.clients import authenticator, current_code
from tests.support.factories import PASSWORD, CartridgeFactory, DeviceFactory, LotFactory, UserFactory

pytestmark = pytest.mark.browser

LANGUAGES = {"pt-BR": "pt-br", "es": "es"}


def in_language(language):
    def say(english):
        with translation.override(language):
            said = translation.gettext(english)
        assert said != english, f"{english!r} has no translation in {language}"
        return said

    return say


@pytest.mark.parametrize("browser_locale", LANGUAGES)
def test_a_clinician_works_in_their_own_language_with_decimal_commas(page, page_problems, browser_locale):
    language = LANGUAGES[browser_locale]
    say = in_language(language)
    clinician = UserFactory(username="dra.souza", roles=[CLINICIAN])
    app = authenticator(clinician)
    device, cartridge = DeviceFactory(), CartridgeFactory()
    lot = LotFactory(product__name="Minoxidil", number="MX-9")

    # The sign-in page follows the browser's language.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.locator("#id_username").fill("dra.souza")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=say("Log in")).click()
    page.locator("#id_code").fill(current_code(app))
    page.get_by_role("button", name=say("Confirm")).click()

    # A new patient.
    page.get_by_role("link", name=say("Patients"), exact=True).click()
    page.get_by_role("link", name=say("New patient")).click()
    page.locator("#id_record_number").fill("P-00777")
    page.locator("#id_first_name").fill("Ana")
    page.locator("#id_last_name").fill("Souza")
    page.locator("#id_date_of_birth").fill("1986-03-14")
    page.locator("#id_sex").select_option("female")
    page.locator("#id_diagnosis").select_option("fphl")
    page.get_by_role("button", name=say("Save patient")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ana Souza")
    expect(page.locator("main")).to_contain_text("14/03/1986")

    # An MMP session, typed with decimal commas.
    page.get_by_role("link", name=say("Log a session")).click()
    page.locator("#id_technique").select_option("mmp")
    page.locator("#id_device").select_option(str(device.pk))
    page.locator("#id_cartridge").select_option(str(cartridge.pk))
    page.locator("#id_needle_depth_mm").fill("0,3")
    page.locator("#id_frequency_hz").fill("120")
    page.locator("input[name=treated_zones][value=vertex]").check()
    page.locator("input[name=adverse_events][value=none]").check()
    page.locator("#id_blend-0-product").select_option(str(lot.product.pk))
    page.locator("#id_blend-0-lot").select_option(str(lot.pk))
    page.locator("#id_blend-0-concentration").fill("0,5")
    page.locator("#id_blend-0-concentration_unit").select_option("%")
    page.locator("#id_blend-0-volume_ml").fill("1,5")
    save = page.get_by_role("button", name=say("Save session"))
    save.click()
    # No signed MMP consent yet: the form asks to confirm, in the clinician's language, keeping what was typed.
    expect(page.locator("#id_needle_depth_mm")).to_have_value("0,3")
    page.locator("input[name=confirm_warnings]").check()
    save.click()

    # Stored exactly, shown back the local way.
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    session = TreatmentSession.objects.get()
    assert session.needle_depth_mm == Decimal("0.3")
    assert session.blend_components.get().concentration == Decimal("0.5")
    main = page.locator("main")
    expect(main).to_contain_text("0,3 mm")
    expect(main).to_contain_text("0,5 %")
    expect(main).to_contain_text(re.compile(r"1,5\s*mL"))
    with translation.override(language):
        performed = formats.date_format(timezone.localtime(session.performed_at), "SHORT_DATE_FORMAT")
    expect(main).to_contain_text(performed)
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", performed)
    assert page_problems == []
