from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.models import AuditAction
from audit.services import record_event
from clinic.access import get_patient_for
from clinic.editing import EditConflict
from clinic.parsing import positive_int
from protocols.courses import course_position, session_deviations
from protocols.models import ProtocolPreset
from protocols.prefill import blend_initial, hints, session_initial
from sessions.access import get_assessment_for, get_delayed_event_for, get_photo_for, get_session_for
from sessions.checks import session_warnings
from sessions.compare import composite_jpeg, default_pair, photos_of_view, views_with_photos
from sessions.forms import AssessmentForm, BlendFormSet, DelayedEventForm, PhotoFormSet, SessionForm, VoidForm
from sessions.models import Assessment, DelayedAdverseEvent, PhotoView, SessionPhoto, TreatmentSession
from sessions.selectors import amendments, missing_views
from sessions.services import (
    UnconfirmedWarnings,
    record_assessment,
    record_delayed_event,
    save_session,
    void_record,
)


@login_required
def log_session(request, patient_pk):
    patient = get_patient_for(request.user, patient_pk)
    session = TreatmentSession(
        patient=patient,
        clinician=request.user,
        performed_at=timezone.localtime().replace(second=0, microsecond=0),
    )
    preset = _chosen_preset(request)
    return _session_form_page(request, session, start_from=preset)


def _chosen_preset(request):
    """The published preset named by ?preset=, if any; anything else is ignored."""
    chosen = positive_int(request.GET.get("preset", ""))
    if request.method != "GET" or chosen is None:
        return None
    return ProtocolPreset.objects.published().filter(pk=chosen).first()


@login_required
def edit_session(request, pk):
    session = get_session_for(request.user, pk)
    if session.is_voided:
        messages.error(request, "This session has been voided and can no longer be edited.")
        return redirect(session)
    return _session_form_page(request, session)


def _session_form_page(request, session, start_from=None):
    is_new = session.pk is None
    posted = request.method == "POST"
    prefill = {"initial": session_initial(start_from)} if start_from else {}
    form = SessionForm(request.POST if posted else None, instance=session, **prefill)
    blend = BlendFormSet(request.POST if posted else None, instance=session, prefix="blend")
    if start_from:
        blend.initial_extra = blend_initial(start_from)
        blend.extra = max(1, len(blend.initial_extra))
    photos = PhotoFormSet(request.POST if posted else None, request.FILES if posted else None, prefix="photos")
    warnings = []
    if posted and all([form.is_valid(), blend.is_valid(), photos.is_valid()]):
        components, removed = blend.kept_and_removed()
        try:
            saved = save_session(
                session=form.save(commit=False),
                components=components,
                removed_components=removed,
                photos=photos.new_photos(),
                uploaded_by=request.user,
                warnings_confirmed=form.cleaned_data["confirm_warnings"],
                seen_version=form.cleaned_data["seen_version"],
                amendment_reason=form.cleaned_data["amendment_reason"],
            )
        except UnconfirmedWarnings as unconfirmed:
            warnings = unconfirmed.warnings
        except EditConflict as conflict:
            form.show_conflict(conflict)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, "Session logged." if is_new else "Session updated.")
            return redirect(saved)
    context = {
        "form": form,
        "blend": blend,
        "photos": photos,
        "patient": session.patient,
        "session": session,
        "is_new": is_new,
        "warnings": warnings,
        "start_from": start_from,
        "preset_hints": hints(start_from) if start_from else [],
        "missing_views": missing_views(session) if session.patient.photo_consent else {},
        "presets": ProtocolPreset.objects.published().order_by("technique", "name") if is_new else [],
        # Browsers cannot re-fill file inputs: say so rather than drop the photos silently.
        "photos_need_reattaching": posted and bool(request.FILES),
    }
    return render(request, "sessions/session_form.html", context)


@login_required
def session_detail(request, pk):
    session = get_session_for(request.user, pk)
    record_event(AuditAction.VIEW, session)
    components = session.blend_components.all()
    number, _days = course_position(session)
    context = {
        "session": session,
        "warnings": session_warnings(session, components),
        "deviations": session_deviations(session, components),
        "course_number": number,
        "amendments": amendments(session),
        "missing_views": missing_views(session) if session.patient.photo_consent and not session.is_voided else {},
        "voided_photos": SessionPhoto.objects.voided().filter(session=session).select_related("voided_by"),
        "delayed_events": session.delayed_events.all(),  # current ones, prefetched by with_details()
    }
    return render(request, "sessions/session_detail.html", context)


@login_required
def void_session_view(request, pk):
    session = get_session_for(request.user, pk)
    return _void_page(request, session, session=session, done=session.patient.get_absolute_url())


@login_required
def void_photo_view(request, pk):
    photo = get_photo_for(request.user, pk)
    return _void_page(request, photo, session=photo.session, done=photo.session.get_absolute_url())


