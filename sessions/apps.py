from django.apps import AppConfig


class TreatmentSessionsConfig(AppConfig):
    # The default label "sessions" would collide with django.contrib.sessions.
    name = "sessions"
    label = "treatments"
    verbose_name = "Treatment sessions"
    default_auto_field = "django.db.models.BigAutoField"
