"""Who may see what. Every view that touches patient data goes through here.

Anonymous visitors are sent to the login page (views carry @login_required);
signed-in staff without the clinician role get 403; a record that does not
exist is 404 for those who may look.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from clinic.models import Patient
from clinic.roles import CLINICIAN


def can_see_patients(user):
    return user.is_authenticated and user.is_active and user.has_role(CLINICIAN)


def require_clinician(user):
    if not can_see_patients(user):
        raise PermissionDenied("Patient records are open to clinicians only.")


def clinician_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        require_clinician(request.user)
        return view(request, *args, **kwargs)

    return wrapper


def get_patient_for(user, pk):
    require_clinician(user)
    return get_object_or_404(Patient, pk=pk)
