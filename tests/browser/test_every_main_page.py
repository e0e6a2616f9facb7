"""Every main page, on a phone, a tablet and a desk: never wider than the screen, the menu within reach, and, at
desk size, no critical or serious accessibility violation found by axe-core (the npm package, read from
node_modules and run inside the page). Screenshots of each page at each size are kept under var/screenshots/ for
whoever reads the CI run."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from clinic.models import User
from protocols.models import ProtocolPreset
from tests.support.browser import SCREENS, log_in
from tests.support.main_pages import every_main_page

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# What axe finds, one line per rule broken, with the first elements it names.
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  }));
}"""
BLOCKING = {"critical", "serious"}


@pytest.fixture
def main_pages(db, seeded_presets):
    return every_main_page()


@pytest.fixture
def curation_pages(main_pages):
    """The curation admin's pages we customised: checked at desk size only (the admin is for the office)."""
    draft = ProtocolPreset.objects.get(status="draft")
    return {
        "admin-preset-list": reverse("admin:protocols_protocolpreset_changelist"),
        "admin-preset-edit": reverse("admin:protocols_protocolpreset_change", args=[draft.pk]),
    }


def signed_in(page):
    page.goto("/")
    log_in(page, "dr.everything")


def menu_reachable(page, screen):
    toggler = page.get_by_role("button", name="Menu")
    if screen != "desk":
        toggler.click()
    expect(page.get_by_role("link", name="Presets", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Log out", exact=True)).to_be_visible()


def test_every_main_page_fits_each_screen_with_its_menu_in_reach(page, page_problems, main_pages, curation_pages):
    signed_in(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    too_wide = []
    for screen, (width, height) in SCREENS.items():
        page.set_viewport_size({"width": width, "height": height})
        for name, address in main_pages.items():
            page.goto(address)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            document_width = page.evaluate("document.documentElement.scrollWidth")
            if document_width > width:
                too_wide.append((name, screen, document_width))
            page.screenshot(path=SCREENSHOTS / f"{name}-{screen}.png", full_page=True)
            menu_reachable(page, screen)
    page.set_viewport_size({"width": SCREENS["desk"][0], "height": SCREENS["desk"][1]})
    for name, address in curation_pages.items():
        page.goto(address)
        document_width = page.evaluate("document.documentElement.scrollWidth")
        if document_width > SCREENS["desk"][0]:
            too_wide.append((name, "desk", document_width))
        page.screenshot(path=SCREENSHOTS / f"{name}-desk.png", full_page=True)
    assert too_wide == []
    assert page_problems == []


def test_no_main_page_has_a_critical_or_serious_accessibility_violation(
    page, page_problems, main_pages, curation_pages
):
    signed_in(page)
    axe = AXE.read_text()
    found = {}
    for name, address in (main_pages | curation_pages).items():
        page.goto(address)
        from_the_page = len(page_problems)
        page.evaluate(axe)
        found[name] = page.evaluate(RUN_AXE)
        # axe's own probing (an inline style it tries on the admin's pages) is refused by our CSP: not the page's.
        del page_problems[from_the_page:]
    blocking = {name: [v for v in violations if v["impact"] in BLOCKING] for name, violations in found.items()}
    print("axe-core violations by page (critical/serious | all):")
    for name, violations in found.items():
        print(f"  {name}: {len(blocking[name])} | {len(violations)} {[(v['id'], v['nodes']) for v in violations]}")
    assert {name: violations for name, violations in blocking.items() if violations} == {}
    assert page_problems == []


@pytest.mark.parametrize("language", ["pt-br", "es"])
def test_in_portuguese_and_spanish_every_main_page_fits_a_phone(page, page_problems, main_pages, language):
    """Their words run longer than English ones: the pages must still fit the narrowest screen."""
    signed_in(page)
    User.objects.filter(username="dr.everything").update(language=language)
    width, height = SCREENS["phone"]
    page.set_viewport_size({"width": width, "height": height})
    too_wide = []
    for name, address in main_pages.items():
        page.goto(address)
        expect(page.locator("html")).to_have_attribute("lang", language)
        document_width = page.evaluate("document.documentElement.scrollWidth")
        if document_width > width:
            too_wide.append((name, document_width))
        page.screenshot(path=SCREENSHOTS / f"{name}-phone-{language}.png", full_page=True)
    assert too_wide == []
    assert page_problems == []
