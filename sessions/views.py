from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from clinic.access import get_patient_for
from sessions.access import get_photo_for, get_session_for
from sessions.checks import session_warnings
from sessions.forms import BlendFormSet, PhotoFormSet, SessionForm
from sessions.models import TreatmentSession
from sessions.services import UnconfirmedWarnings, save_session


@login_required
def log_session(request, patient_pk):
    patient = get_patient_for(request.user, patient_pk)
    session = TreatmentSession(
        patient=patient,
        clinician=request.user,
        performed_at=timezone.localtime().replace(second=0, microsecond=0),
    )
    return _session_form_page(request, session)


@login_required
def edit_session(request, pk):
    return _session_form_page(request, get_session_for(request.user, pk))


def _session_form_page(request, session):
    is_new = session.pk is None
    posted = request.method == "POST"
    form = SessionForm(request.POST if posted else None, instance=session)
    blend = BlendFormSet(request.POST if posted else None, instance=session, prefix="blend")
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
            )
        except UnconfirmedWarnings as unconfirmed:
            warnings = unconfirmed.warnings
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
        # Browsers cannot re-fill file inputs: say so rather than drop the photos silently.
        "photos_need_reattaching": posted and bool(request.FILES),
    }
    return render(request, "sessions/session_form.html", context)


@login_required
def session_detail(request, pk):
    session = get_session_for(request.user, pk)
    warnings = session_warnings(session, session.blend_components.all())
    return render(request, "sessions/session_detail.html", {"session": session, "warnings": warnings})


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
    extension = ".jpg" if content_type == "image/jpeg" else ".png"
    response = FileResponse(handle, content_type=content_type, filename=f"photo-{photo.pk}{extension}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
