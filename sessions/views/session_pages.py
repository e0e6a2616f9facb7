"""Logging, editing and reading one treatment session."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import record_event
from clinic.access import get_patient_for
from clinic.editing import EditConflict
from clinic.parsing import positive_int
from protocols.models import ProtocolPreset
from protocols.prefill import blend_initial, hints, session_initial
from sessions.access import get_session_for
from sessions.checks import consent_warnings, session_warnings
from sessions.courses import course_position, session_deviations
from sessions.forms import BlendFormSet, PhotoFormSet, SessionForm
from sessions.models import TreatmentSession
from sessions.selectors import amendments, missing_views, split_photos
from sessions.services import (
    UnconfirmedWarnings,
    save_session,
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
        messages.error(request, _("This session has been voided and can no longer be edited."))
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
    photos = PhotoFormSet(
        request.POST if posted else None,
        request.FILES if posted else None,
        prefix="photos",
        owner=(request.user, session.patient),
    )
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
            photos.attached()
            messages.success(request, _("Session logged.") if is_new else _("Session updated."))
            return redirect(saved)
    if posted and session.patient.photos_allowed:
        photos.keep_for_the_next_round()
    photos_kept = split_photos(session)[0] if not is_new else []
    if is_new:
        record_event(AuditAction.VIEW, session.patient, detail={"via": "log session"})
    else:
        record_event(AuditAction.VIEW, session, detail={"via": "edit"})
    context = {
        "form": form,
        "blend": blend,
        "photos": photos,
        "patient": session.patient,
        "session": session,
        "is_new": is_new,
        "warnings": warnings,
        "start_from": start_from,
        # The preset chosen now, or the one the form carries back (a round trip) or the session was started from.
        "shown_preset": start_from or session.preset,
        "preset_hints": hints(start_from) if start_from else [],
        "missing_views": missing_views(photos_kept) if session.patient.photos_allowed else {},
        "presets": ProtocolPreset.objects.published().order_by("technique", "name") if is_new else [],
    }
    return render(request, "sessions/session_form.html", context)


@login_required
def session_detail(request, pk):
    session = get_session_for(request.user, pk)
    record_event(AuditAction.VIEW, session)
    components = session.blend_components.all()
    photos, voided_photos = split_photos(session)
    place = course_position(session)
    context = {
        "session": session,
        "photos": photos,
        "warnings": consent_warnings(session) + session_warnings(session, components),
        "deviations": session_deviations(session, components, place),
        "course_place": None if session.is_voided else place,
        "amendments": amendments(session),
        "missing_views": missing_views(photos) if session.patient.photos_allowed and not session.is_voided else {},
        "voided_photos": voided_photos,
        "delayed_events": session.delayed_events.all(),  # current ones, prefetched by with_details()
    }
    return render(request, "sessions/session_detail.html", context)
