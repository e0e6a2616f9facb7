"""Starting a session from a published preset: the form is pre-filled, the version is recorded, and
departures are warned about (the clinician confirms; nothing is blocked)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from protocols import services
from protocols.models import PresetStatus, ProtocolPreset
from sessions.models import TreatmentSession
from tests.support.factories import CartridgeFactory, LotFactory, ProductFactory
from tests.support.posts import session_data, with_blend

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock():
    triamcinolone = ProductFactory(
        name="Kenalog 10",
        active_ingredient="Triamcinolone acetonide",
        default_concentration=Decimal("10"),
        default_concentration_unit="mg/mL",
    )
    return {
        "triamcinolone": triamcinolone,
        "lot": LotFactory(product=triamcinolone),
        "cartridge": CartridgeFactory(needle_count=27, needle_diameter_mm=None, needle_length_mm=None),
    }


def log_page(client, patient, **query):
    return client.get(reverse("session-log", args=[patient.pk]), query)


def test_the_log_page_offers_the_published_presets(clinician_client, patient, barletta):
    body = log_page(clinician_client, patient).content.decode()

    assert f'<option value="{barletta.pk}">{barletta}</option>' in body
    choice = body[body.index('id="preset-choice"') :].split("</select>")[0]
    published = ProtocolPreset.objects.filter(status=PresetStatus.PUBLISHED).count()
    assert choice.count('<option value="') - choice.count('<option value="">') == published == 23


def test_a_preset_giving_one_end_of_a_range_only_starts_a_session_too(clinician_client, patient):
    preset = ProtocolPreset.objects.create(
        name="Only a floor",
        slug="only-a-floor",
        status=PresetStatus.PUBLISHED,
        technique="microneedling",
        evidence_type="case_report",
        authors="Test A.",
        depth_min_mm=Decimal("0.5"),
        frequency_max_hz=100,
        interval_min_days=14,
        needle_count=3,
        needle_length_mm=Decimal("1.5"),
    )

    response = log_page(clinician_client, patient, preset=preset.pk)

    assert response.status_code == 200
    assert response.context["form"]["needle_depth_mm"].value() == Decimal("0.5")
    assert response.context["form"]["frequency_hz"].value() == 100
    hints = response.content.decode().split('id="preset-hints"')[1].split("</div>")[0]
    for phrase in ("depth at least 0.5 mm", "at most 100 Hz", "3 needles, 1.5 mm long", "interval at least 14 days"):
        assert phrase in hints
    assert "None" not in hints


def test_choosing_a_preset_fills_in_technique_depth_frequency_cartridge_and_blend(
    clinician_client, patient, barletta, stock
):
    response = log_page(clinician_client, patient, preset=barletta.pk)

    form = response.context["form"]
    assert form["technique"].value() == "mmp"
    assert form["needle_depth_mm"].value() == Decimal("1.00")
    assert form["frequency_hz"].value() == 70
    assert form["cartridge"].value() == stock["cartridge"].pk
    assert form["preset"].value() == barletta.pk
    rows = [f.initial for f in response.context["blend"].forms]
    # 2.5 and 10 mg/mL are the preset's alternatives, not a mixture: one row, at the stocked strength.
    assert rows == [
        {"concentration": Decimal("10.0000"), "concentration_unit": "mg/mL", "product": stock["triamcinolone"].pk}
    ]
    hints = response.content.decode().split('id="preset-hints"')[1].split("</div>")[0]
    assert "depth 1 mm" in hints and "70 Hz" in hints and "4 sessions" in hints and "every 30 days" in hints


def test_a_range_is_filled_with_its_lower_end(clinician_client, patient):
    review = ProtocolPreset.objects.get(slug="cortez-de-almeida-2023-mmp-review")

    form = log_page(clinician_client, patient, preset=review.pk).context["form"]

    assert form["needle_depth_mm"].value() == Decimal("1.00")


@pytest.mark.parametrize("chosen", ["abc", "999999", "-1", ""])
def test_an_unknown_preset_is_ignored(clinician_client, patient, chosen):
    response = log_page(clinician_client, patient, preset=chosen)

    assert response.status_code == 200
    assert response.context["start_from"] is None


def test_a_draft_or_retired_preset_cannot_be_started_from(clinician_client, patient, barletta):
    draft = services.new_version(barletta)

    assert log_page(clinician_client, patient, preset=draft.pk).context["start_from"] is None
    services.publish(draft)
    assert log_page(clinician_client, patient, preset=barletta.pk).context["start_from"] is None  # now retired

    posted = clinician_client.post(
        reverse("session-log", args=[patient.pk]),
        session_data(preset=str(barletta.pk), needle_depth_mm="1.0", frequency_hz="70"),
    )
    assert "That preset is not published (any more)" in posted.content.decode()
    assert not TreatmentSession.objects.exists()


def test_the_session_records_the_exact_preset_version(clinician_client, patient, barletta, stock):
    within = session_data(
        preset=str(barletta.pk), needle_depth_mm="1.0", frequency_hz="70", cartridge=stock["cartridge"].pk
    )
    data = with_blend(within, stock["lot"], concentration="10", concentration_unit="mg/mL")

    response = clinician_client.post(reverse("session-log", args=[patient.pk]), data)

    assert response.status_code == 302
    session = TreatmentSession.objects.get()
    assert (session.preset, session.preset.version) == (barletta, 1)


def test_departures_are_warned_about_and_saved_only_once_confirmed(clinician_client, patient, barletta, stock):
    data = session_data(
        preset=str(barletta.pk), needle_depth_mm="1.5", frequency_hz="120", cartridge=stock["cartridge"].pk
    )

    warned = clinician_client.post(reverse("session-log", args=[patient.pk]), data)

    body = warned.content.decode()
    assert "Departs from the preset — Needle depth: 1.5 mm, preset 1 mm." in body
    assert "Departs from the preset — Frequency: 120 Hz, preset 70 Hz." in body
    assert not TreatmentSession.objects.exists()

    saved = clinician_client.post(reverse("session-log", args=[patient.pk]), {**data, "confirm_warnings": "on"})
    assert saved.status_code == 302
    page = clinician_client.get(saved["Location"]).content.decode()
    departures = page.split('id="deviations"')[1].split("</div>")[0]
    assert "Needle depth: 1.5 mm, preset 1 mm" in departures
    assert "Frequency: 120 Hz, preset 70 Hz" in departures
    assert "Blend: Triamcinolone acetonide in the preset, not used" in departures
    assert "session 1 of 4" in page


def test_a_session_without_a_preset_has_no_departures(clinician_client, patient):
    response = clinician_client.post(reverse("session-log", args=[patient.pk]), session_data(needle_depth_mm="2.9"))

    assert response.status_code == 302
    assert 'id="deviations"' not in clinician_client.get(response["Location"]).content.decode()


def test_the_preset_stays_chosen_in_the_selector_when_the_form_comes_back(clinician_client, patient, barletta):
    data = session_data(preset=barletta.pk, needle_depth_mm="4.2")

    body = clinician_client.post(reverse("session-log", args=[patient.pk]), data).content.decode()

    choice = body[body.index('id="preset-choice"') :].split("</select>")[0]
    assert f'<option value="{barletta.pk}" selected>{barletta}</option>' in choice
    assert 'id="preset-hints"' in body
