"""The outcome measures of an assessment, declared once.

The model's fields and checks, the assessment form, the patient page's table and charts and the
research outcomes file all read this tuple, in this order.
"""

import enum
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from clinic import ranges
from clinic.formatting import plain
from clinic.vocabularies import LudwigStage, NorwoodStage

EMPTY_CELL = "—"
# One heading object shared by the stagings: the table gives them one column (compared by identity, never by
# translated text).
STAGE_HEADING = _("Stage")


class Kind(enum.Enum):
    NUMERIC = "numeric"  # a number held to a physical range
    STAGE = "stage"  # a stage from a vocabulary


@dataclass(frozen=True, kw_only=True)
class Measure:
    field: str  # the Assessment field
    verbose_name: str  # the model field's name for people (translatable); frozen in migrations
    label: str  # chart caption
    heading: str  # assessments table column; stagings share one (an assessment has one at most)
    export_code: str  # "measure" in the outcomes file
    export_unit: str  # "unit" in the outcomes file
    kind: Kind
    range: ranges.PhysicalRange | None = None
    choices: type[models.TextChoices] | None = None
    constraint_name: str = ""  # the database check of its range; frozen in migrations
    site_field: str = ""  # the Assessment field saying where it was measured
    form_columns: int = 3  # width of its input on the form, in grid columns out of 12

    def __post_init__(self):
        if self.kind is Kind.NUMERIC and not (self.range and self.constraint_name):
            raise ValueError(f"{self.field}: a number is held to a range, checked by a named constraint.")
        if self.kind is Kind.STAGE and not self.choices:
            raise ValueError(f"{self.field}: a stage comes from a vocabulary.")

    @property
    def unit(self):
        return self.range.unit if self.range else ""

    @property
    def charted(self):
        """A number is drawn over time; a stage has no scale to draw."""
        return self.kind is Kind.NUMERIC

    def model_field(self, field_class, **kwargs):
        """The optional Assessment field: unknown stays empty, never zero or a default stage."""
        if self.range:
            return self.range.field(field_class, self.verbose_name, **kwargs)
        return field_class(self.verbose_name, choices=self.choices.choices, blank=True, **kwargs)

    def constraint(self):
        return self.range.constraint(self.field, name=self.constraint_name)

    def value_of(self, assessment):
        """The recorded value, or None when unknown (zero is a value)."""
        value = getattr(assessment, self.field)
        return None if value in (None, "") else value


HAIR_DENSITY = Measure(
    field="hair_density_per_cm2",
    verbose_name=_("hair density (hairs/cm²)"),
    label=_("Hair density"),
    heading=_("Density (hairs/cm²)"),
    export_code="hair_density",
    export_unit="hairs/cm²",
    kind=Kind.NUMERIC,
    range=ranges.HAIR_DENSITY,
    constraint_name="assessment_density_range",
    site_field="density_site",
)
SHAFT_DIAMETER = Measure(
    field="shaft_diameter_um",
    verbose_name=_("mean shaft diameter (µm)"),
    label=_("Mean shaft diameter"),
    heading=_("Shaft (µm)"),
    export_code="shaft_diameter",
    export_unit="µm",
    kind=Kind.NUMERIC,
    range=ranges.SHAFT_DIAMETER_UM,
    constraint_name="assessment_shaft_range",
)
TERMINAL_VELLUS_RATIO = Measure(
    field="terminal_vellus_ratio",
    verbose_name=_("terminal:vellus ratio"),
    label=_("Terminal:vellus ratio"),
    heading=_("T:V"),
    export_code="terminal_vellus_ratio",
    export_unit="ratio",
    kind=Kind.NUMERIC,
    range=ranges.TERMINAL_VELLUS_RATIO,
    constraint_name="assessment_tv_ratio_range",
)
GLOBAL_PHOTO_ASSESSMENT = Measure(
    field="global_photo_assessment",
    verbose_name=_("global photographic assessment (−3…+3)"),
    label=_("Global photographic assessment (−3…+3)"),
    heading=_("Photo (−3…+3)"),
    export_code="global_photographic_assessment",
    export_unit="score −3…+3",
    kind=Kind.NUMERIC,
    range=ranges.GLOBAL_PHOTO_ASSESSMENT,
    constraint_name="assessment_gpa_range",
)
SALT_SCORE = Measure(
    field="salt_score",
    verbose_name=_("SALT score (%)"),
    label=_("SALT score"),
    heading=_("SALT (%)"),
    export_code="salt_score",
    export_unit="%",
    kind=Kind.NUMERIC,
    range=ranges.SALT_SCORE,
    constraint_name="assessment_salt_range",
)
NORWOOD_HAMILTON_STAGE = Measure(
    field="norwood_hamilton_stage",
    verbose_name=_("Norwood–Hamilton stage"),
    label=_("Norwood–Hamilton stage"),
    heading=STAGE_HEADING,
    export_code="norwood_hamilton_stage",
    export_unit="stage",
    kind=Kind.STAGE,
    choices=NorwoodStage,
    form_columns=2,
)
LUDWIG_STAGE = Measure(
    field="ludwig_stage",
    verbose_name=_("Ludwig stage"),
    label=_("Ludwig stage"),
    heading=STAGE_HEADING,
    export_code="ludwig_stage",
    export_unit="stage",
    kind=Kind.STAGE,
    choices=LudwigStage,
    form_columns=2,
)
SATISFACTION = Measure(
    field="satisfaction",
    verbose_name=_("patient satisfaction (1–5)"),
    label=_("Patient satisfaction (1–5)"),
    heading=_("Satisfaction"),
    export_code="satisfaction",
    export_unit="score 1–5",
    kind=Kind.NUMERIC,
    range=ranges.SATISFACTION,
    constraint_name="assessment_satisfaction_range",
    form_columns=2,
)

ASSESSMENT_MEASURES = (
    HAIR_DENSITY,
    SHAFT_DIAMETER,
    TERMINAL_VELLUS_RATIO,
    GLOBAL_PHOTO_ASSESSMENT,
    SALT_SCORE,
    NORWOOD_HAMILTON_STAGE,
    LUDWIG_STAGE,
    SATISFACTION,
)
MEASURE_FIELDS = tuple(measure.field for measure in ASSESSMENT_MEASURES)


def has_a_measure(assessment):
    return any(measure.value_of(assessment) is not None for measure in ASSESSMENT_MEASURES)


@dataclass(frozen=True)
class TableColumn:
    """A column of the patient page's assessments table: a measure, stagings sharing one, or a site."""

    heading: str
    measures: tuple[Measure, ...] = ()
    site_of: Measure | None = None

    def cell(self, assessment):
        if self.site_of:
            return getattr(assessment, f"get_{self.site_of.site_field}_display")() or EMPTY_CELL
        values = [value for measure in self.measures if (value := measure.value_of(assessment)) is not None]
        return plain(values[0]) if values else EMPTY_CELL


def _table_columns():
    columns = []
    for measure in ASSESSMENT_MEASURES:
        if columns and columns[-1].heading is measure.heading:
            columns[-1] = TableColumn(measure.heading, (*columns[-1].measures, measure))
        else:
            columns.append(TableColumn(measure.heading, (measure,)))
        if measure.site_field:
            columns.append(TableColumn(_("Site"), site_of=measure))
    return tuple(columns)


TABLE_COLUMNS = _table_columns()


def table_cells(assessment):
    return [column.cell(assessment) for column in TABLE_COLUMNS]
