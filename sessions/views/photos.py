"""Photo files and the before/after comparison, served only through the access check."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from audit.models import AuditAction
from audit.services import record_event
from clinic.access import get_patient_for
from sessions.access import get_pending_photo_for, get_photo_for
from sessions.compare import (
    chosen_photo_pair,
    comparison,
    composite_jpeg,
    current_photos_of_view,
    default_view,
    labelled,
    views_with_photos,
)
from sessions.models import PhotoView
from sessions.photos import stored_screen_rendition


@require_GET
@login_required
def photo_file(request, pk, variant="image"):
    """The photo (variant "image"), its thumbnail, or its screen-sized rendition (variant "screen")."""
    photo = get_photo_for(request.user, pk)
    content_type = photo.content_type if variant == "image" else "image/jpeg"
    try:
        stored = {"image": photo.image, "thumbnail": photo.thumbnail}.get(variant) or stored_screen_rendition(photo)
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404("The photo file is missing from storage.") from None
    # A thumbnail or rendition too: it is fetched by its own request, and shows the patient on its own.
    record_event(AuditAction.VIEW, photo, detail={"via": variant} if variant != "image" else None)
    extension = ".jpg" if content_type == "image/jpeg" else ".png"
    response = FileResponse(handle, content_type=content_type, filename=f"photo-{photo.pk}{extension}")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@login_required
def pending_photo_thumbnail(request, pk):
    pending = get_pending_photo_for(request.user, pk)
    try:
        handle = pending.thumbnail.open("rb")
    except FileNotFoundError:
        raise Http404("The photo file is missing from storage.") from None
    record_event(AuditAction.VIEW, pending.patient, detail={"via": "photo waiting for its session"})
    response = FileResponse(handle, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def compare_photos(request, patient_pk):
    patient = get_patient_for(request.user, patient_pk)
    record_event(AuditAction.VIEW, patient, detail={"via": "compare"})
    context = {"patient": patient, "views": [], "compared": [], "pair": None}
    if patient.photos_allowed:
        views = views_with_photos(patient)
        chosen = request.GET.get("view", "")
        view = chosen if chosen in views else default_view(views)
        shown = comparison(
            patient, view, a=request.GET.get("a", ""), b=request.GET.get("b", ""), page=request.GET.get("page")
        )
        for compared in shown.pair or ():
            record_event(AuditAction.VIEW, compared.photo, detail={"via": "compare"})
        context |= {
            "views": [(code, PhotoView(code).label) for code in PhotoView.values if code in views],
            "view": view,
            "compared": shown.choices,
            "pair": shown.pair,
            "first": shown.first,
            "strip": shown.strip,
            "strip_photos": shown.strip_photos,
            "strip_query": urlencode({"view": view} | _pair_params(shown.pair)) + "&",
        }
    return render(request, "sessions/compare.html", context)


@require_GET
@login_required
def compare_download(request, patient_pk):
    patient = get_patient_for(request.user, patient_pk)
    if not patient.photos_allowed:
        raise Http404("No photos: this patient has not given photo consent.")
    view = request.GET.get("view", "")
    found = _chosen_pair(request, current_photos_of_view(patient, view)) if view in PhotoView.values else None
    if found is None:
        raise Http404("Choose two photos of the same view to compare.")
    pair = labelled(patient, found)
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
    return response


def _pair_params(pair):
    return {"a": pair[0].photo.pk, "b": pair[1].photo.pk} if pair else {}


def _chosen_pair(request, photos):
    return chosen_photo_pair(photos, request.GET.get("a", ""), request.GET.get("b", ""))
