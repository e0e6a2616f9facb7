"""Session and course reports: what a clinician prints or sends on, assembled from the selectors and drawn as a
PDF by clinic.pdf.

Photos go in at print size (the screen rendition, at most 1600 px a side) as data: URIs, and only while the
patient allows photos. Voided sessions, blend rows, photos and delayed events stay out.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinic.pdf import data_uri, render_pdf
from sessions.charts import outcome_charts
from sessions.compare import default_photo_pair, in_date_order
from sessions.courses import (
    PRESET,
    course_overview,
    course_position,
    course_sessions,
    departures_in_course_order,
    session_deviations,
)
from sessions.models import Assessment, BlendComponent, DelayedAdverseEvent, PhotoView, SessionPhoto
from sessions.photos import stored_screen_rendition
from sessions.selectors import split_photos

SVG_STYLESHEET = "sessions/reports/svg.css"
NO_PHOTO_CONSENT = gettext_lazy("No photo consent: the photos of this patient are left out of the report.")


@dataclass(frozen=True)
class PrintedPhoto:
    photo: SessionPhoto
    src: str  # a data: URI of its print-size JPEG; empty when the file is missing from storage


@dataclass(frozen=True)
class Report:
    """A report ready to draw, with what the audit trail records of its disclosure."""

    template: str
    context: dict
    subject: object  # the record the report is about: a session, or the patient of a course
    detail: dict
    photos: list = field(default_factory=list)  # the PrintedPhotos drawn in it

    @property
    def disclosure(self):
        """What the audit trail keeps of the report: its kind, its records and the photos it holds."""
        return {**self.detail, "photos": [str(printed.photo.pk) for printed in self.photos if printed.src]}

    def pdf(self):
        return render_pdf(self.template, self.context, svg_stylesheet=render_to_string(SVG_STYLESHEET))


def printed(photo):
    try:
        with stored_screen_rendition(photo).open("rb") as handle:
            return PrintedPhoto(photo, data_uri(handle.read(), "image/jpeg"))
    except FileNotFoundError:
        return PrintedPhoto(photo, "")


def session_report(session):
    """The Report of one current session, read with_details()."""
    components = session.blend_components.all()
    photos = split_photos(session)[0] if session.patient.photos_allowed else []
    shown = [printed(photo) for photo in photos]
    place = course_position(session)
    context = {
        "patient": session.patient,
        "session": session,
        "course_place": place,
        "deviations": session_deviations(session, components, place),
        "delayed_events": session.delayed_events.all(),
        "photos": shown,
        "no_photo_consent": NO_PHOTO_CONSENT if not session.patient.photos_allowed else "",
    }
    return Report("sessions/reports/session.html", context, session, {"report": "session"}, shown)


def _course_sessions(patient, key):
    return list(
        course_sessions(patient.pk, key)
        .select_related("clinician", "preset")
        .prefetch_related("preset__blend_components")
        .prefetch_related(
            Prefetch("blend_components", queryset=BlendComponent.objects.current()),
            Prefetch("delayed_events", queryset=DelayedAdverseEvent.objects.current()),
            Prefetch("photos", queryset=SessionPhoto.objects.current()),
        )
        .order_by("performed_at", "pk")
    )


def first_and_latest(photos):
    """For each standard view photographed, (its label, the first photo and the latest, or the only one), as
    the compare page pairs them: the first before-photo and the latest photo."""
    views = []
    for view in PhotoView:
        of_view = sorted((photo for photo in photos if photo.view == view), key=in_date_order)
        if of_view:
            views.append((view.label, list(default_photo_pair(of_view) or of_view)))
    return views


def _course_without_preset(session):
    return _("%(technique)s without a preset") % {"technique": session.get_technique_display()}


def course_report(patient, key):
    """The Report of one course of the patient (a key from sessions.courses), or None when it has no current
    session."""
    sessions = _course_sessions(patient, key)
    if not sessions:
        return None
    for session in sessions:
        session.patient = patient
    places = course_overview(patient, places_of={session.pk for session in sessions})[0]
    views = []
    if patient.photos_allowed:
        photos = [photo for session in sessions for photo in session.photos.all()]
        views = [(label, [printed(photo) for photo in shown]) for label, shown in first_and_latest(photos)]
    latest = sessions[-1]
    # Said in the reader's language (the stored summaries are English: they leave in the research export).
    departures = {
        session.pk: found
        for session, found in departures_in_course_order(
            sessions,
            components_of=lambda each: list(each.blend_components.all()),
            preset_blend_of=lambda preset: list(preset.blend_components.all()),
        )
    }
    context = {
        "patient": patient,
        "title": str(latest.preset) if key[0] == PRESET else _course_without_preset(latest),
        "sessions": [(session, places[session.pk], departures.get(session.pk, [])) for session in sessions],
        "first": sessions[0],
        "latest": latest,
        "charts": outcome_charts(list(Assessment.objects.current().for_patient(patient)), sessions),
        "views": views,
        "no_photo_consent": NO_PHOTO_CONSENT if not patient.photos_allowed else "",
    }
    detail = {"report": "course", "course": list(key), "sessions": [session.pk for session in sessions]}
    return Report("sessions/reports/course.html", context, patient, detail, [p for _, pair in views for p in pair])
