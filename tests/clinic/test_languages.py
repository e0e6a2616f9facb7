"""The interface language: chosen per user on every page, the browser's before sign-in."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import translation

from clinic.models import Patient, User
from tests.support.clients import signed_in
from tests.support.forms import admin_change
from tests.support.posts import patient_data

pytestmark = pytest.mark.django_db


def page_language(response):
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def choose(client, language, back="/patients/"):
    return client.post(reverse("choose-language"), {"language": language, "next": back})


def test_the_sign_in_page_speaks_the_browsers_language():
    assert page_language(Client(HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.9").get(reverse("login"))) == "pt-br"
    assert page_language(Client(HTTP_ACCEPT_LANGUAGE="es-MX").get(reverse("login"))) == "es"
    assert page_language(Client(HTTP_ACCEPT_LANGUAGE="pt-PT").get(reverse("login"))) == "pt-br"
    assert page_language(Client(HTTP_ACCEPT_LANGUAGE="de-DE").get(reverse("login"))) == "en-gb"


def test_every_page_offers_the_language_menu(clinician_client):
    for url in (reverse("login"), reverse("patient-list"), reverse("preset-list")):
        client = Client() if url == reverse("login") else clinician_client
        body = client.get(url).content.decode()
        assert 'id="language-menu"' in body, url
        assert all(f'value="{code}"' in body for code, _name in settings.LANGUAGES)


def test_a_language_chosen_is_saved_on_the_user_and_followed_on_every_device(clinician_client, clinician):
    response = choose(clinician_client, "pt-br")

    assert response.status_code == 302 and response["Location"] == "/patients/"
    clinician.refresh_from_db()
    assert clinician.language == "pt-br"
    assert page_language(clinician_client.get(reverse("patient-list"))) == "pt-br"
    another_device = signed_in(clinician, Client(HTTP_ACCEPT_LANGUAGE="en-GB"))
    assert page_language(another_device.get(reverse("patient-list"))) == "pt-br"


def test_a_language_chosen_before_signing_in_is_remembered_by_that_browser_for_a_year():
    browser = Client(HTTP_ACCEPT_LANGUAGE="en-GB")

    choose(browser, "es", back=reverse("login"))

    assert page_language(browser.get(reverse("login"))) == "es"
    assert browser.cookies[settings.LANGUAGE_COOKIE_NAME]["max-age"] == 365 * 24 * 3600


def test_an_unknown_language_changes_nothing(clinician_client, clinician):
    response = choose(clinician_client, "xx-evil")

    assert response.status_code == 302
    clinician.refresh_from_db()
    assert clinician.language == ""
    assert page_language(clinician_client.get(reverse("patient-list"))) == "en-gb"


def test_the_way_back_never_leaves_the_site(clinician_client):
    response = choose(clinician_client, "es", back="https://elsewhere.example/steal")

    assert response["Location"] == reverse("home")


def test_the_admin_follows_the_users_language_and_offers_the_menu(client_for, superuser):
    superuser.language = "es"
    superuser.save(update_fields=["language"])

    response = client_for(superuser).get(reverse("admin:index"))

    body = response.content.decode()
    assert page_language(response) == "es"
    assert 'id="language-menu"' in body
    with translation.override("es"):
        header = str(admin.site.site_header)
    assert header != "Scalp Session Logger administration" and header in body


def test_a_date_typed_day_first_is_understood_in_portuguese(clinician_client, clinician):
    clinician.language = "pt-br"
    clinician.save(update_fields=["language"])

    response = clinician_client.post(reverse("patient-create"), patient_data(date_of_birth="14/03/1986"))

    assert response.status_code == 302
    assert Patient.objects.get(record_number="P-77001").date_of_birth == date(1986, 3, 14)


def test_an_administrator_sets_the_language_of_a_new_account_and_of_an_existing_one(client_for, superuser, clinician):
    admin_client = client_for(superuser)

    created = admin_client.post(
        reverse("admin:clinic_user_add"),
        {"username": "dra.lima", "usable_password": "false", "language": "pt-br"},
    )
    admin_change(admin_client, reverse("admin:clinic_user_change", args=[clinician.pk]), language="es")

    assert created.status_code == 302
    assert User.objects.get(username="dra.lima").language == "pt-br"
    clinician.refresh_from_db()
    assert clinician.language == "es"
