from itertools import pairwise

from django.utils import timezone

from audit.services import describe_changes, diff, snapshot
from sessions.models import PhotoPhase, PhotoView, SessionPhoto, TreatmentSession


def amendments(session):
    """Each change to a session after it was logged: when, by whom, what (old → new) and why."""
    records = list(session.history.order_by("history_date", "history_id").select_related("history_user"))
    entries = []
    for before, after in pairwise(records):
        changes = diff(snapshot(before.instance), snapshot(after.instance))
        entries.append(
            {
                "at": timezone.localtime(after.history_date),
                "by": after.history_user,
                "changes": describe_changes(TreatmentSession, changes),
                "reason": after.history_change_reason or "",
            }
        )
    return list(reversed(entries))


def missing_views(session):
    """{phase label: [standard views not photographed yet]} for a session, before and after."""
    if session.pk is None:
        taken = set()
    else:
        taken = set(SessionPhoto.objects.current().filter(session=session).values_list("phase", "view"))
    missing = {}
    for phase in PhotoPhase:
        views = [view.label for view in PhotoView if (phase.value, view.value) not in taken]
        if views:
            missing[phase.label] = views
    return missing
