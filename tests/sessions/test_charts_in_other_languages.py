"""The outcome charts of the patient page in Brazilian Portuguese: the values and dates people read follow the
language (a decimal comma, day first), while the SVG's coordinates keep the dot a browser needs.

Numbers only are asserted: the words come from the catalogue, compiled or not."""

import re
from datetime import date, datetime, time
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from sessions.models import Assessment
from tests.support.factories import AssessmentFactory, SessionFactory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = r"-?\d+(?:\.\d+)?"
KINDS = ("tick", "date")  # of the axis texts
COORDINATES = {"x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r"}


@pytest.fixture
def charted_page(clinician_client, patient):
    """The patient page in pt-BR, with a chart of values that are not whole numbers and sessions as markers."""
    for day in (date(2025, 1, 3), date(2025, 2, 14)):
        SessionFactory(patient=patient, performed_at=timezone.make_aware(datetime.combine(day, time(10))))
    for day, diameter in ((date(2025, 1, 10), "61.5"), (date(2025, 2, 20), "61.65"), (date(2025, 3, 30), "61.8")):
        AssessmentFactory(patient=patient, assessed_on=day, shaft_diameter_um=Decimal(diameter))
    response = clinician_client.get(patient.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert response["Content-Language"] == "pt-br"
    return response.content.decode()


def charts(body):
    svgs = re.findall(r'<svg [^>]*class="outcome-chart".*?</svg>', body, re.S)
    return [ElementTree.fromstring(svg) for svg in svgs]  # noqa: S314 — the page this test just rendered


def test_the_svg_coordinates_stay_numbers_with_a_decimal_point(charted_page):
    (chart,) = charts(charted_page)

    assert re.fullmatch(r"0 0 \d+ \d+", chart.get("viewBox"))
    for element in chart.iter():
        for name in COORDINATES & set(element.attrib):
            assert re.fullmatch(NUMBER, element.get(name)), (element.tag, name, element.get(name))
    (line,) = chart.iter(f"{SVG}polyline")
    pairs = line.get("points").split(" ")
    assert len(pairs) == Assessment.objects.count()
    assert all(re.fullmatch(f"{NUMBER},{NUMBER}", pair) for pair in pairs), pairs
    for path in chart.iter(f"{SVG}path"):
        assert re.fullmatch(rf"(?:[MHV]{NUMBER}(?: {NUMBER})?)+", path.get("d")), path.get("d")


def test_the_values_and_dates_people_read_follow_the_language(charted_page):
    (chart,) = charts(charted_page)
    ticks, dates = ([text.text for text in chart.iter(f"{SVG}text") if kind in text.get("class")] for kind in KINDS)

    assert ticks == ["61,5", "61,6", "61,7", "61,8"]
    assert dates == ["03/01/2025", "30/03/2025"]  # from the first session to the last assessment
    point_titles = [circle.find(f"{SVG}title").text for circle in chart.iter(f"{SVG}circle")]
    assert point_titles[0].startswith("10/01/2025: 61,5")
