"""The translation catalogues (locale/<locale>/LC_MESSAGES/django.po), read with polib."""

from pathlib import Path

import polib
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"


def catalogue(locale, root=LOCALE):
    path = root / locale / "LC_MESSAGES" / "django.po"
    assert path.is_file(), path  # polib would read a missing file's name as the catalogue's text
    return polib.pofile(str(path))
