"""The downloaded files read back (csv module and pandas) give exactly what the database holds."""

import io
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from clinic.dosage import ConcentrationUnit
from clinic.roles import CLINICIAN
from clinic.vocabularies import Diagnosis, LudwigStage, NorwoodStage, Sex, Technique
from protocols.models import EvidenceType, PresetBlendComponent, PresetStatus, ProtocolPreset
from research.columns import BLEND_COLUMNS, session_columns
from research.export import FILES
from research.query import ExportFilters, pseudonym
from sessions.demo import create_demo_data
from sessions.services import void_record
from tests.research import oracle
from tests.research.support import AS_RECORDED, as_dicts, parse
from tests.support.dates import local
from tests.support.db import module_rows
from tests.support.factories import (
    BlendComponentFactory,
    CartridgeFactory,
    DeviceFactory,
    PatientFactory,
    ProductFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MINOXIDIL = "Minoxidil 5 % – ½ µg"
AWKWARD = 'Mix "A", 1\nline'


def make_course_preset():
    """MMP, depth 0.5 to 1 mm, 100 to 110 Hz, 27 needles, 2 sessions every 28 to 35 days, minoxidil 0.5 %."""
    preset = ProtocolPreset.objects.create(
        name="Round-trip course",
        slug="round-trip-course",
        version=3,
        technique=Technique.MMP,
        evidence_type=EvidenceType.CASE_SERIES,
        authors="Tester A",
        needle_count=27,
        depth_min_mm=Decimal("0.50"),
        depth_max_mm=Decimal("1.00"),
        frequency_min_hz=100,
        frequency_max_hz=110,
        session_count=2,
        interval_min_days=28,
        interval_max_days=35,
    )
    PresetBlendComponent.objects.create(
        preset=preset,
        drug="Minoxidil",
        active_ingredient="minoxidil",
        concentration=Decimal("0.5"),
        concentration_unit=ConcentrationUnit.PERCENT,
    )
    preset.status = PresetStatus.PUBLISHED
    preset.save(update_fields=["status"])
    return preset


def make_records(course_preset, clinician):
    """Two consenting patients' sessions of every shape, and records that must stay out."""
    ada = PatientFactory(
        sex=Sex.FEMALE,
        diagnosis=Diagnosis.FEMALE_PATTERN,
        ludwig_stage=LudwigStage.II,
        fitzpatrick_type=3,
        date_of_birth=date(1980, 5, 17),
    )
    device = DeviceFactory(manufacturer="Cheyenne", model_name="Hawk Pen")
    cartridge = CartridgeFactory(needle_count=27, needle_diameter_mm=Decimal("0.30"), needle_length_mm=Decimal("5.50"))
    minoxidil = ProductFactory(name=MINOXIDIL, active_ingredient="minoxidil")
    awkward = ProductFactory(name=AWKWARD, active_ingredient="dutasteride, micronised")
    first = SessionFactory(
        patient=ada,
        performed_at=local(date(2026, 1, 5), 10),
        technique=Technique.MMP,
        preset=course_preset,
        device=device,
        cartridge=cartridge,
        needle_depth_mm=Decimal("1.20"),
        frequency_hz=120,
        passes=2,
        treated_zones=["frontal", "vertex"],
        treated_area_cm2=Decimal("100.0"),
        anaesthesia="topical",
        pain_score=3,
        endpoint="erythema",
        adverse_events=["haematoma", "oedema"],
    )
    BlendComponentFactory(
        session=first,
        product=minoxidil,
        lot=None,
        concentration=Decimal("0.5000"),
        concentration_unit="%",
        volume_ml=Decimal("2.00"),
    )
    BlendComponentFactory(
        session=first,
        product=awkward,
        lot=None,
        concentration=Decimal("10.0000"),
        concentration_unit="mg/mL",
        volume_ml=Decimal("1.25"),
    )
    wrong = BlendComponentFactory(session=first, product=ProductFactory(name="Voided component"), lot=None)
    void_record(record=wrong, reason="Entered on the wrong session", by=clinician)
    voided = SessionFactory(patient=ada, performed_at=local(date(2026, 1, 20), 10), preset=course_preset)
    void_record(record=voided, reason="Duplicate", by=clinician)
    second = SessionFactory(
        patient=ada,
        performed_at=local(date(2026, 2, 20), 10),
        technique=Technique.MMP,
        preset=course_preset,
        device=device,
        cartridge=cartridge,
        needle_depth_mm=Decimal("0.80"),
        frequency_hz=105,
        passes=1,
        treated_zones=["vertex"],
        treated_area_cm2=Decimal("12.5"),
        adverse_events=["none"],
    )
    BlendComponentFactory(
        session=second,
        product=minoxidil,
        lot=None,
        concentration=Decimal("0.5"),
        concentration_unit="%",
        volume_ml=Decimal("0.50"),
    )
    bare = SessionFactory(
        patient=ada,
        performed_at=local(date(2026, 3, 1), 10),
        technique=Technique.MICRONEEDLING,
        preset=None,
        device=None,
        cartridge=None,
        needle_depth_mm=None,
        frequency_hz=None,
        passes=None,
        treated_zones=[],
        treated_area_cm2=None,
        anaesthesia="",
        pain_score=None,
        endpoint="",
        adverse_events=[],
    )
    BlendComponentFactory(
        session=bare,
        product=ProductFactory(name="Serum", active_ingredient=""),
        lot=None,
        concentration=None,
        concentration_unit="",
        volume_ml=None,
    )
    third = SessionFactory(
        patient=ada,
        performed_at=local(date(2026, 3, 20), 10),
        preset=course_preset,
        device=device,
        cartridge=cartridge,
        needle_depth_mm=Decimal("0.50"),
        frequency_hz=100,
    )
    BlendComponentFactory(session=third, product=minoxidil, lot=None, concentration=Decimal("0.5"), volume_ml=None)
    bruno = PatientFactory(
        first_name="Bruno",
        sex=Sex.MALE,
        diagnosis=Diagnosis.ANDROGENETIC_ALOPECIA,
        norwood_hamilton_stage=NorwoodStage.III_VERTEX,
        fitzpatrick_type=None,
        date_of_birth=date(1990, 1, 31),
    )
    b1 = SessionFactory(patient=bruno, performed_at=local(date(2026, 1, 10), 9), preset=None)
    b2 = SessionFactory(patient=bruno, performed_at=local(date(2026, 1, 17), 9), preset=None)
    cleo = PatientFactory(
        diagnosis=Diagnosis.ALOPECIA_AREATA, salt_score=Decimal("37.5"), date_of_birth=date(2000, 2, 29)
    )
    c1 = SessionFactory(patient=cleo, performed_at=local(date(2026, 2, 28), 9), technique=Technique.MESOTHERAPY)
    # Left out: no consent, demo.
    SessionFactory(patient=PatientFactory(research_consent=False, research_consent_date=None))
    SessionFactory(patient=PatientFactory(is_demo=True), is_demo=True)
    return {"first": first, "second": second, "bare": bare, "third": third, "b1": b1, "b2": b2, "c1": c1}


def download(file_name, **filters):
    """The raw bytes of a file, and its text, with the quasi-identifiers as recorded (what generalising and
    withholding them do is tested in test_privacy.py; the web download's own path in test_export_page.py)."""
    raw = "".join(FILES[file_name](ExportFilters(generalisation=AS_RECORDED, **filters))).encode("utf-8")
    return raw, raw.decode("utf-8")


def rfc4180(rows):
    """The one RFC 4180 rendering: CRLF after every record, a field quoted only when it holds a comma,
    a quote or a line break, quotes inside doubled."""

    def field(value):
        if any(char in value for char in ',"\r\n'):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(",".join(field(value) for value in row) + "\r\n" for row in rows)


def read_with_pandas(raw):
    frame = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8")
    return [list(frame.columns), *frame.to_numpy().tolist()]


@module_rows
def world():
    """Made once for the module, and both files downloaded: the tests only read them."""
    course_preset = make_course_preset()
    records = make_records(course_preset, UserFactory(username="dr.round-trip", roles=[CLINICIAN]))
    files = download("sessions"), download("blend_components")
    return {"course_preset": course_preset, "records": records, "files": files}


@pytest.fixture
def course_preset(world):
    return world["course_preset"]


@pytest.fixture
def records(world):
    return world["records"]


@pytest.fixture
def files(world):
    return world["files"]


def test_the_sessions_file_read_back_with_the_csv_module_matches_the_database(files):
    (_raw, text), _blend = files
    rows = parse(text)
    sessions, _components = oracle.expected()

    assert rows[0] == [column.name for column in session_columns(ExportFilters())]
    assert as_dicts(rows) == sessions


def test_the_blend_file_read_back_with_the_csv_module_matches_the_database(files):
    _sessions, (_raw, text) = files
    rows = parse(text)
    _sessions, components = oracle.expected()

    assert rows[0] == [column.name for column in BLEND_COLUMNS]
    assert as_dicts(rows) == components


@pytest.mark.parametrize("which", [0, 1], ids=["sessions", "blend_components"])
def test_pandas_reads_every_value_the_csv_module_reads(files, which):
    raw, text = files[which]

    assert read_with_pandas(raw) == parse(text)


@pytest.mark.parametrize("which", [0, 1], ids=["sessions", "blend_components"])
def test_the_files_are_rfc_4180(files, which):
    _raw, text = files[which]

    assert text == rfc4180(parse(text))
    assert text.endswith("\r\n")


def test_awkward_text_is_quoted_and_utf_8(files):
    (raw_sessions, sessions_text), (raw_blend, blend_text) = files

    assert '"Mix ""A"", 1\nline"' in blend_text
    assert '"dutasteride, micronised"' in blend_text
    assert MINOXIDIL.encode("utf-8") in raw_blend and MINOXIDIL.encode("utf-8") in raw_sessions
    assert "\ufeff" not in sessions_text[1:] and "\ufeff" not in blend_text[1:]
    assert f'"{MINOXIDIL} 0.5 % (2 mL) + Mix ""A"", 1\nline 10 mg/mL (1.25 mL)"' in sessions_text


def test_the_worked_example_session_by_session(files, records, course_preset):
    (_raw, text), (_raw_blend, blend_text) = files
    rows = {row["session_id"]: row for row in as_dicts(parse(text))}
    first, second, bare, third = (
        rows[pseudonym("s", records[name].pk)] for name in ("first", "second", "bare", "third")
    )

    assert first | {"session_id": "", "patient_id": ""} == {
        "session_id": "",
        "patient_id": "",
        "age_years": "45",
        "sex": "female",
        "diagnosis": "fphl",
        "norwood_hamilton_stage": "",
        "ludwig_stage": "II",
        "salt_score_pct": "",
        "fitzpatrick_type": "3",
        "quasi_identifiers_withheld": "0",
        "technique": "mmp",
        "course_session_number": "1",
        "days_since_first_session": "0",
        "device_kind": "rotary_tattoo",
        "device_model": "Cheyenne Hawk Pen",
        "cartridge_configuration": "magnum",
        "needle_count": "27",
        "needle_diameter_mm": "0.3",
        "needle_length_mm": "5.5",
        "depth_mm": "1.2",
        "frequency_hz": "120",
        "passes": "2",
        "zones": "frontal;vertex",
        "treated_area_cm2": "100",
        "anaesthesia": "topical",
        "pain_score": "3",
        "endpoint": "erythema",
        "adverse_events": "haematoma;oedema",
        "preset_slug": "round-trip-course",
        "preset_version": "3",
        "deviation_count": "3",
        "deviations": "needle_depth_mm: 1.2 mm (preset 0.5–1 mm); frequency_hz: 120 Hz (preset 100–110 Hz); "
        f"blend: {AWKWARD} added, not in the preset",
        "blend": f"{MINOXIDIL} 0.5 % (2 mL) + {AWKWARD} 10 mg/mL (1.25 mL)",
    }
    assert first["patient_id"] == second["patient_id"] == bare["patient_id"]
    # 46 days after the first (the voided session in between does not count): beyond 35 + 3 days.
    assert (second["course_session_number"], second["days_since_first_session"]) == ("2", "46")
    assert (second["deviation_count"], second["deviations"]) == (
        "1",
        "interval_days: 46 days (preset 28–35 days)",
    )
    assert (second["treated_area_cm2"], second["depth_mm"], second["adverse_events"]) == ("12.5", "0.8", "none")
    assert (third["course_session_number"], third["deviation_count"]) == ("3", "1")
    assert third["deviations"] == "session_number: session 3 (preset 2 sessions)"
    assert third["blend"] == f"{MINOXIDIL} 0.5 %"
    # Unknown values are empty, never "None", "null" or 0.
    assert bare == {
        **dict.fromkeys(bare, ""),
        "session_id": bare["session_id"],
        "patient_id": first["patient_id"],
        "age_years": "45",
        "sex": "female",
        "diagnosis": "fphl",
        "ludwig_stage": "II",
        "fitzpatrick_type": "3",
        "quasi_identifiers_withheld": "0",
        "technique": "microneedling",
        "course_session_number": "1",
        "days_since_first_session": "55",
        "blend": "Serum",
    }
    blend = [row for row in as_dicts(parse(blend_text)) if row["session_id"] == bare["session_id"]]
    assert blend == [
        {
            "session_id": bare["session_id"],
            "product": "Serum",
            "active_ingredient": "",
            "concentration": "",
            "concentration_unit": "",
            "volume_ml": "",
        }
    ]


def test_courses_without_a_preset_follow_the_technique(files, records):
    (_raw, text), _blend = files
    rows = {row["session_id"]: row for row in as_dicts(parse(text))}
    b1, b2, c1 = (rows[pseudonym("s", records[name].pk)] for name in ("b1", "b2", "c1"))

    assert (b1["course_session_number"], b2["course_session_number"], b2["days_since_first_session"]) == ("1", "2", "7")
    assert (b1["norwood_hamilton_stage"], b1["fitzpatrick_type"], b1["age_years"]) == ("III vertex", "", "35")
    assert (c1["salt_score_pct"], c1["age_years"]) == ("37.5", "25")  # born on 29 February
    assert b1["preset_slug"] == b1["preset_version"] == b1["deviation_count"] == b1["deviations"] == ""


def test_demo_data_round_trips(seeded_presets):
    create_demo_data(patients=12, sessions_per_patient=4, seed=7)
    sessions, components = oracle.expected(include_demo=True)

    raw, text = download("sessions", include_demo=True)
    raw_blend, blend_text = download("blend_components", include_demo=True)

    assert sessions and components
    assert as_dicts(parse(text)) == sessions
    assert as_dicts(read_with_pandas(raw)) == sessions
    assert as_dicts(parse(blend_text)) == components
    assert as_dicts(read_with_pandas(raw_blend)) == components
