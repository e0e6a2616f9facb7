"""outcome_charts(): one server-drawn SVG per measure, scaled to round ticks around its values and spanning the
sessions too; a sentence instead of a chart for a measure with one value.

The records are unsaved model instances: drawing a chart reads no database.
"""

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from clinic import ranges
from clinic.vocabularies import Technique
from protocols.models import ProtocolPreset
from sessions.charts import BOTTOM, CHARTED, LEFT, MARKERS_WITH_TITLES, RIGHT, TOP, outcome_charts, round_ticks
from sessions.courses import session_outlines
from sessions.models import Assessment, TreatmentSession
from tests.support.factories import PatientFactory, SessionFactory

SVG = "{http://www.w3.org/2000/svg}"


def assessment(on, **values):
    return Assessment(assessed_on=on, **values)


def session(on, technique=Technique.MMP, preset=None):
    return TreatmentSession(
        performed_at=timezone.make_aware(datetime.combine(on, time(10))), technique=technique, preset=preset
    )


def parsed(chart):
    """The chart's SVG as XML: it must be well-formed."""
    return ElementTree.fromstring(str(chart.svg))  # noqa: S314 — SVG drawn by the code under test


def points(chart):
    """(cx, cy, title) of every point, in drawing order."""
    return [
        (float(c.get("cx")), float(c.get("cy")), c.find(f"{SVG}title").text) for c in parsed(chart).iter(f"{SVG}circle")
    ]


def markers(chart):
    return [(float(line.get("x1")), line.find(f"{SVG}title").text) for line in parsed(chart).iter(f"{SVG}line")]


def axis_texts(chart, kind):
    """The texts of the axis of one kind: "tick" (the values, bottom to top), "unit" or "date"."""
    return [text.text for text in parsed(chart).iter(f"{SVG}text") if kind in text.get("class").split()]


def tick_heights(chart):
    return [float(text.get("y")) for text in parsed(chart).iter(f"{SVG}text") if "tick" in text.get("class")]


def only(charts):
    (chart,) = charts
    return chart


def test_no_assessment_gives_no_chart():
    assert outcome_charts([], [session(date(2025, 1, 1))]) == []


def test_only_measures_with_a_value_are_charted_in_the_declared_order():
    charts = outcome_charts(
        [
            assessment(date(2025, 1, 1), satisfaction=3, ludwig_stage="II"),
            assessment(date(2025, 2, 1), shaft_diameter_um=Decimal("60.5"), density_site="vertex"),
            assessment(date(2025, 3, 1), global_photo_assessment=0, satisfaction=4),
        ],
        [],
    )

    assert [chart.field for chart in charts] == ["shaft_diameter_um", "global_photo_assessment", "satisfaction"]
    order = [measure.field for measure in CHARTED]
    assert [order.index(chart.field) for chart in charts] == sorted(order.index(chart.field) for chart in charts)
    assert [chart.points for chart in charts] == [
        [(date(2025, 2, 1), Decimal("60.5"))],
        [(date(2025, 3, 1), 0)],  # zero is a value, not unknown
        [(date(2025, 1, 1), 3), (date(2025, 3, 1), 4)],
    ]
    tree = parsed(charts[-1])
    assert tree.get("class") == "outcome-chart"
    assert tree.find(f"{SVG}title").text == "Patient satisfaction (1–5) over time"


def test_a_measure_with_one_value_says_so_instead_of_drawing():
    shaft, photo = outcome_charts(
        [assessment(date(2025, 5, 6), shaft_diameter_um=Decimal("62.50"), global_photo_assessment=0)], []
    )

    assert (shaft.svg, photo.svg) == ("", "")
    assert shaft.too_few_points == "One value so far (62.5 µm on 2025-05-06): a chart needs two."
    assert photo.too_few_points == "One value so far (0 on 2025-05-06): a chart needs two."


def test_the_value_axis_has_a_few_round_ticks_and_the_unit_and_the_date_axis_its_first_and_last_day():
    chart = only(
        outcome_charts(
            [
                assessment(date(2025, 1, 10), density_site="vertex", hair_density_per_cm2=Decimal("123.5")),
                assessment(date(2025, 4, 2), density_site="vertex", hair_density_per_cm2=Decimal("171")),
            ],
            [],
        )
    )

    assert axis_texts(chart, "tick") == ["120", "140", "160", "180"]
    assert axis_texts(chart, "unit") == ["hairs/cm²"]
    assert axis_texts(chart, "date") == ["2025-01-10", "2025-04-02"]
    heights = tick_heights(chart)
    assert heights[0] == BOTTOM and heights[-1] == TOP
    assert heights == sorted(heights, reverse=True)


