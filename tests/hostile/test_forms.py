"""Malformed values in every form: SQL metacharacters, NUL bytes, garbage numbers, huge strings,
tampered choices and formset counts. Each is stored exactly as typed or refused with a message
next to the field; never a server error, never half a record."""

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils.html import escape

from clinic import ranges
from clinic.models import Patient
from sessions.models import BlendComponent, TreatmentSession
from tests.hostile.payloads import HUNDRED_KB, NUL, NUMERIC_GARBAGE, SQL_PAYLOADS, TEN_MB
from tests.support.db import assert_refused, stored_state
from tests.support.factories import PASSWORD, LotFactory, PatientFactory, SessionFactory
from tests.support.forms import error_messages
from tests.support.pages import text
from tests.support.posts import edit_data, patient_data, session_data, with_blend

pytestmark = pytest.mark.django_db

NULL_REFUSED = "Null characters are not allowed."


# --- Where each text field is posted -------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    form: str  # patient, session, blend (a row of the session form), amendment, void, login, admin-device
    name: str

    def __str__(self):
        return f"{self.form}-{self.name}"


def prepare(field, value, *, client_for, clinician, superuser):
    """(client, url, data) posting `value` in `field`, everything else valid; records it needs are made here."""
    clinician_client = client_for(clinician)
    if field.form == "patient":
        return clinician_client, reverse("patient-create"), patient_data(**{field.name: value})
    if field.form == "session":
        url = reverse("session-log", args=[PatientFactory().pk])
        return clinician_client, url, session_data(**{field.name: value})
    if field.form == "amendment":
        session = SessionFactory()
        data = edit_data(session, notes="Corrected", **{field.name: value})
        return clinician_client, reverse("session-edit", args=[session.pk]), data
    if field.form == "void":
        return clinician_client, reverse("session-void", args=[SessionFactory().pk]), {field.name: value}
    if field.form == "login":
        return (
            client_for(None),
            reverse("login"),
            {"username": "dr.clinician", "password": PASSWORD} | {field.name: value},
        )
    if field.form == "admin-device":
        data = {"kind": "rotary_tattoo", "manufacturer": "Cheyenne", "model_name": "Hawk", "active": "on"}
        return client_for(superuser), reverse("admin:clinic_device_add"), data | {field.name: value}
    raise AssertionError(field.form)


def errors_on(response, field):
    """The error messages the page's form gives for this field."""
    context = response.context
    if field.form == "blend":
        return list(context["blend"].forms[0].errors.get(field.name, []))
    if field.form == "admin-device":
        return list(context["adminform"].form.errors.get(field.name, []))
    return list(context["form"].errors.get(field.name, []))


@pytest.fixture
def post_in(client_for, clinician, superuser):
    """post_in(field, value) -> (response, stored state before the post)."""

    def post(field, value):
        client, url, data = prepare(field, value, client_for=client_for, clinician=clinician, superuser=superuser)
        before = stored_state()
        response = client.post(url, data)
        assert response.status_code < 500
        return response, before

    return post


# --- SQL metacharacters: ordinary text, stored exactly as typed ----------------------------------------------

SQL_TEXT = {key: value for key, value in SQL_PAYLOADS.items() if value != NUL}


@pytest.mark.parametrize("typed", SQL_TEXT.values(), ids=SQL_TEXT.keys())
def test_sql_metacharacters_in_free_text_are_stored_exactly_as_typed(typed, clinician_client):
    created = clinician_client.post(
        reverse("patient-create"), patient_data(first_name=f"Ada{typed}", last_name=f"{typed}Lovelace", notes=typed)
    )
    assert created.status_code == 302
    patient = Patient.objects.get()
    logged = clinician_client.post(
        reverse("session-log", args=[patient.pk]),
        # A patient just registered has signed no treatment consent yet: the clinician confirms that warning.
        session_data(cartridge_lot=typed, notes=f"before {typed} after", confirm_warnings="on"),
    )

    assert logged.status_code == 302
    assert (patient.first_name, patient.last_name, patient.notes) == (f"Ada{typed}", f"{typed}Lovelace", typed)
    session = TreatmentSession.objects.get()
    assert (session.cartridge_lot, session.notes) == (typed, f"before {typed} after")
    assert escape(f"Ada{typed} {typed}Lovelace") in text(clinician_client.get(patient.get_absolute_url()))
    assert Patient.objects.count() == 1  # the table is still there, and nothing else was touched


# --- NUL bytes: PostgreSQL cannot store them; every text field must refuse them with a message ---------------

NUL_FIELDS = [
    Field("patient", "first_name"),
    Field("patient", "last_name"),
    Field("patient", "phone"),
    Field("patient", "notes"),
    Field("session", "cartridge_lot"),
    Field("session", "adverse_event_notes"),
    Field("session", "notes"),
    Field("amendment", "amendment_reason"),
    Field("void", "reason"),
    Field("login", "username"),
    Field("admin-device", "manufacturer"),
]


