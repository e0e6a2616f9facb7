"""How a session departs from the preset it started from. Pure: no database access of its own.

A bound the preset leaves empty is not checked, and neither is a value the session left empty:
an unknown is a gap in the record, not a departure from the protocol.
"""

from dataclasses import dataclass

from clinic.formatting import value_range, with_unit

# Courses are booked by the week or the month: a session a few days early or late is on schedule.
INTERVAL_TOLERANCE_DAYS = 3


@dataclass(frozen=True)
class Deviation:
    field: str
    label: str
    expected: str
    actual: str
    said: str = ""  # a departure that is not a value beside the preset's says itself in a sentence

    @property
    def phrase(self):
        return self.said or f"{self.actual}, preset {self.expected}"

    def __str__(self):
        return f"{self.label}: {self.phrase}"


def deviations(*, session, components, preset, preset_components, days_since_previous=None, session_number=None):
    """Each departure of `session` (with its blend `components`) from `preset` (with its blend
    `preset_components`).

    `days_since_previous` is the gap to the patient's previous session of the same course and
    `session_number` its place in that course; either may be None when unknown.
    """
    found = []
    if session.technique != preset.technique:
        found.append(
            Deviation("technique", "Technique", preset.get_technique_display(), session.get_technique_display())
        )
    found += _outside(
        "needle_depth_mm", "Needle depth", session.needle_depth_mm, preset.depth_min_mm, preset.depth_max_mm, "mm"
    )
    found += _outside(
        "frequency_hz", "Frequency", session.frequency_hz, preset.frequency_min_hz, preset.frequency_max_hz, "Hz"
    )
    for field, label, unit in (  # the cartridge's geometry as the session kept it
        ("needle_count", "Needle count", ""),
        ("needle_diameter_mm", "Needle diameter", "mm"),
        ("needle_length_mm", "Needle length", "mm"),
    ):
        expected, actual = getattr(preset, field), getattr(session, f"cartridge_{field}")
        if expected is not None and actual is not None and expected != actual:
            found.append(Deviation(field, label, with_unit(expected, unit), with_unit(actual, unit)))
    if days_since_previous is not None and (preset.interval_min_days or preset.interval_max_days):
        low = (preset.interval_min_days or 0) - INTERVAL_TOLERANCE_DAYS
        high = preset.interval_max_days + INTERVAL_TOLERANCE_DAYS if preset.interval_max_days else None
        if days_since_previous < low or (high is not None and days_since_previous > high):
            found.append(
                Deviation(
                    "interval_days",
                    "Interval since the previous session",
                    value_range(preset.interval_min_days, preset.interval_max_days, "days"),
                    f"{days_since_previous} days",
                )
            )
    if session_number is not None and preset.session_count and session_number > preset.session_count:
        found.append(
            Deviation(
                "session_number",
                "Session in the course",
                f"{preset.session_count} sessions",
                f"session {session_number}",
            )
        )
    found += _blend_deviations(components, preset_components)
    return found


def summarise(found):
    """The departures as one line, as the research export writes them."""
    return "; ".join(f"{d.field}: {d.said or f'{d.actual} (preset {d.expected})'}" for d in found)


def _outside(field, label, actual, low, high, unit):
    if actual is None or (low is None and high is None):
        return []
    if (low is not None and actual < low) or (high is not None and actual > high):
        return [Deviation(field, label, value_range(low, high, unit), with_unit(actual, unit))]
    return []


def _blend_deviations(components, preset_components):
    found = []
    expected_by_ingredient = {}
    for row in preset_components:
        expected_by_ingredient.setdefault(ingredient_key(row.active_ingredient or row.drug), []).append(row)
    used = {}
    for component in components:
        used.setdefault(ingredient_key(component.active_ingredient or component.product_name), []).append(component)
    for ingredient, rows in expected_by_ingredient.items():
        if ingredient not in used:
            drug = rows[0].drug
            found.append(
                Deviation("blend", "Blend", f"{drug} in the blend", "not used", f"{drug} in the preset, not used")
            )
            continue
        strengths = {(row.concentration, row.concentration_unit) for row in rows if row.concentration is not None}
        for component in used[ingredient]:
            given = (component.concentration, component.concentration_unit)
            if strengths and component.concentration is not None and given not in strengths:
                expected = " or ".join(sorted(with_unit(c, u) for c, u in strengths))
                found.append(Deviation("blend", f"{rows[0].drug} concentration", expected, with_unit(*given)))
    for ingredient, extra in used.items():
        if expected_by_ingredient and ingredient not in expected_by_ingredient:
            added = extra[0].product_name
            found.append(
                Deviation("blend", "Blend", "not in the preset", f"{added} added", f"{added} added, not in the preset")
            )
    return found


def ingredient_key(name):
    """Active ingredients compared as words, whatever their case and spacing."""
    return " ".join((name or "").lower().split())