@pytest.mark.parametrize(
    ("low", "high", "within", "expected"),
    [
        ("120", "152.5", None, ["120", "140", "160"]),
        ("0.5", "3.25", None, ["0", "1", "2", "3", "4"]),
        ("62", "62", None, ["55", "60", "65", "70"]),  # a level line sits between ticks
        ("0", "0", None, ["-1", "0", "1"]),
        ("-3", "3", ranges.GLOBAL_PHOTO_ASSESSMENT, ["-3", "-2", "0", "2", "3"]),  # never past the scale's ends
        ("1", "5", ranges.SATISFACTION, ["1", "2", "4", "5"]),
        ("40", "45", ranges.SALT_SCORE, ["40", "42", "44", "46"]),
    ],
)
def test_round_ticks_cover_the_values_with_round_steps(low, high, within, expected):
    ticks = round_ticks(Decimal(low), Decimal(high), within=within)

    assert [f"{tick.normalize():f}" for tick in ticks] == expected


def test_the_highest_value_is_drawn_at_the_top_and_the_lowest_at_the_bottom():
    chart = only(
        outcome_charts(
            [
                assessment(date(2025, 1, 1), density_site="vertex", hair_density_per_cm2=Decimal("150")),
                assessment(date(2025, 2, 1), density_site="vertex", hair_density_per_cm2=Decimal("100")),
                assessment(date(2025, 3, 1), density_site="vertex", hair_density_per_cm2=Decimal("200")),
            ],
            [],
        )
    )

    (_, middle, _), (_, lowest, _), (_, highest, _) = points(chart)
    assert highest == TOP
    assert lowest == BOTTOM
    assert highest < middle < lowest
    assert middle == pytest.approx((TOP + BOTTOM) / 2, abs=0.1)
    assert axis_texts(chart, "tick") == ["100", "150", "200"]


def test_negative_scores_scale_the_same_way():
    chart = only(
        outcome_charts(
            [
                assessment(date(2025, 1, 1), global_photo_assessment=-3),
                assessment(date(2025, 6, 1), global_photo_assessment=3),
            ],
            [],
        )
    )

    (_, worst, worst_title), (_, best, best_title) = points(chart)
    assert (best, worst) == (TOP, BOTTOM)
    assert (worst_title, best_title) == ("2025-01-01: -3", "2025-06-01: 3")


def test_equal_values_do_not_divide_by_zero_and_are_a_level_line_between_ticks():
    chart = only(
        outcome_charts(
            [assessment(date(2025, 1, 1 + day), shaft_diameter_um=Decimal("62.0")) for day in range(3)],
            [],
        )
    )

    drawn = points(chart)
    assert len(drawn) == 3
    assert len({cy for _, cy, _ in drawn}) == 1 and TOP < drawn[0][1] < BOTTOM
    assert all(LEFT <= cx <= RIGHT for cx, _, _ in drawn)
    assert axis_texts(chart, "tick") == ["55", "60", "65", "70"]


def test_one_day_only_does_not_divide_by_zero():
    chart = only(
        outcome_charts(
            [assessment(date(2025, 1, 1), satisfaction=2), assessment(date(2025, 1, 1), satisfaction=4)],
            [session(date(2025, 1, 1))],
        )
    )

    assert [(cx, cy) for cx, cy, _ in points(chart)] == [(LEFT, BOTTOM), (LEFT, TOP)]
    assert [x for x, _ in markers(chart)] == [LEFT]


def test_dates_run_left_to_right_in_proportion():
    chart = only(
        outcome_charts(
            [
                assessment(date(2025, 1, 1), satisfaction=3),
                assessment(date(2025, 1, 11), satisfaction=3),
                assessment(date(2025, 2, 10), satisfaction=3),  # 40 days after the first
            ],
            [],
        )
    )

    xs = [cx for cx, _, _ in points(chart)]
    assert xs[0] == LEFT and xs[2] == RIGHT
    assert xs[1] == pytest.approx(LEFT + (RIGHT - LEFT) * 10 / 40, abs=0.1)


def test_the_date_span_includes_the_session_markers():
    chart = only(
        outcome_charts(
            [assessment(date(2025, 2, 1), satisfaction=3), assessment(date(2025, 3, 3), satisfaction=5)],
            [session(date(2025, 1, 2)), session(date(2025, 4, 2), technique=Technique.MICRONEEDLING)],
        )
    )

    drawn = markers(chart)
    assert [x for x, _ in drawn] == [LEFT, RIGHT]
    assert [title for _, title in drawn] == [
        "2025-01-02: MMP® (microinfusion of drugs into the skin)",
        "2025-04-02: Microneedling",
    ]
    span = (date(2025, 4, 2) - date(2025, 1, 2)).days
    expected = [
        LEFT + (RIGHT - LEFT) * (day - date(2025, 1, 2)).days / span for day in (date(2025, 2, 1), date(2025, 3, 3))
    ]
    assert [cx for cx, _, _ in points(chart)] == pytest.approx(expected, abs=0.1)
    assert axis_texts(chart, "date") == ["2025-01-02", "2025-04-02"]
    for line in parsed(chart).iter(f"{SVG}line"):
        assert line.get("class") == "session-marker"
        assert line.get("x1") == line.get("x2")
        assert float(line.get("y1")) < float(line.get("y2"))


