"""Courses of treatment: the sessions of one patient started from the same preset (any version)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone

from protocols.deviations import INTERVAL_TOLERANCE_DAYS, deviations, summarise
from sessions.models import BlendComponent, TreatmentSession


@dataclass(frozen=True)
class Course:
    preset: object  # the version used by the latest session
    done: int
    total: int | None
    last_on: date
    due_from: date | None
    due_to: date | None
    overdue: bool
    complete: bool


def _course_sessions(patient, slug):
    return TreatmentSession.objects.current().filter(patient=patient, preset__slug=slug)


def course_position(session):
    """(session number in its course, days since the previous session of the course) for a saved or new session."""
    if session.preset_id is None:
        return None, None
    course = _course_sessions(session.patient, session.preset.slug)
    moment = session.performed_at
    if session.pk:  # the same order as the export's: by time, then by creation
        earlier = course.filter(Q(performed_at__lt=moment) | Q(performed_at=moment, pk__lt=session.pk))
    else:
        earlier = course.filter(performed_at__lte=moment)
    previous = earlier.order_by("-performed_at").first()
    days = (session.performed_on - previous.performed_on).days if previous else None
    return earlier.count() + 1, days


def session_deviations(session, components):
    if session.preset_id is None:
        return []
    number, days = course_position(session)
    return deviations(
        session=session,
        components=components,
        preset=session.preset,
        preset_components=list(session.preset.blend_components.all()),
        days_since_previous=days,
        session_number=number,
    )


def courses_for(patient, today=None):
    """One Course per preset the patient has been treated with, oldest first."""
    today = today or timezone.localdate()
    by_slug = {}
    sessions = TreatmentSession.objects.current().filter(patient=patient, preset__isnull=False)
    for session in sessions.select_related("preset").order_by("performed_at", "pk"):
        by_slug.setdefault(session.preset.slug, []).append(session)
    courses = []
    for course_sessions in by_slug.values():
        last = course_sessions[-1]
        preset = last.preset
        done = len(course_sessions)
        complete = preset.session_count is not None and done >= preset.session_count
        due_from = due_to = None
        if not complete and (preset.interval_min_days or preset.interval_max_days):
            due_from = last.performed_on + timedelta(days=preset.interval_min_days or preset.interval_max_days)
            due_to = last.performed_on + timedelta(days=preset.interval_max_days or preset.interval_min_days)
        overdue = due_to is not None and today > due_to + timedelta(days=INTERVAL_TOLERANCE_DAYS)
        courses.append(
            Course(preset, done, preset.session_count, last.performed_on, due_from, due_to, overdue, complete)
        )
    return courses


def course_numbers(patient):
    """{session pk: its number in its course} for the patient's current sessions started from a preset."""
    numbers, counts = {}, {}
    sessions = TreatmentSession.objects.current().filter(patient=patient, preset__isnull=False)
    for pk, slug in sessions.order_by("performed_at", "pk").values_list("pk", "preset__slug"):
        counts[slug] = counts.get(slug, 0) + 1
        numbers[pk] = counts[slug]
    return numbers


def refresh_course_deviations(patient, slug):
    """Recompute and store the departures of every current session of one course, in course order.

    Called when a session of the course is saved or voided, or its blend changes: a session's
    number in the course and the interval since the one before depend on its neighbours.
    """
    if not slug:
        return
    sessions = list(
        _course_sessions(patient, slug)
        .select_related("preset", "cartridge")
        .prefetch_related(
            Prefetch("blend_components", queryset=BlendComponent.objects.current().select_related("product"))
        )
        .order_by("performed_at", "pk")
    )
    preset_blends = {}
    changed = []
    previous = None
    for number, session in enumerate(sessions, start=1):
        preset = session.preset
        if preset.pk not in preset_blends:
            preset_blends[preset.pk] = list(preset.blend_components.all())
        found = deviations(
            session=session,
            components=list(session.blend_components.all()),
            preset=preset,
            preset_components=preset_blends[preset.pk],
            days_since_previous=(session.performed_on - previous.performed_on).days if previous else None,
            session_number=number,
        )
        stored = (len(found), summarise(found))
        if (session.deviation_count, session.deviation_summary) != stored:
            session.deviation_count, session.deviation_summary = stored
            changed.append(session)
        previous = session
    TreatmentSession.objects.bulk_update(changed, ["deviation_count", "deviation_summary"])
