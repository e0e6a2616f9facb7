"""Headers, production settings, error pages and logs: nothing weakens the clinic's defences or leaks data."""

import io
import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils.log import configure_logging

from clinic.logs import RedactingFormatter
from sessions.courses import course_key
from tests.support.clients import signed_in
from tests.support.factories import PatientFactory, SessionFactory
from tests.support.photos import stored_photo

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "authenticated"),
    [
        ("/accounts/login/", False),
        ("/patients/", True),
        ("/patients/new/", True),
        ("/accounts/second-factor/setup/", True),
    ],
)
def test_every_html_page_has_a_content_security_policy_with_a_nonce(client, clinician, url, authenticated):
    if authenticated:
        signed_in(clinician, client)
    response = client.get(url)

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    # Every script the page runs carries the nonce (a JSON data block is not run, and needs none).
    scripts = [tag for tag in scripts if 'type="application/json"' not in tag]
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
def test_pages_forbid_framing_and_sniffing(clinician_client):
    response = clinician_client.get("/patients/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_no_page_or_file_with_patient_data_is_kept_by_the_browser_and_unused_features_are_off(
    clinician_client, client_for, researcher, clinician
):
    session = SessionFactory()
    photo = stored_photo(session, clinician)
    shown = [
        reverse("patient-list") + "?q=Ada",
        session.patient.get_absolute_url(),
        reverse("patient-edit", args=[session.patient.pk]),
        session.get_absolute_url(),
        reverse("session-edit", args=[session.pk]),
        reverse("photo-file", args=[photo.pk]),
        reverse("photo-thumbnail", args=[photo.pk]),
        reverse("photo-screen", args=[photo.pk]),
        reverse("photo-compare", args=[session.patient.pk]),
        reverse("session-report", args=[session.pk]),
        reverse("course-report", args=[session.patient.pk, *course_key(session)]),
    ]
    responses = [clinician_client.get(url) for url in shown]
    responses.append(client_for(researcher).get(reverse("export-download", args=["sessions"])))
    responses.append(Client().get(reverse("login")))

    for response in responses:
        assert response.status_code == 200, response.request["PATH_INFO"]
        assert response["Cache-Control"] == "no-store", response.request["PATH_INFO"]
        policy = response["Permissions-Policy"]
        assert "geolocation=()" in policy and "microphone=()" in policy and "payment=()" in policy
        assert "publickey-credentials-get=(self)" in policy


def test_the_deploy_checks_pass_with_production_settings():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env |= {
        "DJANGO_SECRET_KEY": "x7!" + "k" * 60 + "Zq9#long-random-production-key",
        "DJANGO_ALLOWED_HOSTS": "clinic.example",
        "DJANGO_HTTPS": "1",
        "DJANGO_BEHIND_TLS_PROXY": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_a_server_error_page_shows_no_patient_data(clinician):
    patient = PatientFactory(first_name="Zenobia", last_name="Quartermaine", record_number="P-77777")
    client = Client(raise_request_exception=False)
    signed_in(clinician, client)
    leak = IntegrityError(f"duplicate key (record_number)=({patient.record_number}) for {patient.last_name}")

    with mock.patch("clinic.views.PatientForm", side_effect=leak):
        response = client.get(reverse("patient-edit", args=[patient.pk]))

    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "Quartermaine" not in body and "P-77777" not in body and "Zenobia" not in body


def handlers_reaching(logger):
    while logger:
        yield from logger.handlers
        if not logger.propagate:
            return
        logger = logger.parent


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True], ids=["production", "make run (DEBUG)"])
def test_a_server_error_writes_no_patient_data_to_the_log(clinician, settings, debug):
    patient = PatientFactory(first_name="Zenobia", last_name="Quartermaine", record_number="P-77777")
    leak = IntegrityError(f"duplicate key (record_number)=({patient.record_number}) for {patient.last_name}")
    client = Client(raise_request_exception=False)
    signed_in(clinician, client)
    written = io.StringIO()
    try:
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)  # as at start-up: Django's, then ours
        for handler in handlers_reaching(logging.getLogger("django.request")):
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(written)
        settings.DEBUG = debug
        with mock.patch("clinic.views.PatientForm", side_effect=leak):
            client.get(reverse("patient-edit", args=[patient.pk]))
    finally:
        settings.DEBUG = False
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)

    log = written.getvalue()
    assert log.count("Internal Server Error: /patients/") == 1
    assert "django.db.utils.IntegrityError" in log
    assert "Quartermaine" not in log and "P-77777" not in log and "Zenobia" not in log


def test_logged_tracebacks_keep_where_but_not_the_message_that_may_quote_patient_data():
    record_number, last_name = "P-77777", "Quartermaine"
    try:
        raise IntegrityError(f"duplicate key (record_number)=({record_number}) for {last_name}")
    except IntegrityError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            ("/patients/5/edit/",),
            sys.exc_info(),
        )

    text = RedactingFormatter("%(message)s").format(record)

    assert "Internal Server Error: /patients/5/edit/" in text
    assert "test_security.py" in text and "django.db.utils.IntegrityError" in text
    assert "Quartermaine" not in text and "P-77777" not in text


def test_the_application_log_handler_uses_the_redacting_formatter():
    from django.conf import settings

    assert settings.LOGGING["handlers"]["console"]["formatter"] == "redacted"
    assert settings.LOGGING["formatters"]["redacted"]["()"] == "clinic.logs.RedactingFormatter"
