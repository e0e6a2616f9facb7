"""A clinician whose interface writes a decimal comma types 0,3 and gets exactly 0.3 stored, and reads it back
the same way."""

from decimal import Decimal

import pytest
from django.urls import reverse

from sessions.models import TreatmentSession
from tests.support.factories import LotFactory, SessionFactory
from tests.support.posts import session_data, with_blend

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_portuguese(clinician_client, clinician):
    clinician.language = "pt-br"
    clinician.save(update_fields=["language"])
    return clinician_client


def test_depth_and_concentration_typed_with_commas_are_stored_exactly(in_portuguese, patient):
    data = with_blend(session_data(needle_depth_mm="0,3"), LotFactory(), concentration="0,5", volume_ml="1,5")

    response = in_portuguese.post(reverse("session-log", args=[patient.pk]), data)

    assert response.status_code == 302
    session = TreatmentSession.objects.get()
    assert session.needle_depth_mm == Decimal("0.3")
    component = session.blend_components.get()
    assert (component.concentration, component.volume_ml) == (Decimal("0.5"), Decimal("1.5"))


def test_a_point_is_still_understood(in_portuguese, patient):
    in_portuguese.post(reverse("session-log", args=[patient.pk]), session_data(needle_depth_mm="1.2"))

    assert TreatmentSession.objects.get().needle_depth_mm == Decimal("1.2")


def test_the_edit_form_and_the_session_page_write_commas(in_portuguese, patient):
    session = SessionFactory(patient=patient, needle_depth_mm=Decimal("0.60"))

    form = in_portuguese.get(reverse("session-edit", args=[session.pk])).content.decode()
    page = in_portuguese.get(session.get_absolute_url()).content.decode()

    assert 'name="needle_depth_mm" value="0,6"' in form
    assert 'inputmode="decimal"' in form
    assert "0,6 mm" in page


def test_a_depth_out_of_range_is_explained_with_local_numbers(in_portuguese, patient):
    response = in_portuguese.post(reverse("session-log", args=[patient.pk]), session_data(needle_depth_mm="3,5"))

    assert response.status_code == 200
    assert not TreatmentSession.objects.exists()
    assert "0,1" in response.content.decode() and "3,0 mm" in response.content.decode()


def test_english_keeps_its_number_inputs_and_points(clinician_client, patient):
    session = SessionFactory(patient=patient, needle_depth_mm=Decimal("0.60"))

    form = clinician_client.get(reverse("session-edit", args=[session.pk])).content.decode()

    assert 'type="number" name="needle_depth_mm" value="0.6"' in form


def test_a_products_default_strength_is_offered_as_the_input_writes_it(in_portuguese, patient):
    product = LotFactory(product__default_concentration=Decimal("0.5"), product__default_concentration_unit="%").product

    form = in_portuguese.get(reverse("session-log", args=[patient.pk])).content.decode()

    assert f'value="{product.pk}" data-concentration="0,5" data-unit="%"' in form
