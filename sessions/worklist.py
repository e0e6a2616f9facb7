"""The clinician's worklist for today, above the patient list: the preset courses whose next session is due this
week or overdue, and the sessions performed today (by anyone at the clinic).

Its cost does not grow with the clinic's history: the latest session of each unfinished preset course stores the
due window of the next one (sessions.courses.refresh_course_deviations keeps it), so the due courses are a range
of one index, read from the end of their window (a course abandoned long ago is outside the range); today's
sessions are another range, of the index on the time of current sessions.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clinic.models import Patient
from sessions.courses import Course, latest_courses
from sessions.models import TreatmentSession

DUE_WITHIN_DAYS = 7  # due today or in the six days after: this week
# A course overdue by more than this is taken as abandoned and left off the list (it stays on the patient page).
ABANDONED_AFTER_DAYS = 90
SHOWN = 20  # rows of each list; the rest are counted ("and 3 more")


@dataclass(frozen=True)
class DueCourse:
    patient: Patient
    course: Course
    today: date

    @property
    def when(self):
        """ "overdue by 5 days", "due in 2 days", "due today" or "due now" (inside the interval's window)."""
        if self.course.overdue:
            days = (self.today - self.course.due_to).days
            return ngettext("overdue by %(count)s day", "overdue by %(count)s days", days) % {"count": days}
        if self.course.due_from > self.today:
            days = (self.course.due_from - self.today).days
            return ngettext("due in %(count)s day", "due in %(count)s days", days) % {"count": days}
        return _("due today") if self.course.due_from == self.today else _("due now")


@dataclass(frozen=True)
class Worklist:
    due: list  # DueCourse, the most overdue first, at most SHOWN
    more_due: int
    sessions: list  # today's sessions, the latest first, at most SHOWN
    more_sessions: int
    abandoned_after_days = ABANDONED_AFTER_DAYS

    @property
    def patient_pks(self):
        """The patients the worklist shows, each once: what the audit trail records."""
        shown = [row.patient.pk for row in self.due] + [session.patient_id for session in self.sessions]
        return list(dict.fromkeys(shown))


def todays_worklist(today):
    shown, more_due = _first_and_more(courses_due(today).select_related("patient", "preset"))
    sessions, more_sessions = _first_and_more(
        TreatmentSession.objects.current()
        .filter(performed_at__range=_day(today))
        .newest_first()
        .select_related("patient", "clinician")
    )
    return Worklist(
        due=[
            DueCourse(session.patient, course, today)
            for session, course in zip(shown, latest_courses(shown, today), strict=True)
        ],
        more_due=more_due,
        sessions=sessions,
        more_sessions=more_sessions,
    )


def _first_and_more(rows):
    """The first SHOWN of `rows` and how many more there are: counted only when there are more (a day's lists are
    usually shorter, and then the count would cost a query for nothing)."""
    first = list(rows[: SHOWN + 1])
    if len(first) <= SHOWN:
        return first, 0
    return first[:SHOWN], rows.count() - SHOWN


def courses_due(today):
    """The latest sessions of the preset courses due within DUE_WITHIN_DAYS of today or overdue by at most
    ABANDONED_AFTER_DAYS, the earliest due first."""
    return (
        TreatmentSession.objects.current()
        .filter(next_due_to__gte=today - timedelta(days=ABANDONED_AFTER_DAYS))
        .filter(next_due_from__lt=today + timedelta(days=DUE_WITHIN_DAYS))
        .order_by("next_due_from", "pk")
    )


def _day(day):
    """(its first moment, its last) in the current time zone."""
    return timezone.make_aware(datetime.combine(day, time.min)), timezone.make_aware(datetime.combine(day, time.max))
