"""XSS and template-injection payloads in every free-text field, then every page that shows them.

Each payload is legitimate text: it must be stored exactly as typed, and shown escaped on
every page (clinician pages, forms, the admin and the audit trail), never as markup.
One marker per payload and field tells where each value turned up.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from clinic.models import Device, Lot, NeedleCartridge, Product
from sessions.models import TreatmentSession
from tests.hostile.payloads import XSS_PAYLOADS, assert_escaped
from tests.support.factories import BlendComponentFactory, PatientFactory, SessionFactory
from tests.support.pages import text
from tests.support.photos import stored_photo
from tests.support.posts import edit_data, patient_data, session_data

pytestmark = pytest.mark.django_db

by_payload = pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=[p.id for p in XSS_PAYLOADS])


def markers(payload, *codes):
    """A marker per field, unique to this payload: xq<payload index><field code>."""
    index = XSS_PAYLOADS.index(payload)
    return {code: f"xq{index}{code}" for code in codes}


def check_pages(clients, pages, payload, marks):
    """pages: (client name, url, codes of the fields that page shows). Every page is checked for every field."""
    for client_name, url, shown in pages:
        response = clients[client_name].get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        body = text(response)
        for code, marker in marks.items():
            assert_escaped(body, payload, marker, shown=code in shown, where=f"{url} ({code})")


def audit_page(event):
    return reverse("admin:audit_auditevent_change", args=[event.pk])


def latest_event(action, object_type):
    return AuditEvent.objects.filter(action=action, object_type=object_type).latest("pk")


@by_payload
def test_patient_free_text(payload, clinician_client, root_client):
    fields = {"first_name": "fn", "last_name": "ln", "phone": "ph", "notes": "nt"}
    marks = markers(payload, *fields.values())
    values = {name: payload.value(marks[code]) for name, code in fields.items()}
    patient = PatientFactory()
    session = SessionFactory(patient=patient)

    response = clinician_client.post(reverse("patient-edit", args=[patient.pk]), patient_data(patient, **values))

    assert response.status_code == 302, response.context and response.context["form"].errors
    patient.refresh_from_db()
    assert {name: getattr(patient, name) for name in values} == values  # stored exactly as typed
    event = latest_event(AuditAction.UPDATE, "patient")
    history_id = patient.history.latest().history_id
    names, everything = {"fn", "ln"}, set(fields.values())
    pages = [
        ("clinician", reverse("patient-list"), names),
        ("clinician", reverse("patient-detail", args=[patient.pk]), everything),
        ("clinician", reverse("patient-edit", args=[patient.pk]), everything),
        ("clinician", reverse("session-detail", args=[session.pk]), names),
        ("root", reverse("admin:clinic_patient_changelist"), names),
        ("root", reverse("admin:clinic_patient_change", args=[patient.pk]), everything),
        ("root", reverse("admin:clinic_patient_simple_history", args=[patient.pk, history_id]), everything),
        ("root", reverse("admin:treatments_treatmentsession_change", args=[session.pk]), names),
        ("root", audit_page(event), everything),
    ]
    check_pages({"clinician": clinician_client, "root": root_client}, pages, payload, marks)


@by_payload
def test_session_free_text_logged_then_amended_with_a_reason(payload, clinician_client, root_client, patient):
    fields = {"cartridge_lot": "lo", "adverse_event_notes": "ae", "notes": "nt"}
    marks = markers(payload, "lo", "ae", "nt", "n2", "re")
    logged = {name: payload.value(marks[code]) for name, code in fields.items()}
    three_days_ago = (timezone.localtime() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    # An expired cartridge makes the form ask for confirmation, quoting the lot number in a warning.
    data = session_data(**logged, adverse_events=["other"], cartridge_expiry="2020-01-01", performed_at=three_days_ago)
    url = reverse("session-log", args=[patient.pk])

    warned = clinician_client.post(url, data)
    assert warned.status_code == 200 and "Please check before saving" in text(warned)
    assert_escaped(text(warned), payload, marks["lo"], where="the warnings page")
    assert clinician_client.post(url, data | {"confirm_warnings": "on"}).status_code == 302
    session = TreatmentSession.objects.get()
    assert {name: getattr(session, name) for name in logged} == logged  # stored exactly as typed
    # Three days later it is an amendment: a new note, and a reason kept in the history and the audit trail.
    amended = edit_data(session, notes=payload.value(marks["n2"]), amendment_reason=payload.value(marks["re"]))
    response = clinician_client.post(reverse("session-edit", args=[session.pk]), amended | {"confirm_warnings": "on"})

    assert response.status_code == 302, response.context and response.context["form"].errors
    session.refresh_from_db()
    assert session.notes == payload.value(marks["n2"])
    latest = session.history.latest()
    assert latest.history_change_reason == payload.value(marks["re"])
    event = latest_event(AuditAction.UPDATE, "session")
    assert event.reason == payload.value(marks["re"])
    now_stored = {"lo", "ae", "n2"}
    pages = [
        ("clinician", reverse("session-detail", args=[session.pk]), set(marks)),  # history: nt → n2, reason
        ("clinician", reverse("session-edit", args=[session.pk]), now_stored),
        ("clinician", reverse("patient-detail", args=[patient.pk]), set()),
        ("root", reverse("admin:treatments_treatmentsession_change", args=[session.pk]), now_stored),
        (
            "root",
            reverse("admin:treatments_treatmentsession_simple_history", args=[session.pk, latest.history_id]),
            now_stored,
        ),
        ("root", audit_page(event), {"nt", "n2", "re"}),
    ]
    check_pages({"clinician": clinician_client, "root": root_client}, pages, payload, marks)


@by_payload
def test_void_reasons(payload, clinician, clinician_client, root_client):
    marks = markers(payload, "pv", "sv")
    session = SessionFactory()
    photo = stored_photo(session, clinician, view="top")

    photo_voided = clinician_client.post(reverse("photo-void", args=[photo.pk]), {"reason": payload.value(marks["pv"])})
    session_voided = clinician_client.post(
        reverse("session-void", args=[session.pk]), {"reason": payload.value(marks["sv"])}
    )

    assert photo_voided.status_code == session_voided.status_code == 302
    session.refresh_from_db()
    photo.refresh_from_db()
    assert session.void_reason == payload.value(marks["sv"])
    assert photo.void_reason == payload.value(marks["pv"])
    pages = [
        ("clinician", reverse("session-detail", args=[session.pk]), {"pv", "sv"}),
        ("clinician", f"{reverse('patient-detail', args=[session.patient_id])}?voided=1", {"sv"}),
        ("root", reverse("admin:treatments_treatmentsession_change", args=[session.pk]), {"pv"}),
        ("root", audit_page(latest_event(AuditAction.VOID, "photo")), {"pv"}),
        ("root", audit_page(latest_event(AuditAction.VOID, "session")), {"sv"}),
    ]
    check_pages({"clinician": clinician_client, "root": root_client}, pages, payload, marks)


@by_payload
def test_equipment_and_product_names_entered_in_the_admin(payload, clinician_client, root_client):
    marks = markers(payload, "dm", "dn", "ds", "cn", "pn", "pa", "ln")
    value = {code: payload.value(marker) for code, marker in marks.items()}
    added = [
        root_client.post(
            reverse("admin:clinic_device_add"),
            {"kind": "rotary_tattoo", "manufacturer": value["dm"], "model_name": value["dn"]}
            | {"serial_number": value["ds"], "active": "on"},
        ),
        root_client.post(
            reverse("admin:clinic_needlecartridge_add"),
            {"name": value["cn"], "configuration": "magnum", "active": "on"},
        ),
        root_client.post(
            reverse("admin:clinic_product_add"),
            {"name": value["pn"], "kind": "drug", "active_ingredient": value["pa"], "active": "on"}
            | {"lots-TOTAL_FORMS": "0", "lots-INITIAL_FORMS": "0", "lots-MIN_NUM_FORMS": "0"}
            | {"lots-MAX_NUM_FORMS": "1000"},
        ),
    ]
    assert [response.status_code for response in added] == [302, 302, 302]
    product = Product.objects.get(name=value["pn"])
    lot_added = root_client.post(reverse("admin:clinic_lot_add"), {"product": product.pk, "number": value["ln"]})
    assert lot_added.status_code == 302
    device = Device.objects.get(manufacturer=value["dm"], model_name=value["dn"], serial_number=value["ds"])
    cartridge = NeedleCartridge.objects.get(name=value["cn"])
    lot = Lot.objects.get(number=value["ln"])
    assert product.active_ingredient == value["pa"]
    session = SessionFactory(device=device, cartridge=cartridge)
    BlendComponentFactory(session=session, lot=lot, product=product)

    device_names, everything = {"dm", "dn", "ds"}, set(marks)
    pages = [
        ("root", reverse("admin:clinic_device_changelist"), device_names),
        ("root", reverse("admin:clinic_device_change", args=[device.pk]), device_names),
        ("root", reverse("admin:clinic_needlecartridge_change", args=[cartridge.pk]), {"cn"}),
        ("root", reverse("admin:clinic_product_change", args=[product.pk]), {"pn", "pa", "ln"}),
        ("root", reverse("admin:treatments_treatmentsession_change", args=[session.pk]), everything - {"pa"}),
        ("clinician", reverse("session-detail", args=[session.pk]), everything),
        ("clinician", reverse("patient-detail", args=[session.patient_id]), device_names | {"cn", "pn"}),
        ("clinician", reverse("session-edit", args=[session.pk]), everything - {"pa"}),
    ]
    check_pages({"clinician": clinician_client, "root": root_client}, pages, payload, marks)


@by_payload
def test_search_terms_are_echoed_escaped(payload, clinician_client, root_client):
    marker = markers(payload, "q")["q"]
    term = payload.value(marker)
    pages = [
        (clinician_client, reverse("patient-list")),
        (root_client, reverse("admin:clinic_patient_changelist")),
        (root_client, reverse("admin:audit_auditevent_changelist")),
    ]
    for client, url in pages:
        response = client.get(url, {"q": term})
        assert response.status_code == 200
        assert_escaped(text(response), payload, marker, where=url)