@pytest.mark.parametrize("field", NUL_FIELDS, ids=str)
def test_a_nul_byte_in_any_text_field_is_refused_with_a_message(field, post_in):
    response, before = post_in(field, f"Ada{NUL}Lovelace")

    assert response.status_code == 200
    assert NULL_REFUSED in errors_on(response, field)
    assert_refused(response, before, messages=[NULL_REFUSED])


# --- Numbers: out of range, not numbers at all, or absurdly long -------------------------------------------


@dataclass(frozen=True)
class NumberField(Field):
    range: ranges.PhysicalRange = None
    integer: bool = False


NUMBER_FIELDS = [
    NumberField("session", "needle_depth_mm", ranges.NEEDLE_DEPTH_MM),
    NumberField("session", "frequency_hz", ranges.FREQUENCY_HZ, integer=True),
    NumberField("session", "passes", ranges.PASSES, integer=True),
    NumberField("session", "treated_area_cm2", ranges.TREATED_AREA_CM2),
    NumberField("session", "pain_score", ranges.PAIN_SCORE, integer=True),
    NumberField("blend", "concentration", ranges.CONCENTRATION),
    NumberField("blend", "volume_ml", ranges.VOLUME_ML),
    NumberField("patient", "salt_score", ranges.SALT_SCORE),
]


def in_range(field, number):
    r = field.range
    low_ok = number >= r.low if r.low_inclusive else number > r.low
    return low_ok and (r.high is None or number <= r.high)


def expected_outcome(field, garbage):
    """("stored", value) or ("refused", message), spelled out per kind of garbage."""
    not_a_number = "Enter a whole number." if field.integer else "Enter a number."
    range_message = str(field.range.message)
    too_big = range_message if field.range.high is not None else "Ensure that there are no more than 9 digits"
    return {
        "negative": ("refused", range_message),
        "overflow-exponent": ("refused", not_a_number if field.integer else too_big),
        "nan": ("refused", not_a_number),
        "infinity": ("refused", not_a_number),
        "hex": ("refused", not_a_number),
        # Full-width digits are digits: 12 is what was typed. Kept if in range, refused with the range if not.
        "full-width-12": ("stored", 12) if in_range(field, 12) else ("refused", range_message),
        # Every number here is optional: empty means unknown (NULL), never zero. Spaces are not a number.
        "empty": ("stored", None),
        "blank": ("refused", not_a_number),
        "5000-digits": ("refused", not_a_number if field.integer else too_big),
    }[garbage]


NUMBER_FORMS = {
    "session": [field for field in NUMBER_FIELDS if field.form == "session"],
    "blend": [field for field in NUMBER_FIELDS if field.form == "blend"],
    "patient": [field for field in NUMBER_FIELDS if field.form == "patient"],
}


def number_post(form, value):
    """The same value typed in every number field of one form (the rest valid)."""
    typed = {field.name: value for field in NUMBER_FORMS[form]}
    if form == "patient":
        return reverse("patient-create"), patient_data(diagnosis="aa", **typed)
    url = reverse("session-log", args=[PatientFactory().pk])
    if form == "blend":
        return url, with_blend(session_data(), LotFactory(), **typed)
    return url, session_data(**typed)


def stored_record(form):
    return {"patient": Patient, "blend": BlendComponent, "session": TreatmentSession}[form].objects.get()


@pytest.mark.parametrize("garbage", NUMERIC_GARBAGE, ids=NUMERIC_GARBAGE.keys())
@pytest.mark.parametrize("form", NUMBER_FORMS)
def test_garbage_in_every_number_field_is_refused_next_to_the_field(form, garbage, client_for, clinician):
    fields = NUMBER_FORMS[form]
    outcomes = {field: expected_outcome(field, garbage) for field in fields}
    url, data = number_post(form, NUMERIC_GARBAGE[garbage])
    client = client_for(clinician)
    before = stored_state()

    response = client.post(url, data)

    assert response.status_code < 500
    if all(outcome == "stored" for outcome, _ in outcomes.values()):
        assert response.status_code == 302, response.context and [errors_on(response, f) for f in fields]
        record = stored_record(form)
        for field, (_, expected) in outcomes.items():
            stored = getattr(record, field.name)
            assert stored == expected and (expected is None or isinstance(stored, int | Decimal)), field
        return
    assert response.status_code == 200
    shown = []
    for field, (outcome, expected) in outcomes.items():
        errors = errors_on(response, field)
        if outcome == "stored":
            assert errors == [], f"{field}: {errors}"
        else:
            assert any(message.startswith(expected) for message in errors), f"{field}: {errors}"
            shown += errors
    assert_refused(response, before, messages=shown)


# --- Huge strings ------------------------------------------------------------------------------------------

HUGE_REFUSED = [
    (Field("patient", "first_name"), 100),
    (Field("patient", "last_name"), 100),
    (Field("patient", "phone"), 40),
    (Field("session", "cartridge_lot"), 60),
    (Field("amendment", "amendment_reason"), 1000),
    (Field("void", "reason"), 1000),
]


