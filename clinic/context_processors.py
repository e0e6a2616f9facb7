from clinic.access import can_see_patients, has_role
from clinic.roles import RESEARCHER


def roles(request):
    user = getattr(request, "user", None)
    return {"can_see_patients": can_see_patients(user), "can_export": has_role(user, RESEARCHER)}
