from django.urls import reverse

from tests.support.clients import authenticator, current_code
from tests.support.factories import PASSWORD, UserFactory


def test_a_clinician_logs_in_with_both_factors_and_lands_on_the_patient_list(client, db):
    device = authenticator(UserFactory(username="dr.rossi", roles=["clinician"]))

    password = client.post(reverse("login"), {"username": "dr.rossi", "password": PASSWORD}, follow=True)
    assert password.redirect_chain[-1][0] == f"{reverse('second-factor')}?next=%2F"
    code = client.post(password.redirect_chain[-1][0], {"code": current_code(device), "next": "/"}, follow=True)

    assert code.redirect_chain[-1][0] == reverse("patient-list")


def test_login_returns_to_the_page_that_was_asked_for(client, db):
    UserFactory(username="dr.rossi", roles=["clinician"])

    response = client.post(
        reverse("login") + "?next=/patients/new/",
        {"username": "dr.rossi", "password": PASSWORD, "next": "/patients/new/"},
    )

    assert response["Location"] == "/patients/new/"


def test_login_never_redirects_to_another_site(client, db):
    UserFactory(username="dr.rossi", roles=["clinician"])

    response = client.post(
        reverse("login"), {"username": "dr.rossi", "password": PASSWORD, "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("home")


def test_a_wrong_password_is_refused_with_a_message_and_keeps_the_username(client, db):
    UserFactory(username="dr.rossi", roles=["clinician"])

    response = client.post(reverse("login"), {"username": "dr.rossi", "password": "wrong"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Please enter a correct username and password" in body
    assert 'value="dr.rossi"' in body
    assert "_auth_user_id" not in client.session


def test_logging_out_ends_the_session(clinician_client):
    response = clinician_client.post(reverse("logout"))

    assert response["Location"] == reverse("login")
    assert clinician_client.get(reverse("patient-list")).status_code == 302


def test_logout_by_a_plain_link_is_refused_so_no_page_can_log_a_clinician_out(clinician_client):
    assert clinician_client.get(reverse("logout")).status_code == 405
    assert clinician_client.get(reverse("patient-list")).status_code == 200
