from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditAction, AuditEvent
from audit.services import SHELL_USERNAME, record_event
from clinic.consent_models import SignedConsent
from clinic.models import Device, Lot, NeedleCartridge, Patient, PatientTally, Product, User
from sessions import pending_photos
from sessions.demo import DEMO_CLINICIAN
from sessions.models import (
    Assessment,
    BlendComponent,
    DelayedAdverseEvent,
    PendingPhoto,
    SessionPhoto,
    TreatmentSession,
)
from sessions.photos import stored_screen_rendition
from tests.support.db import media_files
from tests.support.factories import BlendComponentFactory, LotFactory, PatientFactory, SessionFactory
from tests.support.photos import new_photo, store_photos, stored_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(clinician):
    """Demo data (with photos on a demo session), and a clinic's own patient with two sessions: one with the
    clinic's own product and a photo, one with a demo product and its demo lot."""
    call_command("demo_data", patients=4, sessions_per_patient=3, seed=2026, stdout=StringIO())
    demo_session = TreatmentSession.objects.filter(patient__photo_consent=True).first()
    store_photos(demo_session, clinician, new_photo(view="vertex"), new_photo(view="frontal"), warnings_confirmed=True)
    stored_screen_rendition(demo_session.photos.first())
    real = PatientFactory()
    own = BlendComponentFactory(session=SessionFactory(patient=real, clinician=clinician))
    real_photo = stored_photo(own.session, clinician)
    demo_lot = Lot.objects.filter(product__is_demo=True).first()
    on_demo_product = BlendComponentFactory(
        session=SessionFactory(patient=real, clinician=clinician), lot=demo_lot, product=demo_lot.product
    )
    return {
        "patient": real,
        "sessions": {own.session, on_demo_product.session},
        "products": {own.product, demo_lot.product},
        "lots": {own.lot, demo_lot},
        "photo files": sorted([real_photo.image.name, real_photo.thumbnail.name]),
    }


def remove(*options):
    out = StringIO()
    call_command("demo_data", "--remove", *options, stdout=out)
    return out.getvalue()


def test_it_leaves_exactly_the_clinics_own_records_and_the_demo_product_they_used(clinic):
    assert Patient.objects.filter(is_demo=True).exists()

    remove("--no-input")

    assert list(Patient.objects.all()) == [clinic["patient"]]
    assert set(TreatmentSession.objects.all()) == clinic["sessions"]
    assert set(Product.objects.all()) == clinic["products"]
    assert set(Lot.objects.all()) == clinic["lots"]
    assert set(BlendComponent.objects.values_list("session", flat=True)) == {s.pk for s in clinic["sessions"]}
    assert not Device.objects.filter(is_demo=True).exists()
    assert not NeedleCartridge.objects.filter(is_demo=True).exists()
    assert not Assessment.objects.exists()
    assert not DelayedAdverseEvent.objects.exists()
    assert not User.objects.filter(username=DEMO_CLINICIAN).exists()
    assert PatientTally.objects.patients() == 1


def test_the_photo_files_of_demo_sessions_are_gone_from_storage_and_the_clinics_own_stay(
    clinic, django_capture_on_commit_callbacks
):
    assert len(media_files()) == 7  # each photo and its thumbnail, and one demo photo's screen rendition

    with django_capture_on_commit_callbacks(execute=True):
        remove("--no-input")

    assert SessionPhoto.objects.count() == 1
    assert media_files() == clinic["photo files"]


def test_the_summary_says_what_was_removed_and_which_demo_equipment_stayed_and_why(clinic):
    kept_product = Product.objects.get(is_demo=True, lots__in=Lot.objects.filter(product__is_demo=True)[:1])

    out = remove("--no-input")

    assert "Removed: 2 photos," in out
    assert "12 sessions, 9 consents, 4 patients" in out
    assert f"Kept product {kept_product}: used by a session of the clinic's own." in out


