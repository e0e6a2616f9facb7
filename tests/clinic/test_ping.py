"""The floor view the page benchmark alternates with: signed in, it answers at once with nothing."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_answers_204_with_no_body_to_a_signed_in_user(clinician_client):
    response = clinician_client.get(reverse("session-ping"))

    assert response.status_code == 204
    assert response.content == b""


def test_it_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get(reverse("session-ping"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
