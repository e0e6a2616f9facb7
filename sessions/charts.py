"""Outcome charts as plain SVG, drawn on the server: readable without JavaScript, and on a phone.

Each chart is small (a phone's width at its natural size), with a value axis of a few round ticks and the
measure's unit, and the first and last dates under it. A measure with one value so far gets a sentence instead.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clinic.formatting import local_date, plain, with_unit
from sessions.measures import ASSESSMENT_MEASURES

WIDTH, HEIGHT = 360, 200
# The plot area: room on the left for the tick values, above for the unit, below for the dates.
LEFT, RIGHT, TOP, BOTTOM = 44, WIDTH - 14, 22, HEIGHT - 26
TICKS = 4  # about how many values the axis shows
ROUND_STEPS = (Decimal(1), Decimal(2), Decimal(5), Decimal(10))  # times a power of ten
# Up to this many sessions each marker is a line with its own title; beyond, one path with at most a line per
# pixel column, so a long history costs the page a bounded number of bytes per chart.
MARKERS_WITH_TITLES = 30

CHARTED = [measure for measure in ASSESSMENT_MEASURES if measure.charted]  # in the order shown


@dataclass(frozen=True)
class Chart:
    field: str
    label: str
    unit: str
    points: list  # [(date, value)]
    svg: str  # empty with fewer than two points

    @property
    def too_few_points(self):
        """What is said instead of a chart of fewer than two points."""
        day, value = self.points[0]
        return _("One value so far (%(value)s on %(day)s): a chart needs two.") % {
            "value": with_unit(value, self.unit),
            "day": local_date(day),
        }


def outcome_charts(assessments, sessions):
    """One chart per measure that has at least one value; `sessions` (sessions or the course module's
    light outlines of them) are drawn as markers."""
    # Beyond MARKERS_WITH_TITLES the markers are one path, titled by their count: no text for each.
    titled = len(sessions) <= MARKERS_WITH_TITLES
    markers = [(s.performed_on, _marker_text(s) if titled else "") for s in sessions]
    charts = []
    for measure in CHARTED:
        points = [(a.assessed_on, value) for a in assessments if (value := measure.value_of(a)) is not None]
        if points:
            svg = _svg(measure, points, markers) if len(points) >= 2 else ""
            charts.append(Chart(measure.field, measure.label, measure.unit, points, svg))
    return charts


def round_ticks(low, high, count=TICKS, within=None):
    """About `count` round values (1, 2 or 5 times a power of ten apart), from at or below `low` to at or above
    `high`. Equal ends are widened by a tenth (or by 1 at zero): a level line sits between two ticks. Past the
    ends of `within` (a PhysicalRange), the end of the range takes the place of the ticks beyond it."""
    ticks = _round_ticks(Decimal(low), Decimal(high), count)
    if within is not None and ticks[0] < within.low:
        ticks = [Decimal(within.low), *(tick for tick in ticks if tick > within.low)]
    if within is not None and within.high is not None and ticks[-1] > within.high:
        ticks = [*(tick for tick in ticks if tick < within.high), Decimal(within.high)]
    return ticks


def _round_ticks(low, high, count):
    if low == high:
        pad = abs(low) / 10 or Decimal(1)
        low, high = low - pad, high + pad
    rough = (high - low) / (count - 1)
    power = Decimal(1).scaleb(rough.adjusted())
    step = next(power * multiple for multiple in ROUND_STEPS if power * multiple >= rough)
    first = (low / step).to_integral_value(ROUND_FLOOR) * step
    last = (high / step).to_integral_value(ROUND_CEILING) * step
    return [first + step * n for n in range(int((last - first) / step) + 1)]


def _marker_text(session):
    label = session.get_technique_display()
    return f"{label} — {session.preset}" if session.preset_id else label


def _svg(measure, points, markers):
    label, unit = measure.label, measure.unit
    days = [day for day, _ in points] + [day for day, _ in markers]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    values = [value for _, value in points]
    ticks = round_ticks(min(values), max(values), within=measure.range)
    bottom_tick, top_tick = float(ticks[0]), float(ticks[-1])

    # format_html escapes its arguments, so coordinates go in as text already rounded: by Python's formatting,
    # never the language's (a decimal comma would break the SVG); only the texts people read follow the language.
    def x(day):
        return f"{LEFT + (RIGHT - LEFT) * (day - first).days / span:.1f}"

    def y(value):
        return f"{BOTTOM - (BOTTOM - TOP) * (float(value) - bottom_tick) / (top_tick - bottom_tick):.1f}"

    session_lines = _session_lines(markers, x) if len(markers) <= MARKERS_WITH_TITLES else _session_path(markers, x)
    path = " ".join(f"{x(day)},{y(value)}" for day, value in points)
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="4" class="outcome-point"><title>{}: {}</title></circle>',
        ((x(day), y(value), local_date(day), with_unit(value, unit)) for day, value in points),
    )
    value_axis = format_html_join(
        "",
        '<path d="M{0} {1}H{2}" class="grid"/>'
        '<text x="{3}" y="{1}" class="axis tick" text-anchor="end" dominant-baseline="middle">{4}</text>',
        ((LEFT, y(tick), RIGHT, LEFT - 6, plain(tick)) for tick in ticks),
    )
    axis = format_html(
        '{}<text x="4" y="12" class="axis unit">{}</text>'
        '<text x="{}" y="{}" class="axis date">{}</text>'
        '<text x="{}" y="{}" class="axis date" text-anchor="end">{}</text>',
        value_axis,
        unit,
        LEFT,
        HEIGHT - 8,
        local_date(first),
        RIGHT,
        HEIGHT - 8,
        local_date(last),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" class="outcome-chart">'
        '<title>{}</title>{}{}<polyline points="{}" class="outcome-line"/>{}</svg>',
        WIDTH,
        HEIGHT,
        _("%(measure)s over time") % {"measure": label},
        axis,
        session_lines,
        path,
        dots,
    )


def _session_lines(markers, x):
    return format_html_join(
        "",
        '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" class="session-marker"><title>{3}: {4}</title></line>',
        ((x(day), TOP, BOTTOM, local_date(day), what) for day, what in markers),
    )


def _session_path(markers, x):
    columns = sorted({round(float(x(day))) for day, _ in markers})
    days = [day for day, _ in markers]
    title = ngettext("%(count)s session, %(first)s to %(last)s", "%(count)s sessions, %(first)s to %(last)s", len(days))
    return format_html(
        '<path d="{}" class="session-marker"><title>{}</title></path>',
        "".join(f"M{column} {TOP}V{BOTTOM}" for column in columns),
        title % {"count": len(days), "first": local_date(min(days)), "last": local_date(max(days))},
    )
