"""Each session stores its departures from its preset, and they stay what the live check says
through every change to its course: a new session, a back-dated one, a void, a blend row removed.
Migration 0006, which filled them first with a frozen copy of the rule, and 0009, which reworded the blend's
departures, store the same."""

from datetime import timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from protocols.deviations import summarise
from protocols.models import ProtocolPreset
from protocols.services import new_version, publish
from sessions.courses import session_deviations
from sessions.models import BlendComponent, TreatmentSession
from sessions.services import save_session, void_record
from tests.support.factories import LotFactory, PatientFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def triamcinolone():
    product = ProductFactory(name="Kenalog", active_ingredient="triamcinolone acetonide")
    return LotFactory(product=product)


def log(patient, clinician, preset, days_ago, lot=None, depth="1.0", reason=""):
    session = TreatmentSession(
        patient=patient,
        clinician=clinician,
        performed_at=(timezone.now() - timedelta(days=days_ago)).replace(second=0, microsecond=0),
        technique="mmp",
        preset=preset,
        needle_depth_mm=Decimal(depth),
        frequency_hz=70,
        adverse_events=["none"],
    )
    components = []
    if lot:
        components = [
            BlendComponent(product=lot.product, lot=lot, concentration=Decimal("10"), concentration_unit="mg/mL")
        ]
    return save_session(session=session, components=components, uploaded_by=clinician, warnings_confirmed=True)


def assert_stored_matches_live(patient):
    for session in TreatmentSession.objects.current().filter(patient=patient).select_related("preset", "cartridge"):
        live = session_deviations(session, list(session.blend_components.current().select_related("product")))
        assert (session.deviation_count, session.deviation_summary) == (len(live), summarise(live)), session


def test_a_logged_session_stores_its_departures(clinician, barletta, triamcinolone):
    patient = PatientFactory()

    session = log(patient, clinician, barletta, days_ago=1, lot=triamcinolone, depth="1.5")

    session.refresh_from_db()
    assert session.deviation_count == 1
    assert session.deviation_summary == "needle_depth_mm: 1.5 mm (preset 1 mm)"


def test_a_back_dated_session_renumbers_the_course_and_its_intervals(clinician, barletta, triamcinolone):
    patient = PatientFactory()
    for days_ago in (120, 90, 60, 30):
        log(patient, clinician, barletta, days_ago=days_ago, lot=triamcinolone)
    assert_stored_matches_live(patient)
    latest = TreatmentSession.objects.filter(patient=patient).order_by("-performed_at").first()
    assert latest.deviation_count == 0  # session 4 of 4, 30 days after the third

    log(patient, clinician, barletta, days_ago=45, lot=triamcinolone)

    latest.refresh_from_db()
    assert "session_number: session 5" in latest.deviation_summary
    assert_stored_matches_live(patient)


def test_voiding_a_session_and_removing_a_blend_row_refresh_the_course(clinician, barletta, triamcinolone):
    patient = PatientFactory()
    first = log(patient, clinician, barletta, days_ago=60, lot=triamcinolone)
    log(patient, clinician, barletta, days_ago=45, lot=triamcinolone)
    last = log(patient, clinician, barletta, days_ago=15, lot=triamcinolone)

    void_record(record=first, reason="Logged twice", by=clinician)
    void_record(record=last.blend_components.get(), reason="Wrong product", by=clinician)

    last.refresh_from_db()
    assert "in the preset, not used" in last.deviation_summary
    assert_stored_matches_live(patient)


def test_a_session_taken_off_its_preset_keeps_no_departures(clinician):
    session = log(
        PatientFactory(), clinician, ProtocolPreset.objects.get(slug="barletta-mmp-triamcinolone-aa"), 1, depth="2.9"
    )
    session.refresh_from_db()
    assert session.deviation_count == 2  # too deep, and the preset's blend not used

    session.preset = None
    save_session(
        session=session, components=[], uploaded_by=clinician, warnings_confirmed=True, amendment_reason="No preset"
    )

    session.refresh_from_db()
    assert (session.deviation_count, session.deviation_summary) == (None, "")


def test_a_session_without_a_preset_stores_nothing(clinician):
    patient = PatientFactory()

    session = log(patient, clinician, None, days_ago=1, depth="2.9")

    session.refresh_from_db()
    assert (session.deviation_count, session.deviation_summary) == (None, "")


@pytest.fixture(scope="module")
def models_as_of_0006():
    """The models as migration 0006 sees them (its historical state), without migrating the database."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return loader.project_state(("treatments", "0006_stored_deviations")).apps


def test_migrations_0006_and_0009_store_what_the_course_refresh_stores(
    clinician, barletta, triamcinolone, models_as_of_0006
):
    version_2 = new_version(barletta)
    publish(version_2)
    patient, other = PatientFactory(), PatientFactory()
    for days_ago, preset, depth in ((150, barletta, "1.5"), (100, barletta, "1.0"), (90, version_2, "1.0")):
        log(patient, clinician, preset, days_ago=days_ago, lot=triamcinolone, depth=depth)
    voided = log(patient, clinician, version_2, days_ago=80, lot=triamcinolone)
    for days_ago in (60, 50, 10):  # sessions 4 to 6 of 4, the last two too soon and too late
        log(patient, clinician, version_2, days_ago=days_ago)
    log(patient, clinician, None, days_ago=40, depth="2.9")
    log(other, clinician, barletta, days_ago=5, depth="0.5")
    void_record(record=voided, reason="Logged twice", by=clinician)
    sessions = TreatmentSession.objects.order_by("pk")
    refreshed = list(sessions.values_list("deviation_count", "deviation_summary"))
    assert any("interval_days" in summary for _count, summary in refreshed)
    assert any("session_number" in summary for _count, summary in refreshed)
    sessions.filter(voided_at=None).update(deviation_count=None, deviation_summary="")

    store_deviations = import_module("sessions.migrations.0006_stored_deviations").store_deviations
    store_deviations(models_as_of_0006, None)
    import_module("sessions.migrations.0009_blend_departures_in_sentences").reword(models_as_of_0006, None)

    assert list(sessions.values_list("deviation_count", "deviation_summary")) == refreshed


def test_departures_stored_in_the_old_words_read_as_the_module_writes_them_now():
    migration = import_module("sessions.migrations.0009_blend_departures_in_sentences")
    stored = (
        "needle_depth_mm: 0.42 mm (preset 1 mm); blend: not used (preset Triamcinolone acetonide in the blend); "
        "blend: Minoxidil 0.5 % injectable added (preset not in the preset)"
    )

    assert migration.reworded(stored) == (
        "needle_depth_mm: 0.42 mm (preset 1 mm); blend: Triamcinolone acetonide in the preset, not used; "
        "blend: Minoxidil 0.5 % injectable added, not in the preset"
    )
