"""Courses of treatment, defined once.

A course is one patient's current (not voided) sessions sharing a course key, ordered by
(performed_at, pk). The key is ("preset", slug) for a session started from a preset (any version of
it), otherwise ("technique", technique code): every session has a number in a course, and the tag
keeps a preset whose slug happens to equal a technique code apart from the sessions logged without a
preset. Departures, the session total, intervals and due dates exist only for preset courses.
research.query's SQL window mirrors this key.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from django.db.models import Count, Max, Prefetch, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.vocabularies import Technique
from protocols.deviations import INTERVAL_TOLERANCE_DAYS, deviations, summarise
from protocols.models import ProtocolPreset
from sessions.models import BlendComponent, TreatmentSession

PRESET, TECHNIQUE = "preset", "technique"


def course_key(session):
    """The course a session belongs to: tagged, so a preset slug never merges with a technique code."""
    if session.preset_id is not None:
        return (PRESET, session.preset.slug)
    return (TECHNIQUE, session.technique)


def course_key_from(kind, value):
    """The course key a URL names ("preset", slug or "technique", code), or None when it names none."""
    if kind == PRESET or (kind == TECHNIQUE and value in Technique.values):
        return (kind, value)
    return None


def course_sessions(patient_id, key):
    """The current sessions of one course of a patient, as a queryset (unordered)."""
    kind, value = key
    sessions = TreatmentSession.objects.current().filter(patient_id=patient_id)
    if kind == PRESET:
        return sessions.filter(preset__slug=value)
    return sessions.filter(preset__isnull=True, technique=value)


def in_course_order(sessions):
    """(session, its number in its course, the previous session of that course or None) for each of
    `sessions`: one patient's current sessions in (performed_at, pk) order, or every session of some of
    their courses."""
    latest = {}
    counts = {}
    for session in sessions:
        key = course_key(session)
        counts[key] = counts.get(key, 0) + 1
        yield session, counts[key], latest.get(key)
        latest[key] = session


@dataclass(frozen=True)
class CoursePlace:
    """Where a session stands in its course: "session 3 of 4", or "session 3" when there is no total."""

    number: int
    total: int | None = None  # the preset's session count; None for a course logged without a preset
    days_since_previous: int | None = None
    from_preset: bool = False

    @property
    def label(self):
        if self.total:
            return _("session %(number)s of %(total)s") % {"number": self.number, "total": self.total}
        return _("session %(number)s") % {"number": self.number}

    def __str__(self):
        return self.label


def _place(session, number, previous):
    preset = session.preset if session.preset_id is not None else None
    return CoursePlace(
        number=number,
        total=preset.session_count if preset else None,
        days_since_previous=(session.performed_on - previous.performed_on).days if previous else None,
        from_preset=preset is not None,
    )


def course_position(session):
    """The CoursePlace of a saved or new session (a new one comes after the sessions of its minute), from one
    count of the earlier sessions of its course."""
    course = course_sessions(session.patient_id, course_key(session))
    earlier = Q(performed_at__lt=session.performed_at)
    if session.pk is None:
        earlier |= Q(performed_at=session.performed_at)
    else:
        earlier |= Q(performed_at=session.performed_at, pk__lt=session.pk)
    found = course.filter(earlier).aggregate(count=Count("pk"), previous_at=Max("performed_at"))
    previous = found["previous_at"]
    return CoursePlace(
        number=found["count"] + 1,
        total=session.preset.session_count if session.preset_id is not None else None,
        days_since_previous=(session.performed_on - timezone.localdate(previous)).days if previous else None,
        from_preset=session.preset_id is not None,
    )


class _Outline(NamedTuple):
    """What the course overview needs of a session: enough to key, number and date it (a long history
    is read as values, not as 300 full sessions)."""

    pk: int
    performed_at: object
    performed_on: date  # the local day, worked out by the database
    technique: str
    preset_id: int | None
    preset: object  # the ProtocolPreset, shared by the sessions of that version, or None
    voided: bool = False

    def get_technique_display(self):
        return Technique(self.technique).label


@dataclass(frozen=True)
class History:
    """Every session of one patient, voided ones too, as outlines in course order, read in one query."""

    outlines: list

    @property
    def current(self):
        """The current sessions, in course order: what courses, places and chart markers are made of."""
        return [outline for outline in self.outlines if not outline.voided]

    @property
    def voided_count(self):
        return sum(outline.voided for outline in self.outlines)

    def newest_first(self, voided=False):
        """The sessions' pks, newest first, as the timeline lists them (the voided ones too, if asked)."""
        return [outline.pk for outline in reversed(self.outlines) if voided or not outline.voided]

    @property
    def presets(self):
        """{pk: preset} of the presets the sessions were started from."""
        return {outline.preset.pk: outline.preset for outline in self.outlines if outline.preset is not None}


