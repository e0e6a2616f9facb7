"""The translation catalogues are complete and in step with the code: every string the code marks is in each
catalogue, translated, with the same placeholders, none left fuzzy; nothing stale; the compiled files (which
`make run` serves without needing gettext) hold exactly what the catalogues say."""

import os
import re
import shutil

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from clinic.management.commands.makemessages import IGNORED, catalogue_locales
from tests.support.catalogues import LOCALE, catalogue

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")
# Without xgettext the check is skipped, except where CI says the catalogues must be checked.
NO_XGETTEXT = shutil.which("xgettext") is None and not os.environ.get("CATALOGUES_REQUIRED")
XGETTEXT_NEEDED = "makemessages needs GNU gettext (Debian's gettext package), which .ci/run installs"


def keys(po):
    return {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in po if not entry.obsolete}


def placeholders(text):
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text))


@pytest.fixture(params=catalogue_locales())
def locale(request):
    return request.param


def test_every_string_is_translated_and_none_is_fuzzy(locale):
    po = catalogue(locale)

    assert len(po) > 100
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []


def test_translations_keep_every_placeholder(locale):
    broken = []
    for entry in catalogue(locale):
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        expected = placeholders(entry.msgid_plural or entry.msgid)
        for translation in translations:
            # A singular form may name its number in words ("one session"): it may drop %(count)s, nothing else.
            missing = set(expected) - set(placeholders(translation)) - {"%(count)s"}
            if missing or set(placeholders(translation)) - set(expected) - set(placeholders(entry.msgid)):
                broken.append(f"{entry.msgid!r} → {translation!r}")
    assert broken == []


@pytest.mark.skipif(NO_XGETTEXT, reason=XGETTEXT_NEEDED)
def test_the_catalogues_hold_every_string_the_code_marks_and_nothing_more(locale, tmp_path):
    # makemessages writes into the catalogues of the tree it walks: it walks a copy of the sources here.
    copy = tmp_path / "tree"
    shutil.copytree(settings.BASE_DIR, copy, ignore=shutil.ignore_patterns(*IGNORED, ".git", "*.pyc"))
    (copy / "locale" / locale / "LC_MESSAGES").mkdir(parents=True)

    cwd = os.getcwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[copy / "locale"]):
            call_command("makemessages", locale=[locale], verbosity=0)
    finally:
        os.chdir(cwd)

    extracted, kept = keys(catalogue(locale, copy / "locale")), keys(catalogue(locale))
    assert sorted(extracted - kept, key=str) == [], "new strings: run `make messages` and translate them"
    assert sorted(kept - extracted, key=str) == [], "strings no longer in the code: run `make messages`"


def test_the_compiled_catalogue_says_what_the_catalogue_says(locale):
    po = catalogue(locale)
    mo = polib.mofile(str(LOCALE / locale / "LC_MESSAGES" / "django.mo"))

    def translations(entries):
        return {(e.msgctxt, e.msgid): e.msgstr or tuple(sorted(e.msgstr_plural.items())) for e in entries if e.msgid}

    assert translations(mo) == translations(po.translated_entries()), "run `make messages`"
