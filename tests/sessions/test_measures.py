"""Every declared assessment measure reaches the form, the patient page's table, a chart when it is
chartable, the research outcomes file and its codebook."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from clinic.formatting import plain
from clinic.vocabularies import Diagnosis
from research.columns import codebook_rows
from research.export import outcome_rows
from research.query import ExportFilters
from sessions.charts import outcome_charts
from sessions.forms import AssessmentForm
from sessions.measures import ASSESSMENT_MEASURES, Kind
from sessions.models import Assessment
from tests.support.factories import PatientFactory, SessionFactory

pytestmark = pytest.mark.django_db

STAGINGS = [measure for measure in ASSESSMENT_MEASURES if measure.kind is Kind.STAGE]


def recorded_value(measure):
    """A value the measure accepts: the top of its range, or its last stage."""
    return measure.range.high if measure.range else measure.choices.values[-1]


def every_measure(staging):
    """Every declared measure but the other staging: an assessment gives one staging at most."""
    values = {m.field: recorded_value(m) for m in ASSESSMENT_MEASURES if m.kind is not Kind.STAGE or m is staging}
    return {**values, "density_site": "vertex"}


def assess(patient, clinician, on, values):
    return Assessment.objects.create(patient=patient, assessed_by=clinician, assessed_on=on, **values)


@pytest.fixture
def areata_patient():
    return PatientFactory(diagnosis=Diagnosis.ALOPECIA_AREATA)  # a SALT score needs this diagnosis


def test_the_form_offers_every_declared_measure_in_order_under_its_name(clinician_client, areata_patient):
    page = clinician_client.get(reverse("assessment-add", args=[areata_patient.pk])).content.decode()

    positions = [page.index(f'id="id_{measure.field}"') for measure in ASSESSMENT_MEASURES]
    assert positions == sorted(positions)
    for measure in ASSESSMENT_MEASURES:
        label = re.search(rf'<label\s+for="id_{measure.field}"[^>]*>(.*?)</label>', page, re.S).group(1)
        assert unescape(label).strip() == capfirst(measure.verbose_name)


@pytest.mark.parametrize("measure", ASSESSMENT_MEASURES, ids=lambda measure: measure.field)
def test_each_declared_measure_alone_is_a_valid_assessment(areata_patient, clinician, measure):
    data = {
        "assessed_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        measure.field: recorded_value(measure),
    }
    if measure.site_field:
        data[measure.site_field] = "vertex"

    form = AssessmentForm(data, instance=Assessment(patient=areata_patient, assessed_by=clinician))

    assert form.is_valid(), form.errors
    assert getattr(form.save(), measure.field) == recorded_value(measure)


@pytest.mark.parametrize("staging", STAGINGS, ids=lambda measure: measure.field)
def test_the_table_shows_each_declared_measure_under_its_heading(clinician_client, clinician, areata_patient, staging):
    assess(areata_patient, clinician, date(2025, 1, 10), every_measure(staging))

    page = clinician_client.get(areata_patient.get_absolute_url()).content.decode()

    table = page[page.index('id="assessments"') : page.index("</table>")]
    headings = [unescape(heading) for heading in re.findall(r"<th>(.*?)</th>", table)]
    (cells,) = (re.findall(r"<td>(.*?)</td>", row, re.S) for row in re.findall(r"<tr><td>.*?</tr>", table, re.S))
    shown = dict(zip(headings, (unescape(cell).strip() for cell in cells), strict=True))
    for measure in ASSESSMENT_MEASURES:
        if measure.kind is not Kind.STAGE or measure is staging:
            assert shown[measure.heading] == plain(recorded_value(measure))
    assert shown["Site"] == "Vertex / crown"


def test_every_chartable_measure_and_no_other_gets_a_chart_with_its_label_and_unit(clinician):
    assessments = [
        Assessment(assessed_on=date(2025, 1, 1 + day), **every_measure(staging)) for day, staging in enumerate(STAGINGS)
    ]

    charts = {chart.field: chart for chart in outcome_charts(assessments, [])}

    assert list(charts) == [measure.field for measure in ASSESSMENT_MEASURES if measure.charted]
    assert not {staging.field for staging in STAGINGS} & set(charts)
    for measure in ASSESSMENT_MEASURES:
        if measure.charted:
            assert (charts[measure.field].label, charts[measure.field].unit) == (measure.label, measure.unit)


def test_every_declared_measure_is_exported_with_its_code_and_unit_and_described_in_the_codebook(
    clinician, areata_patient
):
    first_day = SessionFactory(patient=areata_patient).performed_on
    for day, staging in enumerate(STAGINGS):
        assess(areata_patient, clinician, first_day + timedelta(days=day), every_measure(staging))

    header, *rows = outcome_rows(ExportFilters())
    exported = {(row[header.index("measure")], row[header.index("unit")]) for row in rows}
    codebook = {row[1]: row for row in codebook_rows(ExportFilters()) if row[0] == "outcomes.csv"}

    assert exported == {(measure.export_code, measure.export_unit) for measure in ASSESSMENT_MEASURES}
    # Researchers' scripts read these codes and units: written out here, not read from the declaration.
    assert exported == {
        ("hair_density", "hairs/cm²"),
        ("shaft_diameter", "µm"),
        ("terminal_vellus_ratio", "ratio"),
        ("global_photographic_assessment", "score −3…+3"),
        ("salt_score", "%"),
        ("norwood_hamilton_stage", "stage"),
        ("ludwig_stage", "stage"),
        ("satisfaction", "score 1–5"),
    }
    assert codebook["measure"][5].split("; ") == [measure.export_code for measure in ASSESSMENT_MEASURES]
    assert set(codebook["unit"][5].split("; ")) == {measure.export_unit for measure in ASSESSMENT_MEASURES}
