"""Consent signed at the chair, in a real browser under the strict CSP: the patient draws a signature on the pad
with the mouse, it is saved with the document's exact version, and a session of that technique is then logged
without the missing-consent warning."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clinic.consent_models import SignedConsent
from clinic.roles import CLINICIAN
from clinic.vocabularies import Technique
from sessions.models import ImmediateAdverseEvent, TreatmentSession
from tests.support.browser import log_in, sign_consent_on_the_pad
from tests.support.factories import ConsentDocumentFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.browser


def test_a_treatment_consent_signed_on_the_pad_lets_the_session_be_logged_without_warning(page, page_problems):
    UserFactory(username="dr.signs", roles=[CLINICIAN])
    document = ConsentDocumentFactory(technique=Technique.MICRONEEDLING)
    patient = PatientFactory(treatment_consents=[])
    page.goto("/")
    log_in(page, "dr.signs")
    page.goto(patient.get_absolute_url())

    sign_consent_on_the_pad(page, "Treatment: Microneedling")

    consent = SignedConsent.objects.get(patient=patient)
    assert (consent.document, consent.witnessed_by.username) == (document, "dr.signs")
    expect(page.locator("#consents")).to_contain_text("Microneedling")

    page.goto(reverse("session-log", args=[patient.pk]))
    page.locator("#id_technique").select_option(label=Technique.MICRONEEDLING.label)
    page.get_by_role("group", name="Immediate adverse events").get_by_label(
        ImmediateAdverseEvent.NONE.label, exact=True
    ).check()
    page.get_by_role("button", name="Save session").click()

    expect(page.get_by_role("alert")).to_contain_text("Session logged.")
    assert TreatmentSession.objects.get().technique == Technique.MICRONEEDLING
    expect(page.get_by_text("No signed treatment consent")).to_have_count(0)
    assert page_problems == []
