"""The columns of the research files, declared once: the exporter writes them and the codebook
describes them from this same list, so the two cannot drift apart. Labels are English, and not for translation:
what leaves for research does not change with the interface's language."""

from dataclasses import dataclass, replace

from clinic.dosage import ConcentrationUnit
from clinic.models import CartridgeConfiguration, DeviceKind
from clinic.vocabularies import Diagnosis, LudwigStage, NorwoodStage, ScalpZone, Sex, Technique
from research.english import english
from research.privacy import WITHHELD, K, age_bands
from sessions.measures import ASSESSMENT_MEASURES
from sessions.models import Anaesthesia, DelayedEventKind, Endpoint, ImmediateAdverseEvent, Severity


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    type: str  # text, integer, decimal, date, code, codes (";"-separated)
    unit: str = ""
    allowed: str = ""

    @property
    def choices(self):
        """[(code, label)] of a code column (or of each code in a "codes" cell), read from `allowed`."""
        if self.type not in ("code", "codes"):
            return []
        items = [item.split(" = ", 1) for item in self.allowed.split("; ")]
        return [(item[0], item[-1]) for item in items]


def codes(choices):
    """ "code = label; …", the labels in English whatever the interface's language (research.english)."""
    with english():
        return "; ".join(f"{value} = {label}" for value, label in choices)


SESSION_DATE = Column("session_date", "Date of the session (limited data set only)", "date", allowed="YYYY-MM-DD")
SESSION_COLUMNS = [
    Column("session_id", "Pseudonymous session key (joins the blend file)", "text"),
    Column("patient_id", "Pseudonymous patient key (keyed hash; stable with the same key)", "text"),
    Column("age_years", "Age at the session, in whole years; 90+ for 90 and over", "integer", "years", "0–89, 90+"),
    Column("sex", "Sex", "code", allowed=codes(Sex.choices)),
    Column("diagnosis", "Primary diagnosis", "code", allowed=codes(Diagnosis.choices)),
    Column("norwood_hamilton_stage", "Norwood–Hamilton stage", "code", allowed="; ".join(NorwoodStage.values)),
    Column("ludwig_stage", "Ludwig stage", "code", allowed="; ".join(LudwigStage.values)),
    Column("salt_score_pct", "SALT score", "decimal", "%", "0–100"),
    Column("fitzpatrick_type", "Fitzpatrick skin type", "integer", allowed="1–6 (I–VI)"),
    Column(
        "quasi_identifiers_withheld",
        "What this row withholds of its quasi-identifiers, its combination being shared by fewer than "
        f"{K} patients (see privacy_report.txt)",
        "code",
        allowed=codes(WITHHELD.items()),
    ),
    Column("technique", "Technique", "code", allowed=codes(Technique.choices)),
    Column(
        "course_session_number",
        "Session number in the patient's course (same preset, else same technique)",
        "integer",
        allowed="1, 2, …",
    ),
    Column("days_since_first_session", "Days since the patient's first session (no calendar dates)", "integer", "days"),
    SESSION_DATE,
    Column("device_kind", "Device kind", "code", allowed=codes(DeviceKind.choices)),
    Column("device_model", "Device manufacturer and model", "text"),
    Column(
        "cartridge_configuration",
        "Needle cartridge configuration",
        "code",
        allowed=codes(CartridgeConfiguration.choices),
    ),
    Column("needle_count", "Needles in the cartridge", "integer", allowed="1–100"),
    Column("needle_diameter_mm", "Needle diameter", "decimal", "mm", "0.1–1.0"),
    Column("needle_length_mm", "Needle length", "decimal", "mm", "> 0, ≤ 10"),
    Column("depth_mm", "Needle depth", "decimal", "mm", "0.1–3.0"),
    Column("frequency_hz", "Machine frequency", "integer", "Hz", "1–200"),
    Column("passes", "Passes", "integer", allowed="1–50"),
    Column("zones", "Treated scalp zones", "codes", allowed=codes(ScalpZone.choices)),
    Column("treated_area_cm2", "Treated area", "decimal", "cm²", "> 0, ≤ 1000"),
    Column("anaesthesia", "Anaesthesia", "code", allowed=codes(Anaesthesia.choices)),
    Column("pain_score", "Pain score", "integer", "0–10 scale", "0–10"),
    Column("endpoint", "Endpoint reached", "code", allowed=codes(Endpoint.choices)),
    Column("adverse_events", "Immediate adverse events", "codes", allowed=codes(ImmediateAdverseEvent.choices)),
    Column("preset_slug", "Preset the session started from", "text"),
    Column("preset_version", "Version of that preset", "integer"),
    Column("deviation_count", "Departures from the preset", "integer"),
    Column("deviations", "Departures: field: actual (preset expected), separated by “; ”", "text"),
    Column("blend", "Drug blend: product strength (volume), joined by “ + ”", "text"),
]

