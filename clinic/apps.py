from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = _("Clinic")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from clinic.middleware import start_session_clock
        from clinic.roles import sync_roles

        # Like contrib.auth's permissions: groups follow the code after every migrate.
        post_migrate.connect(sync_roles, dispatch_uid="clinic.sync_roles")
        user_logged_in.connect(start_session_clock, dispatch_uid="clinic.start_session_clock")
