"""The scalp map's regions, declared once for the session form and the session page."""

from clinic.vocabularies import ScalpZone
from sessions.scalp_map import scalp_regions


def test_every_zone_but_a_scar_has_one_region_in_the_vocabulary_order():
    """A scar is not a fixed place on the scalp: it stays a checkbox only."""
    assert [region.zone for region in scalp_regions()] == [zone for zone in ScalpZone if zone != ScalpZone.SCAR]


def test_only_the_treated_zones_are_marked():
    regions = scalp_regions(["vertex", "occipital", "scar"])

    assert [region.zone for region in regions if region.treated] == [ScalpZone.VERTEX, ScalpZone.OCCIPITAL]


def test_each_region_is_named_by_its_zone():
    assert {region.zone.label for region in scalp_regions()} >= {"Vertex / crown", "Left temporal", "Parietal"}
    assert all(region.path.startswith("M") for region in scalp_regions())
