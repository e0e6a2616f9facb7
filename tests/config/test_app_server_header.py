"""Behind a load balancer each app server says which one answered, and only when it is given a name."""

import pytest

from tests.config.test_settings import load

HEADER_MIDDLEWARE = "config.middleware.AppServerHeaderMiddleware"


@pytest.fixture
def named_server(settings):
    settings.APP_SERVER_NAME = "app-b"
    settings.MIDDLEWARE = [HEADER_MIDDLEWARE, *settings.MIDDLEWARE]


@pytest.mark.django_db
@pytest.mark.usefixtures("named_server")
@pytest.mark.parametrize("path", ["/healthz", "/accounts/login/", "/patients/", "/no-such-page/"])
def test_a_named_server_names_itself_on_pages_redirects_and_errors(client, path):
    response = client.get(path)

    assert response["X-App-Server"] == "app-b"


@pytest.mark.django_db
def test_without_a_name_no_response_says_which_server_answered(client):
    assert "X-App-Server" not in client.get("/healthz")


def test_the_header_is_installed_only_when_app_server_name_is_set():
    unnamed = load(["MIDDLEWARE"], DJANGO_SECRET_KEY="x")
    named = load(["MIDDLEWARE", "APP_SERVER_NAME"], DJANGO_SECRET_KEY="x", APP_SERVER_NAME="app-a")

    assert HEADER_MIDDLEWARE not in unnamed
    assert named.startswith(f"[[{HEADER_MIDDLEWARE!r},")
    assert named.endswith("'app-a']")