@login_required
def void_assessment_view(request, pk):
    assessment = get_assessment_for(request.user, pk)
    outcomes = f"{assessment.patient.get_absolute_url()}#outcomes"
    return _void_page(request, assessment, session=assessment.session, done=outcomes, back=outcomes)


def _void_page(request, record, *, session, done, back=None):
    back = back or session.get_absolute_url()
    if record.is_voided:
        messages.info(request, "This record was already voided.")
        return redirect(back)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            void_record(record=record, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, f"{record._meta.verbose_name.capitalize()} voided; it stays in the history.")
            return redirect(done)
    context = {"form": form, "record": record, "session": session, "kind": record._meta.verbose_name, "back": back}
    return render(request, "sessions/void.html", context)


@require_GET
@login_required
def photo_file(request, pk, variant="image"):
    photo = get_photo_for(request.user, pk)
    stored = photo.thumbnail if variant == "thumbnail" else photo.image
    content_type = "image/jpeg" if variant == "thumbnail" else photo.content_type
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404("The photo file is missing from storage.") from None
    if variant != "thumbnail":
        # Thumbnails are part of a page view that is logged already; the full photo is a view of its own.
        record_event(AuditAction.VIEW, photo)
    extension = ".jpg" if content_type == "image/jpeg" else ".png"
    response = FileResponse(handle, content_type=content_type, filename=f"photo-{photo.pk}{extension}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def add_assessment(request, patient_pk):
    patient = get_patient_for(request.user, patient_pk)
    assessment = Assessment(patient=patient, assessed_by=request.user, assessed_on=timezone.localdate())
    form = AssessmentForm(request.POST or None, instance=assessment, initial=_session_of_the_day(request, patient))
    if request.method == "POST" and form.is_valid():
        record_assessment(assessment=form.save(commit=False))
        messages.success(request, "Assessment recorded.")
        return redirect(f"{patient.get_absolute_url()}#outcomes")
    return render(request, "sessions/assessment_form.html", {"form": form, "patient": patient})


def _session_of_the_day(request, patient):
    session_pk = positive_int(request.GET.get("session", ""))
    session = TreatmentSession.objects.current().filter(patient=patient, pk=session_pk).first() if session_pk else None
    return {"session": session.pk, "assessed_on": session.performed_on} if session else {}


@login_required
def add_delayed_event(request, pk):
    session = get_session_for(request.user, pk)
    event = DelayedAdverseEvent(session=session, recorded_by=request.user)
    form = DelayedEventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        record_delayed_event(event=form.save(commit=False))
        messages.success(request, "Delayed adverse event recorded.")
        return redirect(f"{session.get_absolute_url()}#delayed-events")
    return render(request, "sessions/delayed_event_form.html", {"form": form, "session": session})


@login_required
def void_delayed_event_view(request, pk):
    event = get_delayed_event_for(request.user, pk)
    return _void_page(request, event, session=event.session, done=f"{event.session.get_absolute_url()}#delayed-events")


@login_required
def compare_photos(request, patient_pk):
    patient = get_patient_for(request.user, patient_pk)
    context = {"patient": patient, "views": [], "compared": [], "pair": None}
    if patient.photo_consent:
        views = views_with_photos(patient)
        chosen = request.GET.get("view", "")
        view = chosen if chosen in views else (PhotoView.VERTEX if PhotoView.VERTEX in views else next(iter(views), ""))
        compared = photos_of_view(patient, view) if view else []
        pair = _chosen_pair(request, compared) or default_pair(compared)
        if pair:
            for shown in pair:
                record_event(AuditAction.VIEW, shown.photo, detail={"via": "compare"})
        context |= {
            "views": [(code, PhotoView(code).label) for code in PhotoView.values if code in views],
            "view": view,
            "compared": compared,
            "pair": pair,
        }
    return render(request, "sessions/compare.html", context)


@require_GET
@login_required
def compare_download(request, patient_pk):
    patient = get_patient_for(request.user, patient_pk)
    if not patient.photo_consent:
        raise Http404("No photos: this patient has not given photo consent.")
    view = request.GET.get("view", "")
    pair = _chosen_pair(request, photos_of_view(patient, view)) if view in PhotoView.values else None
    if pair is None:
        raise Http404("Choose two photos of the same view to compare.")
    try:
        composite = composite_jpeg(*pair)
    except FileNotFoundError:
        raise Http404("A photo file is missing from storage.") from None
    for shown in pair:
        record_event(AuditAction.VIEW, shown.photo, detail={"via": "composite download"})
    first, last = (timezone.localtime(shown.photo.taken_at) for shown in pair)
    response = HttpResponse(composite, content_type="image/jpeg")
    response["Content-Disposition"] = f'attachment; filename="compare-{view}-{first:%Y%m%d}-{last:%Y%m%d}.jpg"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _chosen_pair(request, compared):
    by_id = {str(c.photo.pk): c for c in compared}
    left, right = by_id.get(request.GET.get("a", "")), by_id.get(request.GET.get("b", ""))
    return (left, right) if left and right and left is not right else None
