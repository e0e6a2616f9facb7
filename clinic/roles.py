"""The roles staff can hold, as auth groups, and what each may do in the admin.

Access to pages is decided by clinic.access, from these role names; the model
permissions below only open the Django admin for equipment and stock.
"""

from django.apps import apps as global_apps

CLINICIAN = "clinician"
CURATOR = "curator"
RESEARCHER = "researcher"
ALL_ROLES = (CLINICIAN, CURATOR, RESEARCHER)

ADMIN_PERMISSIONS = {
    CLINICIAN: [
        ("clinic", model, action)
        for model in ("device", "needlecartridge", "product", "lot")
        for action in ("add", "change", "view")
    ],
    CURATOR: [
        ("protocols", model, action)
        for model in ("protocolpreset", "presetblendcomponent")
        for action in ("add", "change", "view")
    ],
    RESEARCHER: [],
}


def sync_roles(apps=global_apps, **kwargs):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # Runs after each app's migrations; permissions of apps not migrated yet are added on a later run.
    for role in ALL_ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        for app, model, action in ADMIN_PERMISSIONS[role]:
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app, codename=f"{action}_{model}"))
