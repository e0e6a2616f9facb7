from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connection
from django.db.models import F
from django.db.models.functions import Upper
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditAction
from audit.services import record_event
from clinic.access import can_see_patients, clinician_required, get_patient_for
from clinic.editing import EditConflict
from clinic.forms import PatientForm
from clinic.models import Patient, PatientTally
from clinic.pagination import DeepPaginator
from clinic.searches import recall, remember
from clinic.services import save_patient

PATIENTS_PER_PAGE = 25
# A search matching more patients than this says so ("1,000 or more") rather than counting them all.
SEARCH_COUNT_LIMIT = 1000
# The only orderings the patient list accepts; anything else in ?sort= is ignored.
PATIENT_SORTS = {
    "name": ("last_name", "first_name", "pk"),
    "-name": ("-last_name", "-first_name", "-pk"),
    "record": ("record_number",),
    "-record": ("-record_number",),
    # Never treated counts as longest ago, on every database.
    "last_session": (F("last_session_at").asc(nulls_first=True), "pk"),
    "-last_session": (F("last_session_at").desc(nulls_last=True), "-pk"),
}
# Search results by name: the same order, by an expression no index holds. Otherwise PostgreSQL may walk the
# name index and test each patient on its way, which for a surname many share (matches that cluster in the
# index) reads tens of thousands of rows; this way it finds the matches through the trigram indexes first.
SEARCH_SORTS = {
    "name": (Upper("last_name"), Upper("first_name"), "pk"),
    "-name": (Upper("last_name").desc(), Upper("first_name").desc(), "-pk"),
}


@login_required
def home(request):
    if can_see_patients(request.user):
        return redirect("patient-list")
    return render(request, "clinic/home.html")


def patient_list_context(request):
    """The patients, a page at a time; searched by a term kept in the session (clinic/searches.py). A `q` in the
    address (an old bookmark, a hand-typed link) still searches; the page's own links carry only the token. The page
    is sessions.views.patient_list's: it adds today's worklist, and records in the audit trail what the page shows."""
    query = recall(request.session, request.GET.get("search")) or request.GET.get("q", "").strip()[:100]
    token = remember(request.session, query) if query else ""
    sort = request.GET.get("sort", "")
    if sort not in PATIENT_SORTS:
        sort = "name"
    if query:
        patients = Patient.objects.search(query).order_by(*SEARCH_SORTS.get(sort, PATIENT_SORTS[sort]))
        paginator = DeepPaginator(patients, PATIENTS_PER_PAGE, count_at_most=SEARCH_COUNT_LIMIT)
    else:
        patients = Patient.objects.order_by(*PATIENT_SORTS[sort])
        paginator = DeepPaginator(patients, PATIENTS_PER_PAGE, count=PatientTally.objects.patients())
    page = paginator.get_page(request.GET.get("page"))
    return {"page": page, "query": query, "search": token, "sort": sort}


@require_POST
@clinician_required
def patient_search(request):
    """The search box posts here: the term goes into the session, the list's address gets its token."""
    query = request.POST.get("q", "").strip()[:100]
    if "\x00" in query:
        return HttpResponseBadRequest(_("The search contains a null character."), content_type="text/plain")
    if not query:
        return redirect("patient-list")
    return redirect(f"{reverse('patient-list')}?search={remember(request.session, query)}")


@clinician_required
def patient_create(request):
    return _patient_form_page(request, Patient())


@login_required
def patient_edit(request, pk):
    return _patient_form_page(request, get_patient_for(request.user, pk))


def _patient_form_page(request, patient):
    is_new = patient.pk is None
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        try:
            save_patient(patient=form.save(commit=False), seen_version=form.cleaned_data["seen_version"])
        except EditConflict as conflict:
            form.show_conflict(conflict)
        else:
            done = _("Patient %(record)s created.") if is_new else _("Patient %(record)s updated.")
            messages.success(request, done % {"record": patient.record_number})
            return redirect(patient)
    if not is_new:
        record_event(AuditAction.VIEW, patient, detail={"via": "edit"})
    return render(request, "clinic/patient_form.html", {"form": form, "patient": None if is_new else patient})


@login_required
def logout_everywhere(request):
    """End every session of this user, on every device, this one included."""
    if request.method == "POST":
        user = request.user
        ended = 0
        for stored in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
            if stored.get_decoded().get("_auth_user_id") == str(user.pk):
                # Through the session engine, so a cached copy (cached_db sessions in Redis) ends too.
                _session_store(stored.session_key).delete()
                ended += 1
        record_event(AuditAction.LOGOUT_EVERYWHERE, user=user, detail={"sessions_ended": ended})
        logout(request)
        messages.success(
            request,
            ngettext(
                "Logged out everywhere (%(count)s session ended).",
                "Logged out everywhere (%(count)s sessions ended).",
                ended,
            )
            % {"count": ended},
        )
        return redirect("login")
    return render(request, "registration/logout_everywhere.html")


def _session_store(session_key):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


@login_required
@never_cache
@require_GET
def ping(request):
    """The floor the page benchmark measures against: signed in, nothing rendered, nothing queried."""
    return HttpResponse(status=204)


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unreachable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def permission_denied(request, exception):
    """Django's 403 page, and a security event in the trail: who was refused what, and why."""
    record_event(
        AuditAction.ACCESS_REFUSED,
        user=request.user if request.user.is_authenticated else None,
        detail={"path": request.path[:300], "why": str(exception)[:300]},
    )
    return defaults.permission_denied(request, exception)
