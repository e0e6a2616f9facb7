"""Every main page, in each language the clinic may choose, leaves no English behind: what the pages say comes
from the catalogues, and only data (names, products, presets and their citations, free text) stays as entered."""

import re

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation

from clinic.management.commands.makemessages import catalogue_locales
from tests.support.catalogues import catalogue
from tests.support.clients import signed_in
from tests.support.main_pages import every_main_page
from tests.support.pages import readable_texts

pytestmark = pytest.mark.django_db

# Written the same way in English, Portuguese and Spanish: names of methods, scales and units.
SAME_IN_EVERY_LANGUAGE = {"mmp", "salt", "smp", "pdf", "csv", "zip", "mm", "ml", "hz", "cm", "µm", "spss", "stata"}
WORD = re.compile(r"[^\W\d_]{2,}")
OUR_APPS = ("clinic", "treatments", "protocols", "research")


def words(text):
    return {word.lower() for word in WORD.findall(re.sub(r"%\(\w+\)[sd]|<[^>]+>", " ", text))}


def english_words(locale):
    """Words of the English source strings that no translation in this language uses: on its pages, a sign of a
    string left untranslated."""
    source, translated = set(), set()
    for entry in catalogue(locale):
        source |= words(entry.msgid) | words(entry.msgid_plural or "")
        for said in [entry.msgstr, *entry.msgstr_plural.values()]:
            translated |= words(said)
    return source - translated - SAME_IN_EVERY_LANGUAGE


def stored_texts():
    """A pattern matching, as whole words, every text the database holds: data, shown as entered in any language."""
    texts = set()
    for model in apps.get_models():
        if model._meta.app_label not in (*OUR_APPS, "auth"):
            continue
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]
        for row in model._default_manager.values_list(*fields) if fields else ():
            texts |= {value for value in row if value and len(value) > 1}
    alternatives = "|".join(re.escape(text) for text in sorted(texts, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def left_in_english(html, english, data):
    found = []
    for text in readable_texts(html):
        if words(data.sub(" ", text)) & english:
            found.append(text)
    return found


@pytest.fixture
def pages(db, seeded_presets):
    return every_main_page() | {
        "new-patient": reverse("patient-create"),
        "account": reverse("account"),
    }


@pytest.mark.parametrize("locale", catalogue_locales())
def test_every_main_page_speaks_the_chosen_language(pages, locale):
    language = translation.to_language(locale)
    everyone = apps.get_model("clinic", "User").objects.get(username="dr.everything")
    everyone.language = language
    everyone.save(update_fields=["language"])
    client = signed_in(everyone)
    english, data = english_words(locale), stored_texts()

    untranslated = {}
    for name, address in pages.items():
        response = client.get(address)
        assert response.status_code == 200, name
        assert f'<html lang="{language}">' in response.content.decode()
        untranslated[name] = left_in_english(response.content.decode(), english, data)
    sign_in_page = Client(HTTP_ACCEPT_LANGUAGE=language).get(reverse("login")).content.decode()
    untranslated["sign-in"] = left_in_english(sign_in_page, english, data)

    assert {name: texts for name, texts in untranslated.items() if texts} == {}
