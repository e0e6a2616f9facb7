"""The session form on a tablet at the chair: every checkbox and the form's buttons big enough for a finger."""

import pytest
from django.urls import reverse

from clinic.roles import CLINICIAN
from tests.support.browser import SCREENS, log_in
from tests.support.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.browser

# WCAG 2.2 asks for 24 by 24 CSS pixels at least; a button a finger presses, 44 pixels high (Apple's and Android's).
SMALLEST_CHECKBOX = 24
SMALLEST_BUTTON_HEIGHT = 44


def test_checkboxes_and_buttons_of_the_session_form_are_finger_sized_on_a_tablet(page, page_problems):
    UserFactory(username="dr.tablet", roles=[CLINICIAN])
    patient = PatientFactory()
    page.goto("/")
    log_in(page, "dr.tablet")
    width, height = SCREENS["tablet"]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(reverse("session-log", args=[patient.pk]))

    boxes = page.locator("#session-form input[type=checkbox]")
    assert boxes.count() >= 17
    small = [
        (box.get_attribute("id"), size)
        for box in boxes.all()
        if (size := box.bounding_box()) and min(size["width"], size["height"]) < SMALLEST_CHECKBOX
    ]
    assert small == []
    for name in ("Add a component", "Add a photo", "Save session"):
        assert page.get_by_role("button", name=name).bounding_box()["height"] >= SMALLEST_BUTTON_HEIGHT, name
    assert page_problems == []
