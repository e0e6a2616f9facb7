"""Physical bounds and clinical rules of a treatment session and its blend, at the form and in the database."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sessions.forms import BlendComponentForm, SessionForm
from sessions.models import FUTURE_TOLERANCE, BlendComponent, TreatmentSession
from tests.support.db import as_stored, assert_refused_by_database
from tests.support.factories import BlendComponentFactory, LotFactory, ProductFactory, SessionFactory
from tests.support.forms import assert_accepted_as, assert_asks_for_a_number, assert_rejected_with, form_with

DEPTH = "Needle depth must be between 0.1 and 3.0 mm."
FREQUENCY = "Frequency must be between 1 and 200 Hz."
PASSES = "Passes must be between 1 and 50."
AREA = "Treated area must be greater than 0 and at most 1000 cm²."
PAIN = "Pain score must be between 0 and 10."
CONCENTRATION = "Concentration must be greater than 0."
VOLUME = "Volume must be between 0 and 20 mL."

# field, typed just inside the bounds, typed just outside them, the message for outside
SESSION_BOUNDS = [
    ("needle_depth_mm", ["0.10", "3.00"], ["0.09", "3.01"], DEPTH),
    ("frequency_hz", ["1", "200"], ["0", "201"], FREQUENCY),
    ("passes", ["1", "50"], ["0", "51"], PASSES),
    ("treated_area_cm2", ["0.1", "1000.0"], ["0", "1000.1"], AREA),
    ("pain_score", ["0", "10"], ["-1", "11"], PAIN),
]
BLEND_BOUNDS = [
    ("concentration", ["0.0001"], ["0", "-0.0001"], CONCENTRATION),
    ("volume_ml", ["0", "20", "20.00"], ["-0.01", "20.01"], VOLUME),
]
SESSION_INSIDE = [(field, typed) for field, inside, _, _ in SESSION_BOUNDS for typed in inside]
SESSION_OUTSIDE = [(field, typed, message) for field, _, outside, message in SESSION_BOUNDS for typed in outside]
BLEND_INSIDE = [(field, typed) for field, inside, _, _ in BLEND_BOUNDS for typed in inside]
BLEND_OUTSIDE = [(field, typed, message) for field, _, outside, message in BLEND_BOUNDS for typed in outside]
NON_NUMERIC = ["abc", "1,5e400", "  ", "NaN"]


def typed_minutes(moment):
    """What a datetime-local input sends: local time to the minute."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def session_form(patient, clinician):
    def make(**changes):
        data = {
            "performed_at": typed_minutes(timezone.now() - timedelta(days=1)),
            "technique": "mmp",
            "adverse_events": ["none"],
            **changes,
        }
        return SessionForm(data, instance=TreatmentSession(patient=patient, clinician=clinician))

    return make


@pytest.fixture
def lot(db):
    return LotFactory()


@pytest.fixture
def blend_form(lot):
    base = {"product": lot.product.pk, "lot": lot.pk, "concentration": "0.5", "concentration_unit": "%"}
    return form_with(BlendComponentForm, base | {"volume_ml": "2"})


def test_the_base_session_form_is_valid(session_form):
    form = session_form()

    assert form.is_valid(), form.errors


# Both forms of the log-session page, by fixture name, with the model whose field each value lands in.
FORM_INSIDE = [("session_form", TreatmentSession, *case) for case in SESSION_INSIDE]
FORM_INSIDE += [("blend_form", BlendComponent, *case) for case in BLEND_INSIDE]
FORM_OUTSIDE = [("session_form", *case) for case in SESSION_OUTSIDE]
FORM_OUTSIDE += [("blend_form", *case) for case in BLEND_OUTSIDE]


@pytest.mark.parametrize(("form", "model", "field", "typed"), FORM_INSIDE)
def test_the_form_accepts_a_value_just_inside_the_range(request, form, model, field, typed):
    make = request.getfixturevalue(form)

    assert_accepted_as(make(**{field: typed}), field, as_stored(model, field, typed))


@pytest.mark.parametrize(("form", "field", "typed", "message"), FORM_OUTSIDE)
def test_the_form_rejects_a_value_just_outside_the_range_with_one_clear_message(request, form, field, typed, message):
    make = request.getfixturevalue(form)

    assert_rejected_with(make(**{field: typed}), field, typed, [message])


DB_INSIDE = [(SessionFactory, field, typed) for field, typed in SESSION_INSIDE]
DB_INSIDE += [(BlendComponentFactory, field, typed) for field, typed in BLEND_INSIDE]
DB_OUTSIDE = [(SessionFactory, field, typed) for field, typed, _ in SESSION_OUTSIDE]
DB_OUTSIDE += [(BlendComponentFactory, field, typed) for field, typed, _ in BLEND_OUTSIDE]


@pytest.mark.parametrize(("factory", "field", "typed"), DB_INSIDE)
def test_the_database_stores_a_value_just_inside_the_range(db, factory, field, typed):
    row = factory()
    model = factory._meta.model
    value = as_stored(model, field, typed)

    model.objects.filter(pk=row.pk).update(**{field: value})

    row.refresh_from_db()
    assert getattr(row, field) == value


# pain_score -1 is refused on SQLite and PostgreSQL by both the range constraint and Django's own
# ">= 0" check of PositiveSmallIntegerField (MySQL would make the column unsigned instead).
@pytest.mark.parametrize(("factory", "field", "typed"), DB_OUTSIDE)
def test_the_database_refuses_a_value_just_outside_the_range(db, factory, field, typed):
    row = factory()
    model = factory._meta.model
    before = getattr(row, field)

    assert_refused_by_database(model, row.pk, **{field: as_stored(model, field, typed)})

    row.refresh_from_db()
    assert getattr(row, field) == before


