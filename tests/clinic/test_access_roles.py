"""One role check for every page: signed in, active, holding the role (a superuser holds them all)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from clinic.access import has_role, role_required
from clinic.roles import ALL_ROLES, CLINICIAN, CURATOR, RESEARCHER

HELD = {"clinician": {CLINICIAN}, "curator": {CURATOR}, "researcher": {RESEARCHER}, "outsider": set()}


@pytest.mark.parametrize("holder", HELD)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_staff_hold_exactly_the_roles_of_their_groups(request, holder, role):
    user = request.getfixturevalue(holder)

    assert has_role(user, role) is (role in HELD[holder])


@pytest.mark.parametrize("role", ALL_ROLES)
def test_a_superuser_holds_every_role(superuser, role):
    assert has_role(superuser, role)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_a_deactivated_account_holds_no_role(superuser, role):
    superuser.is_active = False

    assert not has_role(superuser, role)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_anonymous_visitors_and_requests_without_a_user_hold_no_role(role):
    assert not has_role(AnonymousUser(), role)
    assert not has_role(None, role)


@role_required(CURATOR, "Curators only, please.")
def curators_page(request):
    return HttpResponse("curated")


def _get(user):
    request = RequestFactory().get("/curated/")
    request.user = user
    return request


def test_role_required_lets_the_holder_through(curator):
    assert curators_page(_get(curator)).content == b"curated"


def test_role_required_sends_anonymous_visitors_to_the_login_page():
    response = curators_page(_get(AnonymousUser()))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_role_required_refuses_staff_without_the_role_with_its_message(researcher):
    with pytest.raises(PermissionDenied, match=r"Curators only, please\."):
        curators_page(_get(researcher))


@pytest.mark.parametrize(
    ("url", "refused", "message"),
    [
        ("patient-list", "researcher", "Patient records are open to clinicians only."),
        ("export", "clinician", "The research export is open to researchers only."),
    ],
)
def test_the_403_page_says_why_the_page_is_refused(request, client_for, url, refused, message):
    response = client_for(request.getfixturevalue(refused)).get(reverse(url))

    assert response.status_code == 403
    assert message in response.content.decode()
