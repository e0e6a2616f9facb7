"""How a session departs from the preset it started from. Pure: no database access of its own.

A bound the preset leaves empty is not checked, and neither is a value the session left empty:
an unknown is a gap in the record, not a departure from the protocol.

A departure's texts are written when shown, in the language active then (lazily); summarise() writes them in
English, as sessions store them and the research export reads them, whoever saved the session.
"""

from dataclasses import dataclass

from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from clinic.formatting import value_range, with_unit
from clinic.languages import in_stored_language

# Courses are booked by the week or the month: a session a few days early or late is on schedule.
INTERVAL_TOLERANCE_DAYS = 3


def _later(make, *args):
    """make(*args), called when the text is shown: in the language active then."""
    return lazy(make, str)(*args)


@dataclass(frozen=True)
class Deviation:
    field: str
    label: str
    expected: str
    actual: str
    said: str = ""  # a departure that is not a value beside the preset's says itself in a sentence

    @property
    def phrase(self):
        return self.said or gettext("%(actual)s, preset %(expected)s") % {
            "actual": self.actual,
            "expected": self.expected,
        }

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
            Deviation(
                "technique",
                _("Technique"),
                _later(preset.get_technique_display),
                _later(session.get_technique_display),
            )
        )
    found += _outside(
        "needle_depth_mm", _("Needle depth"), session.needle_depth_mm, preset.depth_min_mm, preset.depth_max_mm, "mm"
    )
    found += _outside(
        "frequency_hz", _("Frequency"), session.frequency_hz, preset.frequency_min_hz, preset.frequency_max_hz, "Hz"
    )
    for field, label, unit in (  # the cartridge's geometry as the session kept it
        ("needle_count", _("Needle count"), ""),
        ("needle_diameter_mm", _("Needle diameter"), "mm"),
        ("needle_length_mm", _("Needle length"), "mm"),
    ):
        expected, actual = getattr(preset, field), getattr(session, f"cartridge_{field}")
        if expected is not None and actual is not None and expected != actual:
            found.append(Deviation(field, label, _later(with_unit, expected, unit), _later(with_unit, actual, unit)))
    if days_since_previous is not None and (preset.interval_min_days or preset.interval_max_days):
        low = (preset.interval_min_days or 0) - INTERVAL_TOLERANCE_DAYS
        high = preset.interval_max_days + INTERVAL_TOLERANCE_DAYS if preset.interval_max_days else None
        if days_since_previous < low or (high is not None and days_since_previous > high):
            found.append(
                Deviation(
                    "interval_days",
                    _("Interval since the previous session"),
                    _later(value_range, preset.interval_min_days, preset.interval_max_days, _("days")),
                    _later(_days, days_since_previous),
                )
            )
    if session_number is not None and preset.session_count and session_number > preset.session_count:
        found.append(
            Deviation(
                "session_number",
                _("Session in the course"),
                _later(_sessions, preset.session_count),
                _later(_session, session_number),
            )
        )
    found += _blend_deviations(components, preset_components)
    return found


def summarise(found):
    """The departures as one line, in English whatever the interface's language: as the session stores it and the
    research export writes it."""
    with in_stored_language():
        return "; ".join(f"{d.field}: {d.said or f'{d.actual} (preset {d.expected})'}" for d in found)


def _days(days):
    return ngettext("%(count)s day", "%(count)s days", days) % {"count": days}


def _sessions(count):
    return ngettext("%(count)s session", "%(count)s sessions", count) % {"count": count}


def _session(number):
    return gettext("session %(number)s") % {"number": number}


def _either(phrases):
    """ "0.5 % or 1 %": alternative strengths of one ingredient."""
    either = pgettext("between alternatives", "or")
    return f" {either} ".join(phrases)


def _in_the_blend(drug):
    return gettext("%(drug)s in the blend") % {"drug": drug}


def _in_preset_not_used(drug):
    return gettext("%(drug)s in the preset, not used") % {"drug": drug}


def _added(product):
    return gettext("%(product)s added") % {"product": product}


def _added_not_in_preset(product):
    return gettext("%(product)s added, not in the preset") % {"product": product}


def _concentration_of(drug):
    return gettext("%(drug)s concentration") % {"drug": drug}


def _outside(field, label, actual, low, high, unit):
    if actual is None or (low is None and high is None):
        return []
    if (low is not None and actual < low) or (high is not None and actual > high):
        return [Deviation(field, label, _later(value_range, low, high, unit), _later(with_unit, actual, unit))]
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
                Deviation(
                    "blend",
                    _("Blend"),
                    _later(_in_the_blend, drug),
                    _("not used"),
                    _later(_in_preset_not_used, drug),
                )
            )
            continue
        strengths = {(row.concentration, row.concentration_unit) for row in rows if row.concentration is not None}
        for component in used[ingredient]:
            given = (component.concentration, component.concentration_unit)
            if strengths and component.concentration is not None and given not in strengths:
                expected = _later(lambda strengths=strengths: _either(sorted(with_unit(c, u) for c, u in strengths)))
                found.append(
                    Deviation("blend", _later(_concentration_of, rows[0].drug), expected, _later(with_unit, *given))
                )
    for ingredient, extra in used.items():
        if expected_by_ingredient and ingredient not in expected_by_ingredient:
            added = extra[0].product_name
            found.append(
                Deviation(
                    "blend",
                    _("Blend"),
                    _("not in the preset"),
                    _later(_added, added),
                    _later(_added_not_in_preset, added),
                )
            )
    return found


def ingredient_key(name):
    """Active ingredients compared as words, whatever their case and spacing."""
    return " ".join((name or "").lower().split())
