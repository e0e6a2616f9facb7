"""Only clinicians (and admins) reach patient data; everyone else is turned away."""

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from sessions.courses import course_key
from tests.support.db import stored_state
from tests.support.factories import BlendComponentFactory
from tests.support.photos import store_photos
from tests.support.posts import patient_data


@pytest.fixture
def stored_session(db, clinician, settings):
    return store_photos(BlendComponentFactory().session, clinician)


def patient_data_urls(session):
    photo = session.photos.get()
    patient = session.patient
    return [
        reverse("patient-list"),
        reverse("patient-create"),
        reverse("patient-detail", args=[patient.pk]),
        reverse("patient-edit", args=[patient.pk]),
        reverse("session-log", args=[patient.pk]),
        reverse("session-detail", args=[session.pk]),
        reverse("session-edit", args=[session.pk]),
        reverse("photo-file", args=[photo.pk]),
        reverse("photo-thumbnail", args=[photo.pk]),
        reverse("photo-screen", args=[photo.pk]),
        reverse("session-report", args=[session.pk]),
        reverse("course-report", args=[patient.pk, *course_key(session)]),
    ]


def test_clinicians_and_admins_reach_every_patient_page(stored_session, client_for, clinician, superuser):
    for user in (clinician, superuser):
        client = client_for(user)
        for url in patient_data_urls(stored_session):
            assert client.get(url).status_code == 200, url


def test_anonymous_visitors_are_sent_to_the_login_page(stored_session, client):
    for url in patient_data_urls(stored_session):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url


def test_staff_without_the_clinician_role_get_403_and_see_no_patient_data(stored_session, refused_client):
    patient = stored_session.patient
    for url in patient_data_urls(stored_session):
        response = refused_client.get(url)
        assert response.status_code == 403, url
        body = response.content.decode()
        assert patient.last_name not in body
        assert patient.record_number not in body


def test_posts_from_staff_without_the_role_change_nothing(stored_session, refused_client):
    patient = stored_session.patient
    before = stored_state()

    # A post a clinician's edit would save: only the role stands in the way.
    response = refused_client.post(
        reverse("patient-edit", args=[patient.pk]), patient_data(patient, first_name="Changed")
    )

    assert response.status_code == 403
    assert stored_state() == before
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_REFUSED).count() == 1


def test_unknown_records_are_404_for_clinicians(clinician_client):
    assert clinician_client.get(reverse("patient-detail", args=[999999])).status_code == 404
    assert clinician_client.get(reverse("session-detail", args=[999999])).status_code == 404
    assert clinician_client.get("/photos/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_inactive_clinicians_are_treated_as_signed_out(stored_session, client_for, clinician):
    client = client_for(clinician)
    clinician.is_active = False
    clinician.save()

    response = client.get(reverse("patient-list"))

    assert response.status_code == 302


def test_the_home_page_explains_to_other_roles_that_patient_data_is_closed(researcher, client_for):
    response = client_for(researcher).get("/")

    assert response.status_code == 200
    assert "does not give access to patient records" in response.content.decode()


def test_the_home_page_takes_clinicians_to_their_patients(clinician_client):
    response = clinician_client.get("/")

    assert response.status_code == 302
    assert response["Location"] == reverse("patient-list")


def test_media_files_have_no_public_url(stored_session, clinician_client):
    photo = stored_session.photos.get()

    assert clinician_client.get(f"/media/{photo.image.name}").status_code == 404
    assert clinician_client.get(f"/{photo.image.name}").status_code == 404


def test_model_permissions_alone_do_not_open_clinical_records_in_the_admin(stored_session, client_for):
    from django.contrib.auth.models import Permission

    from tests.support.factories import UserFactory

    staff_curator = UserFactory(is_staff=True, roles=["curator"])
    staff_curator.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_patient", "view_treatmentsession"])
    )
    client = client_for(staff_curator)

    patient = stored_session.patient
    for url in (
        reverse("admin:clinic_patient_changelist"),
        reverse("admin:clinic_patient_change", args=[patient.pk]),
        reverse("admin:treatments_treatmentsession_change", args=[stored_session.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert patient.last_name not in response.content.decode()
