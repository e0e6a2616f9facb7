"""Django's makemessages with this project's settings, so `manage.py makemessages` alone brings every catalogue of
settings.LANGUAGES in step with the code, and the catalogue test (tests/config/test_catalogues.py) extracts the
very same way."""

from django.conf import settings
from django.core.management.commands import makemessages
from django.utils.translation import to_locale

# Not the product's strings: tools, tests, installed packages, generated files.
IGNORED = [".venv", "node_modules", "tests", "bench", "var", "deploy", "locale"]


def catalogue_locales():
    """pt_BR, es: every language but the one the code is written in."""
    return [to_locale(code) for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class Command(makemessages.Command):
    def handle(self, *args, **options):
        if not options["locale"] and not options["all"]:
            options["locale"] = catalogue_locales()
        options["ignore_patterns"] = [*options["ignore_patterns"], *IGNORED]
        options["no_location"] = True
        options["no_wrap"] = True
        options["no_obsolete"] = True
        return super().handle(*args, **options)
