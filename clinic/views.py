from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clinic.access import can_see_patients, clinician_required, get_patient_for
from clinic.forms import PatientForm
from clinic.models import Patient
from sessions.models import TreatmentSession

PATIENTS_PER_PAGE = 25


@login_required
def home(request):
    if can_see_patients(request.user):
        return redirect("patient-list")
    return render(request, "clinic/home.html")


@clinician_required
def patient_list(request):
    query = request.GET.get("q", "").strip()[:100]
    patients = Patient.objects.search(query).with_session_summary().order_by("last_name", "first_name", "pk")
    page = Paginator(patients, PATIENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "clinic/patient_list.html", {"page": page, "query": query})


@clinician_required
def patient_create(request):
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        patient = form.save()
        messages.success(request, f"Patient {patient.record_number} created.")
        return redirect(patient)
    return render(request, "clinic/patient_form.html", {"form": form})


@login_required
def patient_detail(request, pk):
    patient = get_patient_for(request.user, pk)
    sessions = TreatmentSession.objects.for_patient(patient).with_details().newest_first()
    return render(request, "clinic/patient_detail.html", {"patient": patient, "sessions": sessions})


@login_required
def patient_edit(request, pk):
    patient = get_patient_for(request.user, pk)
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Patient {patient.record_number} updated.")
        return redirect(patient)
    return render(request, "clinic/patient_form.html", {"form": form, "patient": patient})


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unreachable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
