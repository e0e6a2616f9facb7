"""sessions.services.save_session: a session, its blend and its photos are stored together or not at all."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from sessions.models import BlendComponent, SessionPhoto, TreatmentSession
from sessions.services import UnconfirmedWarnings, save_session
from tests.support.factories import CartridgeFactory, DeviceFactory, LotFactory, PatientFactory
from tests.support.images import png_bytes
from tests.support.photos import new_photo

pytestmark = pytest.mark.django_db


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def new_session(clinician, **fields):
    patient = fields.pop("patient", None) or PatientFactory()
    values = {
        "performed_at": timezone.now() - timedelta(hours=1),
        "technique": "mmp",
        "device": DeviceFactory(),
        "cartridge": CartridgeFactory(),
        "needle_depth_mm": Decimal("1.0"),
        "frequency_hz": 120,
        "adverse_events": ["none"],
    }
    return TreatmentSession(patient=patient, clinician=clinician, **{**values, **fields})


def two_components():
    minoxidil, dutasteride = LotFactory(product__name="Minoxidil"), LotFactory(product__name="Dutasteride")
    return [
        BlendComponent(
            product=minoxidil.product,
            lot=minoxidil,
            concentration=Decimal("0.5"),
            concentration_unit="%",
            volume_ml=Decimal("2"),
        ),
        BlendComponent(
            product=dutasteride.product,
            lot=dutasteride,
            concentration=Decimal("0.05"),
            concentration_unit="%",
            volume_ml=Decimal("1"),
        ),
    ]


def photo(phase="before", view="vertex", content=None):
    return new_photo(content, phase=phase, view=view)


def test_it_stores_a_session_with_a_two_component_blend_and_two_photos(clinician, settings):
    session = save_session(
        session=new_session(clinician),
        components=two_components(),
        photos=[photo("before"), photo("after", content=png_bytes())],
        uploaded_by=clinician,
    )

    stored = TreatmentSession.objects.get()
    assert stored.pk == session.pk
    assert sorted(c.product.name for c in stored.blend_components.all()) == ["Dutasteride", "Minoxidil"]
    photos = list(stored.photos.all())
    assert [p.phase for p in photos] == ["before", "after"]
    assert {p.content_type for p in photos} == {"image/jpeg", "image/png"}
    assert all(p.uploaded_by == clinician and p.taken_at == stored.performed_at for p in photos)
    assert len(stored_files(settings)) == 4  # two images, two thumbnails


def test_a_photo_that_fails_to_store_leaves_nothing_behind(clinician, settings):
    real_save = FileSystemStorage._save
    calls = []

    def disk_full_on_third_file(self, name, content):
        calls.append(name)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real_save(self, name, content)

    with mock.patch.object(FileSystemStorage, "_save", disk_full_on_third_file), pytest.raises(OSError):
        save_session(
            session=new_session(clinician),
            components=two_components(),
            photos=[photo("before"), photo("after")],
            uploaded_by=clinician,
        )

    assert len(calls) == 3
    assert not TreatmentSession.objects.exists()
    assert not BlendComponent.objects.exists()
    assert not SessionPhoto.objects.exists()
    assert stored_files(settings) == []


def test_an_invalid_photo_row_is_refused_before_anything_is_written(clinician, settings):
    with pytest.raises(ValidationError) as refused:
        save_session(
            session=new_session(clinician),
            components=two_components(),
            photos=[photo("before"), photo(view="sideways")],
            uploaded_by=clinician,
        )

    assert "view" in refused.value.message_dict
    assert not TreatmentSession.objects.exists()
    assert stored_files(settings) == []


def test_photos_are_refused_for_a_patient_without_photo_consent(clinician, settings):
    patient = PatientFactory(photo_consent=False, photo_consent_date=None)

    with pytest.raises(ValidationError, match="has not consented to photos"):
        save_session(session=new_session(clinician, patient=patient), photos=[photo()], uploaded_by=clinician)

    assert not TreatmentSession.objects.exists()
    assert stored_files(settings) == []


def test_an_invalid_session_stores_nothing(clinician):
    session = new_session(clinician, needle_depth_mm=Decimal("3.5"))

    with pytest.raises(ValidationError) as refused:
        save_session(session=session, components=two_components(), uploaded_by=clinician)

    assert refused.value.message_dict["needle_depth_mm"] == ["Needle depth must be between 0.1 and 3.0 mm."]
    assert not TreatmentSession.objects.exists()
    assert not BlendComponent.objects.exists()


def test_an_expired_lot_needs_confirmation_and_is_then_stored(clinician):
    components = two_components()
    expired = components[0].lot
    expired.expiry_date = timezone.localdate() - timedelta(days=30)
    expired.save()

    with pytest.raises(UnconfirmedWarnings) as unconfirmed:
        save_session(session=new_session(clinician), components=components, uploaded_by=clinician)
    assert not TreatmentSession.objects.exists()
    assert unconfirmed.value.warnings == [
        f"Minoxidil lot {expired.number} expired on {expired.expiry_date:%Y-%m-%d}, before this session."
    ]

    save_session(
        session=new_session(clinician), components=two_components(), uploaded_by=clinician, warnings_confirmed=True
    )
    assert TreatmentSession.objects.count() == 1


def test_an_expired_cartridge_is_warned_about(clinician):
    performed = timezone.now() - timedelta(hours=1)
    day_before = timezone.localtime(performed).date() - timedelta(days=1)  # the session's day, whatever the hour
    session = new_session(clinician, performed_at=performed, cartridge_lot="C-77", cartridge_expiry=day_before)

    with pytest.raises(UnconfirmedWarnings, match=r"needle cartridge \(lot C-77\) expired"):
        save_session(session=session, uploaded_by=clinician)


def test_editing_updates_components_and_removes_the_ones_taken_out(clinician):
    session = save_session(session=new_session(clinician), components=two_components(), uploaded_by=clinician)
    kept, removed = list(session.blend_components.order_by("pk"))
    kept.volume_ml = Decimal("3.5")
    session.needle_depth_mm = Decimal("1.5")

    save_session(
        session=session,
        components=[kept],
        removed_components=[removed],
        uploaded_by=clinician,
        amendment_reason="Wrong depth typed",
    )

    session.refresh_from_db()
    assert session.needle_depth_mm == Decimal("1.50")
    current = session.blend_components.current()
    assert [(c.product.name, c.volume_ml) for c in current] == [("Minoxidil", Decimal("3.50"))]
    removed.refresh_from_db()
    assert removed.is_voided and removed.void_reason == "Wrong depth typed"
