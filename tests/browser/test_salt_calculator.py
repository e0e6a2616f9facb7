"""The SALT calculator on the assessment form, in a real browser: four views' hair loss fill in the score as
sessions/salt.py computes it, bad percentages are explained and fill nothing, and a score typed by hand stays
until a view changes."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clinic.roles import CLINICIAN
from clinic.vocabularies import Diagnosis
from sessions.models import Assessment
from sessions.salt import HAIR_LOSS_IN_VIEW, LOSS_FORMAT, SALT_VIEWS, salt_score
from tests.support.browser import log_in
from tests.support.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.browser

# {view key: typed percentage}, in the order of SALT_VIEWS
EXAMPLES = [
    ("50", "20", "10", "0"),
    ("100", "100", "100", "100"),
    ("0", "0", "0", "0"),
    ("0", "0", "2.5", "0"),  # 0.45: a half, rounded up
    ("12.5", "80.3", "0.1", "99.9"),
    ("33", "17", "5", "0"),
    ("7.3", "61.1", "44.4", "3.9"),
]


def assessment_page(page, diagnosis):
    UserFactory(username="dr.rossi", roles=[CLINICIAN])
    patient = PatientFactory(diagnosis=diagnosis)
    page.goto("/")
    log_in(page, "dr.rossi")
    page.goto(reverse("assessment-add", args=[patient.pk]))
    return patient


def view_input(page, view):
    return page.get_by_label(f"{view.label}: hair loss (%)")


def type_views(page, typed):
    for view, percentage in zip(SALT_VIEWS, typed, strict=True):
        view_input(page, view).fill(percentage)


def test_four_percentages_fill_in_the_score_and_saving_stores_it(page, page_problems):
    patient = assessment_page(page, Diagnosis.ALOPECIA_AREATA)

    type_views(page, EXAMPLES[0])

    expect(page.get_by_label("SALT score (%)")).to_have_value("26.6")  # 20 + 4.8 + 1.8 + 0
    expect(page.get_by_role("status")).to_have_text("SALT score filled in: 26.6 %.")
    page.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_role("alert")).to_contain_text("Assessment recorded.")
    assert Assessment.objects.get(patient=patient).salt_score == Decimal("26.6")
    assert page_problems == []


def test_the_page_and_sessions_salt_agree(page, page_problems):
    assessment_page(page, Diagnosis.ALOPECIA_TOTALIS)
    score = page.get_by_label("SALT score (%)")

    for typed in EXAMPLES:
        type_views(page, typed)
        expected = salt_score({view.key: percentage for view, percentage in zip(SALT_VIEWS, typed, strict=True)})
        expect(score).to_have_value(str(expected))
    assert page_problems == []


def test_a_bad_percentage_is_explained_and_fills_nothing(page, page_problems):
    assessment_page(page, Diagnosis.ALOPECIA_AREATA)
    score = page.get_by_label("SALT score (%)")
    back = view_input(page, SALT_VIEWS[1])

    type_views(page, ("50", "150", "10", "0"))

    expect(back).to_have_class("form-control is-invalid")
    expect(page.locator("#salt-back-problem")).to_have_text(str(HAIR_LOSS_IN_VIEW.message))
    expect(page.get_by_role("status")).to_contain_text("not filled in")
    expect(score).to_have_value("")
    back.fill("12.55")
    expect(page.locator("#salt-back-problem")).to_have_text(LOSS_FORMAT)
    expect(score).to_have_value("")
    back.fill("20")
    expect(back).not_to_have_class("form-control is-invalid")
    expect(score).to_have_value("26.6")
    assert page_problems == []


def test_a_score_typed_by_hand_stays_until_a_view_changes(page, page_problems):
    assessment_page(page, Diagnosis.ALOPECIA_UNIVERSALIS)
    score = page.get_by_label("SALT score (%)")
    type_views(page, EXAMPLES[0])
    expect(score).to_have_value("26.6")

    score.fill("30")
    score.blur()
    expect(score).to_have_value("30")

    view_input(page, SALT_VIEWS[0]).fill("60")
    expect(score).to_have_value("30.6")
    assert page_problems == []


def test_no_calculator_for_androgenetic_alopecia(page, page_problems):
    assessment_page(page, Diagnosis.ANDROGENETIC_ALOPECIA)

    expect(page.get_by_role("heading", level=1)).to_have_text("Record an assessment")
    expect(page.locator("[data-salt-calculator]")).to_have_count(0)
    expect(page.get_by_label("Top (vertex): hair loss (%)")).to_have_count(0)
    assert page_problems == []