@pytest.mark.parametrize(("field", "limit"), HUGE_REFUSED, ids=[str(field) for field, _ in HUGE_REFUSED])
def test_100_kb_in_a_short_text_field_is_refused_with_its_limit(field, limit, post_in):
    response, before = post_in(field, HUNDRED_KB)

    message = f"Ensure this value has at most {limit} characters (it has {len(HUNDRED_KB)})."
    assert response.status_code == 200
    assert message in errors_on(response, field)
    assert_refused(response, before, messages=[message])


@pytest.mark.parametrize("length", [256, len(HUNDRED_KB)], ids=["256-characters", "100-kb"])
def test_an_overlong_username_is_refused_as_a_failed_login(length, post_in):
    response, _ = post_in(Field("login", "username"), "u" * length)

    assert response.status_code == 200
    body = text(response)
    refusals = ("Please enter a correct username and password.", "Ensure this value has at most 150 characters")
    assert any(refusal in body for refusal in refusals)
    assert not response.wsgi_request.user.is_authenticated


HUGE_KEPT = [Field("patient", "notes"), Field("session", "adverse_event_notes")]


@pytest.mark.parametrize("field", HUGE_KEPT, ids=str)
def test_100_kb_of_notes_are_kept_whole(field, post_in):
    response, _ = post_in(field, HUNDRED_KB)

    assert response.status_code == 302
    record = Patient.objects.get() if field.form == "patient" else TreatmentSession.objects.get()
    assert getattr(record, field.name) == HUNDRED_KB


@pytest.mark.parametrize(
    ("form", "multipart"), [("patient", False), ("session", True)], ids=["urlencoded", "multipart"]
)
def test_a_10_mb_request_body_is_refused_with_400(form, multipart, clinician_client, patient):
    if form == "patient":
        url, data = reverse("patient-create"), patient_data(notes=TEN_MB)
    else:
        url, data = reverse("session-log", args=[patient.pk]), session_data(notes=TEN_MB)
    before = stored_state()

    if multipart:
        response = clinician_client.post(url, data)
    else:
        body = urlencode(data, doseq=True)
        response = clinician_client.post(url, body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert stored_state() == before


# --- Tampered choices, dates and formset counts ------------------------------------------------------------

TAMPERED = {
    "technique-script": ("session", {"technique": "<script>alert(1)</script>"}, "technique", "Select a valid choice."),
    "adverse-none-and-other": (
        "session",
        {"adverse_events": ["none", "vasovagal"]},
        "adverse_events",
        "“None” cannot be combined with an adverse event.",
    ),
    "device-sql": ("session", {"device": "1 OR 1=1"}, "device", "Select a valid choice."),
    "performed-year-9999": (
        "session",
        {"performed_at": "9999-12-31T23:59"},
        "performed_at",
        "A session cannot be logged in the future.",
    ),
    "performed-year-1": (
        "session",
        {"performed_at": "0001-01-01T00:00"},
        "performed_at",
        "A session cannot be before the patient's date of birth.",
    ),
    "record-number-markup": (
        "patient",
        {"record_number": "<b>P1</b>"},
        "record_number",
        "Use letters, digits, dots, slashes or dashes",
    ),
    "email-markup": ("patient", {"email": "<script>@x.org"}, "email", "Enter a valid email address."),
    "birth-1899": ("patient", {"date_of_birth": "1899-12-31"}, "date_of_birth", "Check the date of birth"),
}


@pytest.mark.parametrize(("form", "changes", "name", "message"), TAMPERED.values(), ids=TAMPERED.keys())
def test_tampered_choices_and_dates_are_refused(form, changes, name, message, clinician_client, patient):
    url = reverse("patient-create") if form == "patient" else reverse("session-log", args=[patient.pk])
    data = patient_data(**changes) if form == "patient" else session_data(**changes)
    before = stored_state()

    response = clinician_client.post(url, data)

    assert response.status_code == 200
    errors = list(response.context["form"].errors.get(name, []))
    assert any(message in error for error in errors), errors
    assert_refused(response, before, messages=errors)


FORMSET_TAMPERING = {
    "blend-count-100000": ({"blend-TOTAL_FORMS": "100000"}, "Please submit at most 20 forms."),
    "blend-count-text": ({"blend-TOTAL_FORMS": "abc"}, "ManagementForm data is missing or has been tampered"),
    "blend-initial-above-total": (
        {"blend-INITIAL_FORMS": "5", "blend-TOTAL_FORMS": "1"},
        "This row was altered or is out of date",
    ),
    # A blend row posted with a negative count must not be dropped silently while the session is saved:
    # refused, with whatever message the blend formset gives.
    "blend-count-negative-with-a-row": ({"blend-TOTAL_FORMS": "-1"}, None),
}


@pytest.mark.parametrize(("changes", "message"), FORMSET_TAMPERING.values(), ids=FORMSET_TAMPERING.keys())
def test_tampered_formset_counts_are_refused_cleanly(changes, message, clinician_client, patient):
    data = with_blend(session_data(), LotFactory())
    before = stored_state()

    response = clinician_client.post(reverse("session-log", args=[patient.pk]), data | changes)

    assert response.status_code == 200
    messages = [message] if message else error_messages(response.context["blend"])
    assert messages
    assert_refused(response, before, messages=messages)