def test_every_chart_carries_every_session_marker():
    sessions = [session(date(2025, 1, 2)), session(date(2025, 2, 2)), session(date(2025, 3, 2))]

    charts = outcome_charts(
        [
            assessment(on, satisfaction=4, global_photo_assessment=1, terminal_vellus_ratio=Decimal("2.5"))
            for on in (date(2025, 2, 10), date(2025, 3, 10))
        ],
        sessions,
    )

    assert len(charts) == 3
    for chart in charts:
        assert len(markers(chart)) == 3
        assert len(points(chart)) == 2


def test_point_titles_carry_the_date_the_value_as_written_and_the_unit():
    charts = outcome_charts(
        [
            assessment(
                on,
                density_site="vertex",
                hair_density_per_cm2=Decimal("152.50"),
                terminal_vellus_ratio=Decimal("3.20"),
                salt_score=Decimal("40.0"),
            )
            for on in (date(2025, 5, 6), date(2025, 6, 6))
        ],
        [],
    )

    assert [points(chart)[0][2] for chart in charts] == [
        "2025-05-06: 152.5 hairs/cm²",
        "2025-05-06: 3.2",
        "2025-05-06: 40 %",
    ]


TWO_VALUES = [assessment(date(2025, 2, 1), satisfaction=4), assessment(date(2025, 2, 8), satisfaction=5)]
HOSTILE = '<script>alert("x")</script></title></line><svg onload="alert(1)">'


def test_a_preset_name_in_a_marker_title_is_escaped():
    preset = ProtocolPreset(pk=7, name=HOSTILE, version=2)

    chart = only(outcome_charts(TWO_VALUES, [session(date(2025, 1, 1), preset=preset)]))

    assert "<script" not in chart.svg and "<svg onload" not in chart.svg
    assert "&lt;script&gt;" in chart.svg
    tree = parsed(chart)  # well-formed: the name stayed inside its title
    assert len(list(tree.iter(f"{SVG}svg"))) == 1
    assert [title for _, title in markers(chart)] == [
        f"2025-01-01: MMP® (microinfusion of drugs into the skin) — {HOSTILE} (v2)"
    ]


def test_a_long_history_is_marked_by_one_path_with_a_line_per_pixel_column_at_most():
    """Beyond MARKERS_WITH_TITLES sessions, a chart's size no longer grows with them: sessions days apart
    share a pixel column."""
    days = [date(2020, 1, 1) + timedelta(days=day) for day in range(0, 3000, 3)]
    chart = only(outcome_charts(TWO_VALUES, [session(day) for day in days]))

    tree = parsed(chart)
    assert list(tree.iter(f"{SVG}line")) == []
    (path,) = [p for p in tree.iter(f"{SVG}path") if p.get("class") == "session-marker"]
    assert path.find(f"{SVG}title").text == f"{len(days)} sessions, 2020-01-01 to {days[-1]:%Y-%m-%d}"
    columns = [float(x) for x in re.findall(r"M(\d+) ", path.get("d"))]
    assert columns[0] == LEFT and columns[-1] == RIGHT
    assert len(columns) == len(set(columns)) <= RIGHT - LEFT + 1 < len(days)


def test_up_to_the_limit_each_session_keeps_its_own_titled_marker():
    days = [date(2025, 1, 1) + timedelta(days=7 * week) for week in range(MARKERS_WITH_TITLES)]

    chart = only(outcome_charts(TWO_VALUES, [session(day) for day in days]))

    assert [title.split(":")[0] for _, title in markers(chart)] == [f"{day:%Y-%m-%d}" for day in days]


@pytest.mark.django_db
def test_markers_read_as_values_match_those_of_the_sessions_themselves(barletta):
    patient = PatientFactory()
    saved = [
        SessionFactory(patient=patient, performed_at=timezone.make_aware(datetime(2025, 1, 2, 23, 30))),
        SessionFactory(patient=patient, preset=barletta, technique=Technique.MICRONEEDLING),
    ]
    measured = [assessment(date(2025, 2, 1), satisfaction=4)]

    assert outcome_charts(measured, session_outlines(patient)) == outcome_charts(measured, saved)
