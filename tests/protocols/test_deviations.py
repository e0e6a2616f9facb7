"""protocols.deviations: each departure of a session from its preset — inside, at and outside each bound."""

from decimal import Decimal as D

import pytest

from protocols.deviations import INTERVAL_TOLERANCE_DAYS, deviations, summarise
from protocols.models import PresetBlendComponent, ProtocolPreset
from sessions.models import BlendComponent, TreatmentSession

TRIAMCINOLONE = "triamcinolone acetonide"


def preset(**changes):
    values = {
        "technique": "mmp",
        "depth_min_mm": D("1.0"),
        "depth_max_mm": D("1.5"),
        "frequency_min_hz": 70,
        "frequency_max_hz": 120,
        "needle_count": 27,
        "needle_diameter_mm": D("0.30"),
        "session_count": 4,
        "interval_min_days": 30,
        "interval_max_days": 30,
    }
    return ProtocolPreset(**{**values, **changes})


def session(**changes):
    values = {"technique": "mmp", "needle_depth_mm": D("1.2"), "frequency_hz": 100}
    return TreatmentSession(**{**values, **changes})


def preset_row(concentration="10", unit="mg/mL", ingredient=TRIAMCINOLONE):
    return PresetBlendComponent(
        drug="Triamcinolone",
        active_ingredient=ingredient,
        concentration=D(concentration) if concentration else None,
        concentration_unit=unit,
    )


def used(concentration="10", unit="mg/mL", ingredient="Triamcinolone Acetonide", name="Kenalog"):
    return BlendComponent(
        product_name=name,  # as the component kept it
        active_ingredient=ingredient,
        concentration=D(concentration) if concentration else None,
        concentration_unit=unit,
    )


def found(the_session=None, the_preset=None, components=(), preset_components=(), **course):
    return [
        (d.field, d.expected, d.actual)
        for d in deviations(
            session=the_session or session(),
            components=list(components),
            preset=the_preset or preset(),
            preset_components=list(preset_components),
            **course,
        )
    ]


def test_a_session_within_every_bound_has_no_deviation():
    assert found() == []


@pytest.mark.parametrize(
    ("depth", "expected"),
    [
        ("0.99", [("needle_depth_mm", "1–1.5 mm", "0.99 mm")]),
        ("1.0", []),
        ("1.25", []),
        ("1.5", []),
        ("1.51", [("needle_depth_mm", "1–1.5 mm", "1.51 mm")]),
    ],
    ids=["below", "at-low", "inside", "at-high", "above"],
)
def test_depth_inside_at_and_outside_the_range(depth, expected):
    assert found(session(needle_depth_mm=D(depth))) == expected


@pytest.mark.parametrize(
    ("hz", "expected"),
    [
        (69, [("frequency_hz", "70–120 Hz", "69 Hz")]),
        (70, []),
        (120, []),
        (121, [("frequency_hz", "70–120 Hz", "121 Hz")]),
    ],
    ids=["below", "at-low", "at-high", "above"],
)
def test_frequency_inside_at_and_outside_the_range(hz, expected):
    assert found(session(frequency_hz=hz)) == expected


def test_a_single_value_preset_is_shown_as_that_value():
    assert found(session(frequency_hz=120), preset(frequency_min_hz=70, frequency_max_hz=70)) == [
        ("frequency_hz", "70 Hz", "120 Hz")
    ]


def test_an_open_ended_bound_checks_only_its_side():
    only_min = preset(depth_min_mm=D("1.0"), depth_max_mm=None)

    assert found(session(needle_depth_mm=D("2.5")), only_min) == []
    assert found(session(needle_depth_mm=D("0.5")), only_min) == [("needle_depth_mm", "at least 1 mm", "0.5 mm")]


