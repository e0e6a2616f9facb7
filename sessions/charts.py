"""Outcome charts as plain SVG, drawn on the server: readable without JavaScript."""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join

from clinic.formatting import plain
from sessions.measures import ASSESSMENT_MEASURES

WIDTH, HEIGHT, MARGIN = 640, 170, 36
# Up to this many sessions each marker is a line with its own title; beyond, one path with at most a line per
# pixel column, so a long history costs the page a bounded number of bytes per chart.
MARKERS_WITH_TITLES = 30

# (field, label, unit) of each charted measure, in the order shown.
MEASURES = [(measure.field, measure.label, measure.unit) for measure in ASSESSMENT_MEASURES if measure.charted]


@dataclass(frozen=True)
class Chart:
    field: str
    label: str
    unit: str
    points: list  # [(date, value)]
    svg: str


def outcome_charts(assessments, sessions):
    """One chart per measure that has at least one value; `sessions` (sessions or the course module's
    light outlines of them) are drawn as markers."""
    # Beyond MARKERS_WITH_TITLES the markers are one path, titled by their count: no text for each.
    titled = len(sessions) <= MARKERS_WITH_TITLES
    markers = [(s.performed_on, _marker_text(s) if titled else "") for s in sessions]
    charts = []
    for field, label, unit in MEASURES:
        points = [(a.assessed_on, getattr(a, field)) for a in assessments if getattr(a, field) is not None]
        if points:
            charts.append(Chart(field, label, unit, points, _svg(label, unit, points, markers)))
    return charts


def _marker_text(session):
    label = session.get_technique_display()
    return f"{label} — {session.preset}" if session.preset_id else label


def _svg(label, unit, points, markers):
    days = [day for day, _ in points] + [day for day, _ in markers]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    values = [float(value) for _, value in points]
    low, high = min(values), max(values)
    flat = low == high

    # format_html escapes its arguments, so coordinates go in as text already rounded.
    def x(day):
        return f"{MARGIN + (WIDTH - 2 * MARGIN) * (day - first).days / span:.1f}"

    def y(value):
        if flat:  # one value, or the same every time: a level line across the middle
            return f"{HEIGHT / 2:.1f}"
        return f"{HEIGHT - MARGIN - (HEIGHT - 2 * MARGIN) * (float(value) - low) / (high - low):.1f}"

    session_lines = _session_lines(markers, x) if len(markers) <= MARKERS_WITH_TITLES else _session_path(markers, x)
    path = " ".join(f"{x(day)},{y(value)}" for day, value in points)
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="4" class="outcome-point"><title>{}: {}</title></circle>',
        ((x(day), y(value), f"{day:%Y-%m-%d}", f"{plain(value)} {unit}".strip()) for day, value in points),
    )
    axis = format_html(
        '<text x="4" y="{}" class="axis">{}</text><text x="4" y="{}" class="axis">{}</text>'
        '<text x="{}" y="{}" class="axis">{}</text><text x="{}" y="{}" class="axis" text-anchor="end">{}</text>',
        HEIGHT / 2 if flat else MARGIN,
        plain(high),
        HEIGHT - MARGIN,
        "" if flat else plain(low),
        MARGIN,
        HEIGHT - 8,
        f"{first:%Y-%m-%d}",
        WIDTH - MARGIN,
        HEIGHT - 8,
        f"{last:%Y-%m-%d}",
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" class="outcome-chart">'
        '<title>{} over time</title>{}{}<polyline points="{}" class="outcome-line"/>{}</svg>',
        WIDTH,
        HEIGHT,
        label,
        axis,
        session_lines,
        path,
        dots,
    )


def _session_lines(markers, x):
    return format_html_join(
        "",
        '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" class="session-marker"><title>{3}: {4}</title></line>',
        ((x(day), MARGIN // 2, HEIGHT - MARGIN, f"{day:%Y-%m-%d}", what) for day, what in markers),
    )


def _session_path(markers, x):
    columns = sorted({round(float(x(day))) for day, _ in markers})
    days = [day for day, _ in markers]
    return format_html(
        '<path d="{}" class="session-marker"><title>{} sessions, {} to {}</title></path>',
        "".join(f"M{column} {MARGIN // 2}V{HEIGHT - MARGIN}" for column in columns),
        len(markers),
        f"{min(days):%Y-%m-%d}",
        f"{max(days):%Y-%m-%d}",
    )
