"""A session keeps the equipment and stock it used as they stood: renaming a product, correcting a lot or a
device, or changing a cartridge's needle count in the admin leaves every past session's page, its stored
departures and the research export as they were. Migration 0007 filled the copies from the data of the day."""

from decimal import Decimal
from importlib import import_module

import pytest
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from sessions.models import BlendComponent, TreatmentSession
from sessions.services import save_session
from tests.research.support import exported
from tests.support.factories import CartridgeFactory, DeviceFactory, LotFactory, PatientFactory, SessionFactory
from tests.support.forms import admin_change
from tests.support.pages import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(clinician, barletta):
    """A session exactly as the Barletta preset asks: 27 needles, 1.0 mm, 70 Hz, triamcinolone 10 mg/mL."""
    lot = LotFactory(product__name="Kenalog", product__active_ingredient="triamcinolone acetonide", number="K-17")
    logged = SessionFactory.build(
        patient=PatientFactory(),
        clinician=clinician,
        preset=barletta,
        device=DeviceFactory(manufacturer="Cheyenne", model_name="Hawk Pen", serial_number="HP-1"),
        cartridge=CartridgeFactory(name="Cheyenne Safety 27 RM", needle_count=27),
        needle_depth_mm=Decimal("1.00"),
        frequency_hz=70,
    )
    blend = [BlendComponent(product=lot.product, lot=lot, concentration=Decimal("10"), concentration_unit="mg/mL")]
    return save_session(session=logged, components=blend, uploaded_by=clinician)


def record_part(page):
    """The session's record as the page shows it (nonces and tokens change with every answer)."""
    return page[page.index("<main") : page.index("</main>")]


def rewrite_master_data(admin, session):
    """What a careless edit of master data would do to every past session that reads it live."""
    component = session.blend_components.get()
    admin_change(
        admin,
        reverse("admin:clinic_product_change", args=[component.product_id]),
        name="Kenalog 40 (new label)",
        active_ingredient="dexamethasone",
        **{"lots-0-number": "K-17-CORRECTED", "lots-0-expiry_date": "2020-01-31"},
    )
    admin_change(admin, reverse("admin:clinic_needlecartridge_change", args=[session.cartridge_id]), needle_count=12)
    admin_change(admin, reverse("admin:clinic_device_change", args=[session.device_id]), model_name="Falcon")


def test_editing_master_data_leaves_a_past_session_page_its_departures_and_the_export_as_they_were(
    session, clinician_client, client_for, superuser
):
    page = reverse("session-detail", args=[session.pk])
    shown_before, exported_before = text(clinician_client.get(page)), exported()
    session.refresh_from_db()
    assert (session.deviation_count, session.deviation_summary) == (0, "")

    rewrite_master_data(client_for(superuser), session)

    response = clinician_client.get(page)
    shown = text(response)
    for kept in ("Kenalog", "triamcinolone acetonide", "K-17", "Cheyenne Hawk Pen #HP-1", "27 needles"):
        assert kept in shown
    for rewritten in ("new label", "dexamethasone", "CORRECTED", "Falcon", "12 needles", "expired"):
        assert rewritten not in shown
    assert record_part(shown) == record_part(shown_before)
    assert response.context["deviations"] == []
    session.refresh_from_db()
    assert (session.deviation_count, session.deviation_summary) == (0, "")
    assert exported() == exported_before


def test_an_edit_that_keeps_the_equipment_keeps_what_it_used_and_a_new_choice_is_copied_as_it_is(
    session, clinician, client_for, superuser
):
    rewrite_master_data(client_for(superuser), session)

    session.pain_score = 5
    blend = list(session.blend_components.current())
    save_session(session=session, components=blend, uploaded_by=clinician, amendment_reason="Pain noted later")
    session.refresh_from_db()
    assert (session.device_label, session.cartridge_needle_count) == ("Cheyenne Hawk Pen #HP-1", 27)

    session.cartridge = CartridgeFactory(name="Nano 1 RL", configuration="nano", needle_count=1)
    save_session(
        session=session, components=blend, uploaded_by=clinician, warnings_confirmed=True, amendment_reason="Wrong one"
    )
    session.refresh_from_db()
    assert (session.cartridge_name, session.cartridge_configuration, session.cartridge_needle_count) == (
        "Nano 1 RL",
        "nano",
        1,
    )
    assert session.deviation_summary == "needle_count: 1 (preset 27)"


def test_migration_0007_copies_todays_master_data_into_every_session_and_blend_row(session):
    other = SessionFactory(device=None, cartridge=None)
    kept = ["device_kind", "device_model", "cartridge_name", "cartridge_needle_count"]
    sessions = TreatmentSession.objects.order_by("pk")
    before = list(sessions.values_list(*kept))
    blend_before = list(BlendComponent.objects.values_list("product_name", "active_ingredient", "lot_number"))
    sessions.update(device_kind="", device_model="", cartridge_name="", cartridge_needle_count=None)
    BlendComponent.objects.update(product_name="", active_ingredient="", lot_number="")

    apps = MigrationLoader(None, ignore_no_migrations=True).project_state(("treatments", "0007_kept_master_data")).apps
    import_module("sessions.migrations.0007_kept_master_data").keep_what_was_used(apps, None)

    assert list(sessions.values_list(*kept)) == before
    assert before[0] == ("rotary_tattoo", "Hawk Pen", "Cheyenne Safety 27 RM", 27)
    assert sessions.get(pk=other.pk).device_label == ""
    assert list(BlendComponent.objects.values_list("product_name", "active_ingredient", "lot_number")) == blend_before
    assert blend_before == [("Kenalog", "triamcinolone acetonide", "K-17")]
