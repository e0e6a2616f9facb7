from django.apps import AppConfig


class ProtocolsConfig(AppConfig):
    name = "protocols"
    verbose_name = "Protocol presets"
    default_auto_field = "django.db.models.BigAutoField"
