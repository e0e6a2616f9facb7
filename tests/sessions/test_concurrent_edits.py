"""Two clinicians editing one session: the second save is refused with what changed; no update is lost."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from clinic.models import Patient
from sessions.models import TreatmentSession
from tests.support.clients import signed_in
from tests.support.factories import PatientFactory, SessionFactory, UserFactory
from tests.support.posts import edit_data, patient_data


@pytest.mark.django_db
def test_the_second_of_two_stale_forms_is_refused_and_shows_what_changed(client_for, clinician):
    session = SessionFactory(needle_depth_mm=Decimal("1.00"), pain_score=3)
    colleague = UserFactory(username="dr.bianchi", roles=["clinician"])
    first_form = edit_data(session, needle_depth_mm="1.2")  # both forms were opened at version 1
    second_form = edit_data(session, pain_score="7")

    assert client_for(colleague).post(reverse("session-edit", args=[session.pk]), first_form).status_code == 302
    refused = client_for(clinician).post(reverse("session-edit", args=[session.pk]), second_form)

    body = refused.content.decode()
    assert refused.status_code == 200
    assert "Someone else saved this record while you were editing it." in body
    assert "Changed by dr.bianchi" in body and "needle depth (mm): 1.00 → 1.20" in body
    assert 'name="pain_score" value="7"' in body  # what the second clinician typed is still there
    stored = TreatmentSession.objects.get(pk=session.pk)
    assert (stored.needle_depth_mm, stored.pain_score) == (Decimal("1.20"), 3)


@pytest.mark.django_db
def test_after_reading_the_conflict_the_clinician_can_save_deliberately(client_for, clinician):
    session = SessionFactory(needle_depth_mm=Decimal("1.00"), pain_score=3)
    stale = edit_data(session, pain_score="7")
    client_for(clinician).post(reverse("session-edit", args=[session.pk]), edit_data(session, needle_depth_mm="1.2"))
    client = client_for(clinician)
    refused = client.post(reverse("session-edit", args=[session.pk]), stale)

    rebased = {**stale, "seen_version": refused.context["form"].data["seen_version"]}
    saved = client.post(reverse("session-edit", args=[session.pk]), {**rebased, "needle_depth_mm": "1.2"})

    assert saved.status_code == 302
    stored = TreatmentSession.objects.get(pk=session.pk)
    assert (stored.needle_depth_mm, stored.pain_score, stored.version) == (Decimal("1.20"), 7, 3)


@pytest.mark.django_db
def test_a_stale_patient_form_is_refused_too(client_for, clinician):
    patient = PatientFactory(record_number="P-00042", first_name="Ada")
    first, second = patient_data(patient, first_name="Augusta"), patient_data(patient, first_name="Adah")

    client_for(clinician).post(reverse("patient-edit", args=[patient.pk]), first)
    refused = client_for(clinician).post(reverse("patient-edit", args=[patient.pk]), second)

    assert "Someone else saved this record while you were editing it." in refused.content.decode()
    assert "first name: Ada → Augusta" in refused.content.decode()
    assert Patient.objects.get(pk=patient.pk).first_name == "Augusta"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_never_lose_an_update(clinician):
    session = SessionFactory(needle_depth_mm=Decimal("1.00"), pain_score=3)
    forms = [edit_data(session, needle_depth_mm="1.2"), edit_data(session, pain_score="7")]
    start = threading.Barrier(len(forms))
    statuses = []

    def post(form):
        client = Client()
        signed_in(clinician, client)
        start.wait()
        statuses.append(client.post(reverse("session-edit", args=[session.pk]), form).status_code)
        connection.close()

    threads = [threading.Thread(target=post, args=(form,)) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [200, 302]  # one saved, one told about the conflict
    stored = TreatmentSession.objects.get(pk=session.pk)
    assert (stored.needle_depth_mm, stored.pain_score) in {(Decimal("1.20"), 3), (Decimal("1.00"), 7)}
    assert stored.version == 2
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="session").count() == 1