def test_the_database_refuses_a_concentration_without_unit(db):
    component = BlendComponentFactory()

    assert_refused_by_database(BlendComponent, component.pk, concentration_unit="")


def test_the_database_refuses_a_blend_component_created_in_bulk_with_zero_concentration(db, lot):
    session = SessionFactory()
    bad = BlendComponent(session=session, product=lot.product, lot=lot, concentration=0, concentration_unit="%")

    with pytest.raises(IntegrityError), transaction.atomic():
        BlendComponent.objects.bulk_create([bad])

    assert not BlendComponent.objects.filter(session=session).exists()


@pytest.mark.parametrize("field", ["needle_depth_mm", "frequency_hz", "passes", "treated_area_cm2", "pain_score"])
@pytest.mark.parametrize("typed", NON_NUMERIC)
def test_the_session_form_answers_non_numeric_text_with_a_field_error(session_form, field, typed):
    assert_asks_for_a_number(session_form(**{field: typed}), field, typed)


@pytest.mark.parametrize("field", ["concentration", "volume_ml"])
@pytest.mark.parametrize("typed", NON_NUMERIC)
def test_the_blend_form_answers_non_numeric_text_with_a_field_error(blend_form, field, typed):
    assert_rejected_with(blend_form(**{field: typed}), field, typed, ["Enter a number."])


FUTURE = ["A session cannot be logged in the future."]


@pytest.mark.parametrize(
    ("ahead", "errors"), [(timedelta(days=1), FUTURE), (timedelta(minutes=10), FUTURE), (timedelta(minutes=2), None)]
)
def test_the_session_form_refuses_the_future_but_tolerates_a_clock_two_minutes_fast(session_form, ahead, errors):
    typed = typed_minutes(timezone.now() + ahead)
    form = session_form(performed_at=typed)

    if errors:
        assert_rejected_with(form, "performed_at", typed, errors)
    else:
        assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("ahead", "valid"),
    [
        (timedelta(minutes=2), True),
        (FUTURE_TOLERANCE - timedelta(seconds=30), True),
        (FUTURE_TOLERANCE + timedelta(minutes=1), False),
    ],
)
def test_full_clean_allows_the_future_only_within_the_tolerance(db, ahead, valid):
    session = SessionFactory()
    session.performed_at = timezone.now() + ahead

    if valid:
        session.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            session.full_clean()
        assert error.value.message_dict == {"performed_at": ["A session cannot be logged in the future."]}


@pytest.mark.parametrize(
    ("typed", "errors"),
    [("1980-05-16T23:59", ["A session cannot be before the patient's date of birth."]), ("1980-05-17T00:00", None)],
)
def test_the_session_form_refuses_a_session_before_the_patients_birth(session_form, typed, errors):
    form = session_form(performed_at=typed)

    if errors:
        assert_rejected_with(form, "performed_at", typed, errors)
    else:
        assert form.is_valid(), form.errors


def test_the_session_form_rejects_none_combined_with_an_adverse_event(session_form):
    form = session_form(adverse_events=["none", "haematoma"])

    assert not form.is_valid()
    assert form.errors == {"adverse_events": ["“None” cannot be combined with an adverse event."]}
    assert form["adverse_events"].value() == ["none", "haematoma"]


UNKNOWN_CODES = [("treated_zones", ["moon"]), ("treated_zones", ["vertex", "moon"]), ("treated_zones", "vertex")]
UNKNOWN_CODES += [("adverse_events", ["sneezing"]), ("adverse_events", "none"), ("adverse_events", ["none", "oedema"])]


@pytest.mark.parametrize(("field", "codes"), UNKNOWN_CODES)
def test_full_clean_rejects_unknown_or_contradictory_codes_on_their_field(db, field, codes):
    session = SessionFactory()
    setattr(session, field, codes)

    with pytest.raises(ValidationError) as error:
        session.full_clean()

    assert list(error.value.error_dict) == [field]


# Bug: _validate_codes raises with code="invalid_choice", which Field.run_validators replaces by the
# field's own unformatted "Value %(value)r is not a valid choice." (the admin shows it verbatim).
@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("treated_zones", "Unknown scalp zone: choose from the list."),
        ("adverse_events", "Unknown adverse event: choose from the list."),
    ],
)
def test_full_clean_explains_an_unknown_code_in_words(db, field, message):
    session = SessionFactory()
    setattr(session, field, ["moon"])

    with pytest.raises(ValidationError) as error:
        session.full_clean()

    assert error.value.message_dict == {field: [message]}


def test_the_blend_form_rejects_a_lot_of_another_product_on_the_lot_field(blend_form, lot):
    other_product = ProductFactory(name="Dutasteride 0.01 %")

    form = blend_form(product=other_product.pk)

    assert not form.is_valid()
    assert form.errors == {"lot": [f"This lot belongs to {lot.product.name}, not to the chosen product."]}
    assert form["lot"].value() == lot.pk


def test_the_blend_form_rejects_a_concentration_without_unit(blend_form):
    form = blend_form(concentration_unit="")

    assert not form.is_valid()
    assert form.errors == {"concentration_unit": ["Give the unit of the concentration."]}
    assert form["concentration"].value() == "0.5"


def test_the_blend_form_accepts_no_concentration_and_no_unit(blend_form):
    assert blend_form(concentration="", concentration_unit="").is_valid()
