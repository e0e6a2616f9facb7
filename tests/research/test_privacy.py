"""Privacy that is measured. In the de-identified tier no filter places a session in a window narrower than a
calendar year, rare combinations of quasi-identifiers are withheld, and the privacy report's k is what an
independent count of the file finds. Exact dates are for a limited data set only, under an agreement an
administrator recorded."""

from datetime import date, timedelta

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from research.forms import YEARS_ONLY
from research.models import DataUseAgreement
from research.privacy import Generalisation, K
from research.query import ExportFilters, privacy_plan
from sessions.demo import create_demo_data
from tests.research.support import CODEBOOK_URL, PAGE_URL, SESSIONS_URL, as_dicts, body, parse
from tests.support.dates import local
from tests.support.db import module_rows, seed_literature_presets
from tests.support.factories import SessionFactory
from tests.support.forms import admin_change
from tests.support.pages import text

pytestmark = pytest.mark.django_db

QUASI_IDENTIFIERS = [
    "age_years",
    "sex",
    "diagnosis",
    "norwood_hamilton_stage",
    "ludwig_stage",
    "salt_score_pct",
    "fitzpatrick_type",
]
# Eight days, eight one-day windows: the attack that dated 45 sessions to the day.
ONE_DAY_WINDOWS = [date(2026, 3, 2) + timedelta(days=7 * week) for week in range(8)]


def independent_k(rows):
    """(k, rows whose combination fewer than K patients share) as pandas counts them in the file itself."""
    frame = pd.DataFrame(as_dicts(rows)).astype(str)
    sharing = frame.groupby(QUASI_IDENTIFIERS)["patient_id"].transform("nunique")
    return int(sharing.min()), int((sharing < K).sum())


@module_rows
def demo():
    """The demo data `make run` loads (30 patients, 5 sessions each), with its research consents."""
    seed_literature_presets()
    create_demo_data(patients=30, sessions_per_patient=5, seed=2026)


@pytest.mark.parametrize("day", ONE_DAY_WINDOWS, ids=str)
def test_a_one_day_window_is_refused_to_a_de_identified_export(day, client_for, researcher, demo):
    client = client_for(researcher)
    window = {"date_from": day.isoformat(), "date_to": day.isoformat(), "include_demo": "on"}

    page, download = client.get(PAGE_URL, window), client.get(SESSIONS_URL, window)

    assert str(YEARS_ONLY) in text(page) and 'id="counts"' not in text(page)
    assert download.status_code == 400 and not download.streaming
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_narrowest_window_a_de_identified_export_can_ask_for_is_a_calendar_year(client_for, researcher, demo):
    this_year = timezone.localdate().year
    params = {"year_from": this_year, "year_to": this_year, "include_demo": "on"}

    rows = as_dicts(parse(body(client_for(researcher).get(SESSIONS_URL, params))))
    (event,) = AuditEvent.objects.filter(action=AuditAction.EXPORT)

    assert rows
    assert (event.detail["filters"]["date_from"], event.detail["filters"]["date_to"]) == (
        f"{this_year}-01-01",
        f"{this_year}-12-31",
    )
    assert "session_date" not in rows[0]


def test_on_the_demo_data_the_default_export_holds_k_of_at_least_five(client_for, researcher, demo):
    client = client_for(researcher)
    rows = parse(body(client.get(SESSIONS_URL, {"include_demo": "on"})))
    report = privacy_plan(ExportFilters(include_demo=True)).report

    k, below = independent_k(rows)

    assert k >= K and below == 0
    assert (report.k, report.rows_below_k, report.rows) == (k, below, len(rows) - 1)
    page = text(client.get(PAGE_URL, {"include_demo": "on"}))
    assert f"k = {k}:" in page and f"Rows whose combination fewer than {K} patients share: 0 (0.0%)." in page


@pytest.mark.parametrize(
    "generalisation",
    [
        Generalisation(),
        Generalisation(age_band=5, fitzpatrick_grouped=False),
        Generalisation(age_band=1, fitzpatrick_grouped=False, staging_grouped=False, withhold_rare=False),
        Generalisation(withhold_rare=False),
    ],
    ids=["default", "5-year-bands", "as-recorded", "generalised-not-withheld"],
)
def test_the_reported_k_is_what_an_independent_count_of_the_file_finds(generalisation, demo):
    from research.export import session_lines

    filters = ExportFilters(include_demo=True, generalisation=generalisation)

    rows = parse("".join(session_lines(filters)))
    report = privacy_plan(filters).report

    assert (report.k, report.rows_below_k) == independent_k(rows)
    if not generalisation.withhold_rare:
        assert report.k < K, "the demo data is small: without withholding some rows stand alone"


