from unittest import mock

from django.db import OperationalError


def test_it_answers_ok_when_the_database_is_reachable(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_it_answers_503_when_the_database_is_unreachable(client, db):
    with mock.patch("clinic.views.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert b"database unreachable" in response.content


def test_it_needs_no_login_and_is_never_cached(client, db):
    response = client.get("/healthz")

    assert response["Cache-Control"] == "no-store"