def test_the_removal_is_one_audit_event_with_the_counts_and_the_trail_before_it_stays(clinic):
    trail_before = list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True))
    assert AuditEvent.objects.filter(object_type="photo").count() >= 2  # the demo photos' uploads

    remove("--no-input")

    event = AuditEvent.objects.exclude(pk__in=trail_before).get()
    assert (event.action, event.username) == (AuditAction.DELETE, SHELL_USERNAME)
    assert event.detail["removed"]["patients"] == 4
    assert event.detail["removed"]["sessions"] == 12
    assert event.detail["removed"]["photos"] == 2
    assert event.detail["kept"] == [f"product {p}" for p in Product.objects.filter(is_demo=True)] + [
        f"lot {lot}" for lot in Lot.objects.filter(product__is_demo=True)
    ]
    assert list(AuditEvent.objects.filter(pk__in=trail_before).order_by("pk").values_list("pk", flat=True)) == (
        trail_before
    )


def test_a_second_run_removes_nothing_and_says_so(clinic):
    remove("--no-input")
    left = counts()

    out = remove("--no-input")

    assert "No demo data to remove: nothing was changed." in out
    assert counts() == left


def counts():
    models = (AuditEvent, Patient, TreatmentSession, BlendComponent, Product, Lot, Device, NeedleCartridge, User)
    return {model.__name__: model.objects.count() for model in models}


def test_it_asks_first_and_an_answer_other_than_yes_removes_nothing(
    clinic, monkeypatch, django_capture_on_commit_callbacks
):
    asked = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "no")
    files, before = media_files(), counts()

    with pytest.raises(CommandError, match=r"Nothing was removed\."), django_capture_on_commit_callbacks(execute=True):
        remove()

    assert asked == ["Type 'yes' to delete these records: "]
    assert (counts(), media_files()) == (before, files)


def test_the_demo_equipment_of_no_session_of_the_clinic_is_all_removed(clinician):
    call_command("demo_data", patients=2, sessions_per_patient=2, seed=1, stdout=StringIO())
    LotFactory()  # the clinic's own stock stays

    remove("--no-input")

    assert not Product.objects.filter(is_demo=True).exists()
    assert Lot.objects.count() == 1


def test_a_demo_user_that_the_audit_trail_names_stays_and_a_second_run_still_finds_nothing(clinic):
    record_event(AuditAction.VIEW, user=User.objects.get(username=DEMO_CLINICIAN))

    out = remove("--no-input")

    assert f"Kept user {DEMO_CLINICIAN}: named by records that stay (e.g. the audit trail)." in out
    assert User.objects.filter(username=DEMO_CLINICIAN).exists()
    assert "No demo data to remove" in remove("--no-input")


def test_the_summary_before_the_question_is_what_is_then_removed(
    clinic, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    files = media_files()

    with django_capture_on_commit_callbacks(execute=True):
        out = remove()

    planned, done = (line.split(": ", 1)[1] for line in out.splitlines() if line.startswith(("To remove", "Removed")))
    assert planned == done
    assert len(files) - len(media_files()) == 5


def test_a_photo_waiting_for_a_demo_patients_session_goes_with_the_patient(
    clinic, clinician, django_capture_on_commit_callbacks
):
    demo_patient = Patient.objects.filter(is_demo=True).first()
    waiting = pending_photos.keep(new_photo().prepared, clinician, demo_patient)

    with django_capture_on_commit_callbacks(execute=True):
        remove("--no-input")

    assert not PendingPhoto.objects.exists()
    assert waiting.image.name not in media_files() and waiting.thumbnail.name not in media_files()


def test_the_consents_of_demo_patients_go_with_them_and_the_clinics_own_stay(clinic):
    assert SignedConsent.objects.filter(patient__is_demo=True).exists()
    own = set(SignedConsent.objects.filter(patient=clinic["patient"]))

    remove("--no-input")

    assert set(SignedConsent.objects.all()) == own and own