BLEND_COLUMNS = [
    Column("session_id", "Pseudonymous session key (joins the sessions file)", "text"),
    Column("product", "Product", "text"),
    Column("active_ingredient", "Active ingredient", "text"),
    Column("concentration", "Concentration", "decimal", "see concentration_unit", "> 0"),
    Column("concentration_unit", "Unit of the concentration", "code", allowed=codes(ConcentrationUnit.choices)),
    Column("volume_ml", "Volume", "decimal", "mL", "0–20"),
]

OUTCOME_COLUMNS = [
    Column("patient_id", "Pseudonymous patient key (joins the sessions file)", "text"),
    Column(
        "days_since_first_session",
        "Days from the patient's first session to the assessment (negative: baseline before it; empty: no session yet)",
        "integer",
        "days",
    ),
    Column("measure", "What was measured", "code", allowed="; ".join(m.export_code for m in ASSESSMENT_MEASURES)),
    Column("value", "The value (a number, or a stage for the staging measures)", "text"),
    Column(
        "unit", "Unit of the value", "text", allowed="; ".join(sorted({m.export_unit for m in ASSESSMENT_MEASURES}))
    ),
    Column("site", "Where hair density was measured", "code", allowed=codes(ScalpZone.choices)),
]

DELAYED_EVENT_COLUMNS = [
    Column("session_id", "Pseudonymous key of the session the event followed (joins the sessions file)", "text"),
    Column("event", "Adverse event noticed after the session", "code", allowed=codes(DelayedEventKind.choices)),
    Column("days_to_onset", "Days from the session to the event's onset", "integer", "days", "0, 1, …"),
    Column("severity", "Severity", "code", allowed=codes(Severity.choices)),
    Column("resolved", "Resolved when last recorded", "code", allowed="yes; no"),
    Column("days_to_resolution", "Days from the onset to its resolution (empty while it lasts)", "integer", "days"),
]


def session_columns(filters):
    """The sessions file's columns for these filters: the session's date only in a limited data set, and the
    quasi-identifiers described as generalised."""
    generalisation = filters.generalisation
    described = generalisation.described()
    generalised = {
        "age_years": replace(
            COLUMN["age_years"],
            label=f"Age at the session: {described['age']}",
            type="code" if generalisation.age_band > 1 else "integer",
            allowed="" if generalisation.age_band == 1 else "; ".join(age_bands(generalisation.age_band)),
        ),
    }
    if generalisation.fitzpatrick_grouped:
        generalised["fitzpatrick_type"] = replace(
            COLUMN["fitzpatrick_type"],
            label="Fitzpatrick skin type, grouped",
            type="code",
            allowed="I–II; III–IV; V–VI",
        )
    if generalisation.staging_grouped:
        generalised |= {
            "norwood_hamilton_stage": replace(
                COLUMN["norwood_hamilton_stage"], label="Norwood–Hamilton stage, grouped", allowed="I–II; III–IV; V–VII"
            ),
            "ludwig_stage": replace(COLUMN["ludwig_stage"], label="Ludwig stage, grouped", allowed="I; II–III"),
            "salt_score_pct": replace(
                COLUMN["salt_score_pct"],
                label="SALT class (Olsen 2004)",
                type="code",
                unit="% of scalp, in classes",
                allowed="S0 = no loss; S1 = under 25 %; S2 = 25–49 %; S3 = 50–74 %; S4 = 75–99 %; S5 = 100 %",
            ),
        }
    return [
        generalised.get(column.name, column)
        for column in SESSION_COLUMNS
        if column is not SESSION_DATE or filters.limited_data_set
    ]


COLUMN = {column.name: column for column in SESSION_COLUMNS}

CODEBOOK_COLUMNS = ["file", "variable", "label", "type", "unit", "allowed_values"]


def file_columns(filters):
    """Each file's columns, by file name, as these filters write them."""
    return {
        "sessions.csv": session_columns(filters),
        "blend_components.csv": BLEND_COLUMNS,
        "outcomes.csv": OUTCOME_COLUMNS,
        "delayed_adverse_events.csv": DELAYED_EVENT_COLUMNS,
    }


def codebook_rows(filters):
    yield CODEBOOK_COLUMNS
    for file_name, columns in file_columns(filters).items():
        for column in columns:
            yield [file_name, column.name, column.label, column.type, column.unit, column.allowed]
