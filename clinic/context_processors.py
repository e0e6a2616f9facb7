from clinic.access import can_see_patients


def roles(request):
    user = getattr(request, "user", None)
    return {"can_see_patients": bool(user and can_see_patients(user))}
