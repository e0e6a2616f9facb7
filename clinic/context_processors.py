from django.conf import settings

from clinic.access import can_see_patients, has_role
from clinic.roles import RESEARCHER, ROLE_LABELS


def roles(request):
    user = getattr(request, "user", None)
    return {
        "can_see_patients": can_see_patients(user),
        "can_export": has_role(user, RESEARCHER),
        # Said on every page while some roles may sign in without a second factor.
        "second_factor_optional_for": [ROLE_LABELS.get(role, role) for role in settings.MFA_OPTIONAL_ROLES],
    }
