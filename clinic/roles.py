"""The roles staff can hold, as auth groups, and what each may do in the admin.

Access to pages is decided by clinic.access, from these role names; the model
permissions below only open the Django admin for equipment and stock.
"""

from collections import defaultdict

from django.apps import apps as global_apps
from django.utils.translation import gettext_lazy as _

CLINICIAN = "clinician"
CURATOR = "curator"
RESEARCHER = "researcher"
ALL_ROLES = (CLINICIAN, CURATOR, RESEARCHER)
# How pages name a role, in the reader's language (the codes above are the auth groups' names).
ROLE_LABELS = {CLINICIAN: _("clinician"), CURATOR: _("curator"), RESEARCHER: _("researcher")}

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


def sync_roles(apps=global_apps, sender=None, **kwargs):
    """Creates the role groups and grants each its admin permissions.

    post_migrate is sent once per installed app, after that app's permissions exist: a call grants only the
    permissions of the app it was sent for (`sender`), so a migrate or a test database flush does the work
    once rather than once per installed app. Called without a sender, it grants them all.
    """
    label = getattr(sender, "label", None)
    if label not in {None, "auth"} | {app for granted in ADMIN_PERMISSIONS.values() for app, _, _ in granted}:
        return
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ALL_ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        codenames = defaultdict(list)
        for app, model, action in ADMIN_PERMISSIONS[role]:
            if label in (None, app):
                codenames[app].append(f"{action}_{model}")
        for app, names in codenames.items():
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app, codename__in=names))