def patient_history(patient, sessions=None, dated=True):
    """The History of a patient (or of `sessions`, a queryset of theirs): values and their presets in bulk.
    Undated (`dated=False`), the outlines carry no times or days: enough to number sessions, and cheaper."""
    sessions = TreatmentSession.objects.filter(patient=patient) if sessions is None else sessions
    times = ["performed_at", TruncDate("performed_at")] if dated else []
    rows = sessions.order_by("performed_at", "pk").values_list("pk", "technique", "preset_id", "voided_at", *times)
    rows = [row if dated else (*row, None, None) for row in rows]
    presets = ProtocolPreset.objects.in_bulk({row[2] for row in rows if row[2] is not None})
    return History(
        [
            _Outline(pk, at, on, technique, preset_id, presets.get(preset_id), voided_at is not None)
            for pk, technique, preset_id, voided_at, at, on in rows
        ]
    )


def session_outlines(patient, dated=True):
    """The patient's current sessions in course order, as _Outlines."""
    return patient_history(patient, TreatmentSession.objects.current().filter(patient=patient), dated).outlines


def course_overview(patient, today=None, outlines=None, places_of=None):
    """(course_places, courses_for) of the patient from one light read of their current sessions
    (`outlines`, from session_outlines(), when the caller has them already); with `places_of`, the places
    of those sessions only."""
    today = today or timezone.localdate()
    sessions = session_outlines(patient) if outlines is None else outlines
    places, latest = {}, {}
    for session, number, previous in in_course_order(sessions):
        if places_of is None or session.pk in places_of:
            places[session.pk] = _place(session, number, previous)
        latest[course_key(session)] = (session, number)
    return places, [_course(last, done, today) for last, done in latest.values()]


def course_places(patient):
    """{session pk: its CoursePlace} for every current session of the patient."""
    return course_overview(patient)[0]


def course_numbers(patient, outlines=None, of_sessions=None):
    """{session pk: its number in its course} for the patient's current sessions started from a preset (those of
    `of_sessions` only, when given); `outlines` from session_outlines() when the caller has them already."""
    outlines = session_outlines(patient, dated=False) if outlines is None else outlines
    return {
        session.pk: number
        for session, number, _ in in_course_order(outlines)
        if session.preset_id is not None and (of_sessions is None or session.pk in of_sessions)
    }


def _departures(session, *, components, preset_components, number, days_since_previous):
    return deviations(
        session=session,
        components=components,
        preset=session.preset,
        preset_components=preset_components,
        days_since_previous=days_since_previous,
        session_number=number,
    )


def session_deviations(session, components, place=None):
    """The session's departures from its preset; `place` is its course_position() when already known."""
    if session.preset_id is None:
        return []
    place = place or course_position(session)
    return _departures(
        session,
        components=components,
        preset_components=list(session.preset.blend_components.all()),
        number=place.number,
        days_since_previous=place.days_since_previous,
    )


def departures_in_course_order(sessions, *, components_of, preset_blend_of):
    """(session, its departures) for each session started from a preset among `sessions` (as
    in_course_order takes them); `components_of(session)` and `preset_blend_of(preset)` give the blends."""
    for session, number, previous in in_course_order(sessions):
        if session.preset_id is None:
            continue
        place = _place(session, number, previous)
        yield (
            session,
            _departures(
                session,
                components=components_of(session),
                preset_components=preset_blend_of(session.preset),
                number=place.number,
                days_since_previous=place.days_since_previous,
            ),
        )


def as_stored(found):
    """Departures as a session stores them: (deviation_count, deviation_summary). The summary is stored and leaves
    in the research export: summarise() writes it in English, whatever the language of the person saving."""
    return len(found), summarise(found)


