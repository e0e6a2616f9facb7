"""A researcher, in a real browser: filter, read the counts, download the three files."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from clinic.roles import RESEARCHER
from research.columns import file_columns
from research.query import ExportFilters
from tests.support.browser import log_in
from tests.support.factories import BlendComponentFactory, PatientFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.browser


def test_a_researcher_counts_and_downloads_the_de_identified_files(page, page_problems, live_server, tmp_path):
    UserFactory(username="dr.research", roles=[RESEARCHER])
    consenting = PatientFactory(last_name="Quartermaine", record_number="P-31337")
    BlendComponentFactory(session=SessionFactory(patient=consenting, technique="mmp"))
    SessionFactory(patient=PatientFactory(research_consent=False, research_consent_date=None), technique="mmp")

    page.goto("/")
    log_in(page, "dr.research")
    page.get_by_role("link", name="Research export", exact=True).click()
    page.get_by_label("Technique").select_option("mmp")
    page.get_by_role("button", name="Count matching sessions").click()

    counts = page.locator("#counts")
    expect(counts).to_contain_text(re.compile(r"Sessions to export:\s+fewer than 5"))
    expect(counts).to_contain_text(re.compile(r"research consent:\s+fewer than 5"))
    expect(page.locator("#privacy-report")).to_contain_text("k = 1")

    files = {}
    for link, name in (
        ("Download sessions.csv", "sessions"),
        ("Download blend_components.csv", "blend"),
        ("Download the codebook", "codebook"),
    ):
        with page.expect_download() as download:
            page.get_by_role("link", name=link).click()
        path = tmp_path / f"{name}.csv"
        download.value.save_as(path)
        files[name] = path.read_text(encoding="utf-8")

    sessions = list(csv.DictReader(io.StringIO(files["sessions"])))
    blend = list(csv.DictReader(io.StringIO(files["blend"])))
    codebook = list(csv.DictReader(io.StringIO(files["codebook"])))
    assert [row["technique"] for row in sessions] == ["mmp"]
    assert len(blend) == 1 and blend[0]["session_id"] == sessions[0]["session_id"]
    assert [row["variable"] for row in codebook] == [
        column.name for columns in file_columns(ExportFilters()).values() for column in columns
    ]
    everything = "".join(files.values())
    assert "Quartermaine" not in everything and "P-31337" not in everything
    # Chromium ends a navigation that turns into a download with ERR_ABORTED: that is the download itself.
    downloads = [problem for problem in page_problems if ".csv" in problem and "net::ERR_ABORTED" in problem]
    assert len(downloads) == 3
    assert [problem for problem in page_problems if problem not in downloads] == []
