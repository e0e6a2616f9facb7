from clinic.access import can_see_patients
from clinic.roles import RESEARCHER


def roles(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated and user.is_active)
    return {
        "can_see_patients": bool(user and can_see_patients(user)),
        "can_export": signed_in and user.has_role(RESEARCHER),
    }
