"""The clinician's worklist for today, above the patient list: the preset courses whose next session is due this
week or overdue, and the sessions performed today (by anyone at the clinic).

Its cost follows the clinic's recent work, not the size of its history. A course can be on the list only if its
latest session falls within the longest preset interval plus ABANDONED_AFTER_DAYS before today, so only the
patients with a current preset session since then are read (an index on the time of current sessions finds
them), and their courses come from sessions.courses as on the patient page.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone

from clinic.models import Patient
from protocols.models import ProtocolPreset
from sessions.courses import Course, course_overview, outlines_by_patient
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
            return f"overdue by {_days((self.today - self.course.due_to).days)}"
        if self.course.due_from > self.today:
            return f"due in {_days((self.course.due_from - self.today).days)}"
        return "due today" if self.course.due_from == self.today else "due now"


def _days(count):
    return f"{count} day{'s' if count != 1 else ''}"


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
    due = courses_due(today)
    patients = Patient.objects.in_bulk([patient_id for patient_id, _ in due[:SHOWN]])
    sessions = TreatmentSession.objects.current().filter(performed_at__range=_day(today)).newest_first()
    return Worklist(
        due=[DueCourse(patients[patient_id], course, today) for patient_id, course in due[:SHOWN]],
        more_due=max(len(due) - SHOWN, 0),
        sessions=list(sessions.select_related("patient", "clinician")[:SHOWN]),
        more_sessions=max(sessions.count() - SHOWN, 0),
    )


def courses_due(today):
    """(patient id, Course) of every preset course due within DUE_WITHIN_DAYS of today or overdue by at most
    ABANDONED_AFTER_DAYS, the earliest due first."""
    longest = ProtocolPreset.objects.aggregate(days=Max(Coalesce("interval_max_days", "interval_min_days")))["days"]
    if longest is None:
        return []
    since = _day(today - timedelta(days=longest + ABANDONED_AFTER_DAYS))[0]
    preset_sessions = TreatmentSession.objects.current().filter(preset__isnull=False)
    recent = preset_sessions.filter(performed_at__gte=since).values("patient_id")
    due = []
    for patient_id, outlines in outlines_by_patient(preset_sessions.filter(patient_id__in=recent)).items():
        _, courses = course_overview(None, today, outlines=outlines, places_of=set())
        due.extend((patient_id, course) for course in courses if _on_the_list(course, today))
    return sorted(due, key=lambda found: (found[1].due_from, found[0]))


def _on_the_list(course, today):
    return (
        course.due_from is not None
        and (course.due_from - today).days < DUE_WITHIN_DAYS
        and (today - course.due_to).days <= ABANDONED_AFTER_DAYS
    )


def _day(day):
    """(its first moment, its last) in the current time zone."""
    return timezone.make_aware(datetime.combine(day, time.min)), timezone.make_aware(datetime.combine(day, time.max))
