"""Who may see what. Every view that touches patient data goes through here.

Anonymous visitors are sent to the login page; signed-in staff without the role
a page needs get 403; a record that does not exist is 404 for those who may look.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_noop

from clinic.models import Patient
from clinic.roles import CLINICIAN

# In English in the exception, as the audit trail records it: 403.html shows it translated.
PATIENTS_REFUSED = gettext_noop("Patient records are open to clinicians only.")


def has_role(user, role):
    """A signed-in, active member of staff holding the role (a superuser holds them all)."""
    return bool(user and user.is_authenticated and user.is_active and user.has_role(role))


def require_role(user, role, refusal):
    if not has_role(user, role):
        raise PermissionDenied(refusal)


def role_required(role, refusal):
    """Anonymous visitors go to the login page; staff without the role get 403 with the refusal."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            require_role(request.user, role, refusal)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def can_see_patients(user):
    return has_role(user, CLINICIAN)


def require_clinician(user):
    require_role(user, CLINICIAN, PATIENTS_REFUSED)


clinician_required = role_required(CLINICIAN, PATIENTS_REFUSED)


def get_patient_for(user, pk):
    require_clinician(user)
    return get_object_or_404(Patient, pk=pk)