def test_withheld_rows_say_so_and_keep_their_clinical_values(demo):
    from research.export import session_lines

    rows = as_dicts(parse("".join(session_lines(ExportFilters(include_demo=True)))))

    withheld = [row for row in rows if row["quasi_identifiers_withheld"] != "0"]
    assert withheld
    for row in withheld:
        assert row["age_years"] == row["fitzpatrick_type"] == row["ludwig_stage"] == ""
        assert row["technique"] and row["days_since_first_session"]


def test_the_codebook_says_which_generalisation_was_applied(client_for, researcher, demo):
    client = client_for(researcher)

    banded = as_dicts(parse(body(client.get(CODEBOOK_URL, {"age": "5", "fitzpatrick": "exact"}))))
    exact = as_dicts(parse(body(client.get(CODEBOOK_URL, {"age": "1"}))))

    age = next(row for row in banded if row["variable"] == "age_years")
    assert "5-year bands" in age["label"] and age["type"] == "code"
    assert next(row for row in exact if row["variable"] == "age_years")["type"] == "integer"
    fitzpatrick = next(row for row in banded if row["variable"] == "fitzpatrick_type")
    assert fitzpatrick["type"] == "integer" and "grouped" not in fitzpatrick["label"]


# --- The limited data set ----------------------------------------------------------------------------------


@pytest.fixture
def agreement(researcher, superuser):
    return DataUseAgreement.objects.create(researcher=researcher, reference="DUA-2026-014", granted_by=superuser)


def test_a_researcher_under_an_agreement_exports_exact_dates_and_the_trail_names_the_agreement(
    client_for, researcher, agreement
):
    SessionFactory(performed_at=local(date(2026, 3, 2), 23, 30))
    SessionFactory(performed_at=local(date(2026, 3, 3), 0, 30))
    client = client_for(researcher)
    window = {"limited_data_set": "on", "date_from": "2026-03-02", "date_to": "2026-03-02", "age": "1"}

    page = text(client.get(PAGE_URL, window))
    rows = as_dicts(parse(body(client.get(SESSIONS_URL, window))))

    assert "Limited data set — agreement DUA-2026-014" in page
    assert [row["session_date"] for row in rows] == ["2026-03-02"]
    (event,) = AuditEvent.objects.filter(action=AuditAction.EXPORT)
    assert event.detail["filters"]["limited_data_set"] == "DUA-2026-014"


@pytest.mark.parametrize("how", ["revoked", "ended", "someone-elses"])
def test_without_an_agreement_in_force_the_limited_data_set_is_refused(how, client_for, researcher, agreement):
    if how == "revoked":
        agreement.revoked_at = timezone.now()
    elif how == "ended":
        agreement.starts_on, agreement.ends_on = date(2025, 1, 1), timezone.localdate() - timedelta(days=1)
    else:
        agreement.researcher = SessionFactory().clinician
    agreement.save()

    response = client_for(researcher).get(SESSIONS_URL, {"limited_data_set": "on", "date_from": "2026-03-02"})

    assert response.status_code == 400
    assert "no data use agreement in force" in text(response)


def test_granting_and_revoking_an_agreement_in_the_admin_is_audited(client_for, researcher, superuser):
    admin = client_for(superuser)
    admin.post(
        reverse("admin:research_datauseagreement_add"),
        {"researcher": researcher.pk, "reference": "DUA-7", "starts_on": "2026-01-01"},
    )
    agreement = DataUseAgreement.objects.get(reference="DUA-7")
    admin_change(
        admin,
        reverse("admin:research_datauseagreement_change", args=[agreement.pk]),
        revoked_at_0="2026-06-01",
        revoked_at_1="12:00:00",
    )

    created, updated = AuditEvent.objects.filter(object_type="data_use_agreement").order_by("pk")
    assert (created.action, created.user, created.changes["reference"]) == (
        AuditAction.CREATE,
        superuser,
        [None, "DUA-7"],
    )
    assert DataUseAgreement.objects.get(pk=agreement.pk).granted_by == superuser
    assert updated.action == AuditAction.UPDATE and "revoked_at" in updated.changes
