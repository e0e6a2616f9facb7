from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from clinic.vocabularies import ScalpZone
from tests.support.factories import BlendComponentFactory, LotFactory, ProductFactory, SessionFactory
from tests.support.pages import scalp_map, text, text_of

pytestmark = pytest.mark.django_db


def test_it_shows_every_parameter_with_its_unit(clinician_client):
    session = SessionFactory(
        needle_depth_mm=Decimal("1.50"),
        frequency_hz=70,
        passes=3,
        pain_score=6,
        treated_zones=["frontal", "vertex"],
        treated_area_cm2=Decimal("45.0"),
        endpoint="bloody_dew",
        adverse_events=["haematoma"],
    )

    body = clinician_client.get(session.get_absolute_url()).content.decode()

    for shown in ("1.5 mm", "70 Hz", "6 / 10", "Frontal, Vertex / crown", "45 cm²", "“Bloody dew”", "Haematoma"):
        assert shown in body


def test_it_lists_the_blend_with_lots_and_strengths(clinician_client):
    lot = LotFactory(
        product=ProductFactory(name="Triamcinolone", active_ingredient="triamcinolone acetonide"), number="TA-9"
    )
    component = BlendComponentFactory(
        lot=lot, concentration=Decimal("2.5"), concentration_unit="mg/mL", volume_ml=Decimal("1.5")
    )

    body = clinician_client.get(component.session.get_absolute_url()).content.decode()

    blend = body[body.index('id="blend"') :]
    assert "Triamcinolone" in blend and "TA-9" in blend and "2.5 mg/mL" in blend and "1.5 mL" in blend


def test_unknown_values_are_shown_as_unknown_not_zero(clinician_client):
    session = SessionFactory(needle_depth_mm=None, frequency_hz=None, pain_score=None, passes=None, adverse_events=[])

    body = clinician_client.get(session.get_absolute_url()).content.decode()

    assert "0 mm" not in body and "0 Hz" not in body
    assert "not recorded" in body


def test_it_reminds_of_an_expired_lot_used(clinician_client):
    component = BlendComponentFactory(lot__expiry_date=timezone.localdate() - timedelta(days=400))

    body = clinician_client.get(component.session.get_absolute_url()).content.decode()

    assert "expired on" in body


def test_free_text_is_escaped(clinician_client):
    session = SessionFactory(notes="<img src=x onerror=alert(1)>", adverse_event_notes="<b>bold</b>")

    body = clinician_client.get(session.get_absolute_url()).content.decode()

    assert "<img src=x" not in body and "<b>bold</b>" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_the_scalp_map_fills_the_treated_zones_and_no_others(clinician_client):
    session = SessionFactory(treated_zones=["frontal", "vertex"])

    response = clinician_client.get(session.get_absolute_url())

    box, regions = scalp_map(text(response))
    filled = {zone for zone, region in regions.items() if "is-treated" in region["class"].split()}
    assert filled == {ScalpZone.FRONTAL, ScalpZone.VERTEX}
    assert set(regions) == {zone for zone in ScalpZone if zone != ScalpZone.SCAR}
    # A picture of the text beside it: screen readers read the list, not the map.
    assert box["aria-hidden"] == "true" and "hidden" not in box
    assert not any("role" in region or "tabindex" in region for region in regions.values())
    assert text_of(response, "treated-zones") == "Frontal, Vertex / crown"


def test_a_session_without_zones_shows_no_map(clinician_client):
    session = SessionFactory(treated_zones=[])

    response = clinician_client.get(session.get_absolute_url())

    assert scalp_map(text(response)) == (None, {})
    assert text_of(response, "treated-zones") == "—"