def refresh_course_deviations(patient, slug):
    """Recompute and store the departures of every current session of one preset course, in course order, and on
    its latest session when the next is due.

    Called when a session of the course is saved or voided, or its blend changes: a session's
    number in the course and the interval since the one before depend on its neighbours.
    """
    if not slug:
        return
    sessions = (
        TreatmentSession.objects.current()
        .filter(patient=patient, preset__slug=slug)
        .select_related("preset")
        .prefetch_related(Prefetch("blend_components", queryset=BlendComponent.objects.current()))
        .order_by("performed_at", "pk")
    )
    preset_blends = {}

    def preset_blend_of(preset):
        if preset.pk not in preset_blends:
            preset_blends[preset.pk] = list(preset.blend_components.all())
        return preset_blends[preset.pk]

    course = list(
        departures_in_course_order(
            sessions, components_of=lambda s: list(s.blend_components.all()), preset_blend_of=preset_blend_of
        )
    )
    latest = course[-1][0] if course else None
    changed = []
    for session, found in course:
        stored = (*as_stored(found), *(next_due([s for s, _ in course]) if session is latest else (None, None)))
        if _stored(session) != stored:
            session.deviation_count, session.deviation_summary, session.next_due_from, session.next_due_to = stored
            changed.append(session)
    TreatmentSession.objects.bulk_update(changed, STORED_FIELDS)
    # A session voided, or moved out of its course to no preset, holds no due dates any more.
    left = Q(voided_at__isnull=False) | Q(preset__isnull=True)
    TreatmentSession.objects.filter(left, patient=patient, next_due_to__isnull=False).update(
        next_due_from=None, next_due_to=None
    )


STORED_FIELDS = ["deviation_count", "deviation_summary", "next_due_from", "next_due_to"]


def _stored(session):
    return tuple(getattr(session, field) for field in STORED_FIELDS)


def next_due(course):
    """(due from, due by) of the next session of a preset course, given its current sessions in course order (each
    with its preset): what its latest session stores; (None, None) when complete or without an interval."""
    last = course[-1]
    found = _course(last, len(course), last.performed_on)
    return found.due_from, found.due_to


def latest_courses(sessions, today):
    """The Course of each of `sessions`, each the latest current session of its preset course (those holding due
    dates), from one count of their courses' sessions."""
    counts = (
        TreatmentSession.objects.current()
        .filter(patient_id__in={session.patient_id for session in sessions})
        .filter(preset__slug__in={session.preset.slug for session in sessions})
        .values_list("patient_id", "preset__slug")
        .annotate(done=Count("pk"))
        .order_by()
    )
    done = {(patient_id, slug): count for patient_id, slug, count in counts}
    return [_course(session, done[session.patient_id, session.preset.slug], today) for session in sessions]


@dataclass(frozen=True)
class Course:
    preset: object  # the version used by the latest session; None for a course logged without a preset
    technique_label: str  # the technique of the latest session
    done: int
    total: int | None
    last_on: date
    due_from: date | None
    due_to: date | None
    overdue: bool
    complete: bool
    key: tuple  # course_key() of its sessions: what names the course in its report's URL

    @property
    def place(self):
        return CoursePlace(self.done, self.total, from_preset=self.preset is not None)


def courses_for(patient, today=None):
    """One Course per course of the patient (preset or technique), by their first session."""
    return course_overview(patient, today)[1]


def _course(last, done, today):
    preset = last.preset if last.preset_id is not None else None
    total = preset.session_count if preset else None
    complete = total is not None and done >= total
    due_from = due_to = None
    if preset and not complete and (preset.interval_min_days or preset.interval_max_days):
        due_from = last.performed_on + timedelta(days=preset.interval_min_days or preset.interval_max_days)
        due_to = last.performed_on + timedelta(days=preset.interval_max_days or preset.interval_min_days)
    overdue = due_to is not None and today > due_to + timedelta(days=INTERVAL_TOLERANCE_DAYS)
    return Course(
        preset,
        last.get_technique_display(),
        done,
        total,
        last.performed_on,
        due_from,
        due_to,
        overdue,
        complete,
        course_key(last),
    )
