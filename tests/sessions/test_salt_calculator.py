"""The SALT calculator on the assessment form: offered for the alopecia areata family only, its weights those
of sessions/salt.py, hidden until its script shows it and never submitted."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from clinic.vocabularies import Diagnosis
from sessions.salt import SALT_VIEWS
from tests.support.factories import PatientFactory
from tests.support.pages import text

pytestmark = pytest.mark.django_db


class _Calculator(HTMLParser):
    """The calculator's box and its inputs' attributes."""

    def __init__(self):
        super().__init__()
        self.box, self.inputs = None, []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "data-salt-calculator" in attributes:
            self.box = attributes
        elif tag == "input" and "data-salt-weight" in attributes:
            self.inputs.append(attributes)


def calculator_on(response):
    reader = _Calculator()
    reader.feed(text(response))
    return reader


def assessment_page(client, diagnosis):
    return client.get(reverse("assessment-add", args=[PatientFactory(diagnosis=diagnosis).pk]))


@pytest.mark.parametrize("diagnosis", Diagnosis.areata_family())
def test_the_calculator_is_offered_for_the_areata_family_with_the_declared_weights(clinician_client, diagnosis):
    calculator = calculator_on(assessment_page(clinician_client, diagnosis))

    assert "hidden" in calculator.box and calculator.box["data-salt-target"] == "id_salt_score"
    assert [int(field["data-salt-weight"]) for field in calculator.inputs] == [v.weight_percent for v in SALT_VIEWS]
    assert not any("name" in field for field in calculator.inputs)  # the score alone is submitted


@pytest.mark.parametrize("diagnosis", sorted(set(Diagnosis) - set(Diagnosis.areata_family())))
def test_no_calculator_for_other_diagnoses(clinician_client, diagnosis):
    response = assessment_page(clinician_client, diagnosis)

    assert calculator_on(response).box is None
    assert not re.search(r"salt-calculator\.js", text(response))