def test_empty_values_are_not_departures():
    unknown_session = session(needle_depth_mm=None, frequency_hz=None)
    silent_preset = preset(
        depth_min_mm=None,
        depth_max_mm=None,
        frequency_min_hz=None,
        frequency_max_hz=None,
        session_count=None,
        interval_min_days=None,
        interval_max_days=None,
    )

    assert found(unknown_session) == []
    assert (
        found(
            session(needle_depth_mm=D("2.9"), frequency_hz=200),
            silent_preset,
            days_since_previous=400,
            session_number=30,
        )
        == []
    )


def test_another_technique_is_a_departure():
    assert found(session(technique="microneedling")) == [
        ("technique", "MMP® (microinfusion of drugs into the skin)", "Microneedling")
    ]


def cartridge_kept(count, diameter, length):
    """A session's copy of its cartridge's geometry."""
    return {
        "cartridge_needle_count": count,
        "cartridge_needle_diameter_mm": diameter,
        "cartridge_needle_length_mm": length,
    }


def test_the_cartridge_geometry_is_compared_where_both_are_known():
    assert found(session(**cartridge_kept(27, D("0.30"), D("5.5")))) == []
    assert found(session(**cartridge_kept(12, D("0.25"), None))) == [
        ("needle_count", "27", "12"),
        ("needle_diameter_mm", "0.3 mm", "0.25 mm"),
    ]


@pytest.mark.parametrize(
    ("days", "departs"),
    [
        (30 - INTERVAL_TOLERANCE_DAYS - 1, True),
        (30 - INTERVAL_TOLERANCE_DAYS, False),
        (30, False),
        (30 + INTERVAL_TOLERANCE_DAYS, False),
        (30 + INTERVAL_TOLERANCE_DAYS + 1, True),
    ],
    ids=["too-early", "early-edge", "on-time", "late-edge", "too-late"],
)
def test_the_interval_since_the_previous_session_allows_a_few_days_either_way(days, departs):
    result = found(days_since_previous=days)

    assert result == ([("interval_days", "30 days", f"{days} days")] if departs else [])


def test_the_first_session_of_a_course_has_no_interval_to_check():
    assert found(days_since_previous=None, session_number=1) == []


@pytest.mark.parametrize(("number", "departs"), [(4, False), (5, True)])
def test_a_session_beyond_the_course_length_is_a_departure(number, departs):
    assert found(session_number=number) == ([("session_number", "4 sessions", "session 5")] if departs else [])


def test_the_blend_matches_by_active_ingredient_whatever_the_product_name_or_case():
    assert found(components=[used()], preset_components=[preset_row()]) == []


def test_alternative_strengths_in_the_preset_are_each_accepted():
    both = [preset_row("2.5"), preset_row("10")]

    assert found(components=[used("2.5")], preset_components=both) == []
    assert found(components=[used("5")], preset_components=both) == [("blend", "10 mg/mL or 2.5 mg/mL", "5 mg/mL")]


def test_a_missing_and_an_added_component_are_departures():
    minoxidil = used("0.5", "%", ingredient="minoxidil", name="Minoxidil 0.5 %")

    assert found(components=[minoxidil], preset_components=[preset_row()]) == [
        ("blend", "Triamcinolone in the blend", "not used"),
        ("blend", "not in the preset", "Minoxidil 0.5 % added"),
    ]


def test_a_missing_and_an_added_component_read_as_plain_sentences_on_screen_and_in_the_export():
    minoxidil = used("0.5", "%", ingredient="minoxidil", name="Minoxidil 0.5 %")
    departures = deviations(
        session=session(), components=[minoxidil], preset=preset(), preset_components=[preset_row()]
    )

    assert [str(departure) for departure in departures] == [
        "Blend: Triamcinolone in the preset, not used",
        "Blend: Minoxidil 0.5 % added, not in the preset",
    ]
    assert summarise(departures) == (
        "blend: Triamcinolone in the preset, not used; blend: Minoxidil 0.5 % added, not in the preset"
    )


def test_a_preset_without_reported_strength_accepts_any_strength():
    assert found(components=[used("40")], preset_components=[preset_row(concentration=None, unit="")]) == []


def test_a_preset_without_a_blend_does_not_judge_the_blend():
    assert found(components=[used()], preset_components=[]) == []
