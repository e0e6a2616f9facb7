"""The scalp seen from above, front at the top, one region per zone that is a fixed place.

The session form draws it as the clickable twin of the treated-zone checkboxes, the session page as a
picture of the treated zones (templates/sessions/scalp_map.html). Drawn in a 200 x 235 box: the head is the
ellipse centred at (100, 125), 80 wide and 100 deep each way; the patient's left is on the left.
"""

from dataclasses import dataclass

from clinic.vocabularies import ScalpZone

# SVG path of each zone, in the vocabulary's order. A scar is not a fixed place: it stays a checkbox only.
_REGION_PATHS = {
    ScalpZone.FRONTAL_HAIRLINE: "M49 48A80 100 0 0 1 151 48Z",
    ScalpZone.FRONTAL: "M70 52H130V92H70Z",
    ScalpZone.MID_SCALP: "M70 96H130V132H70Z",
    ScalpZone.VERTEX: "M72 158A28 22 0 1 1 128 158A28 22 0 1 1 72 158Z",
    ScalpZone.LEFT_TEMPORAL: "M66 52H45.3A80 100 0 0 0 20.3 116H66Z",
    ScalpZone.RIGHT_TEMPORAL: "M134 52H154.7A80 100 0 0 1 179.7 116H134Z",
    ScalpZone.PARIETAL: "M66 120H20.1A80 100 0 0 0 33.2 180H66Z M134 120H179.9A80 100 0 0 1 166.8 180H134Z",
    ScalpZone.OCCIPITAL: "M35.4 184H164.6A80 100 0 0 1 35.4 184Z",
}


@dataclass(frozen=True)
class Region:
    zone: ScalpZone
    path: str
    treated: bool


def scalp_regions(treated_zones=()):
    """The map's regions, each marked treated when its zone's code is among `treated_zones`."""
    treated = set(treated_zones)
    return [Region(zone, path, zone in treated) for zone, path in _REGION_PATHS.items()]
