"""The /export/ page and its downloads: counts, who may use them, and hostile filter values."""

import re
from datetime import date

import pytest
from django.http import StreamingHttpResponse

from audit.models import AuditAction, AuditEvent
from clinic.vocabularies import Diagnosis, Technique
from research.query import pseudonym
from sessions.services import void_record
from tests.research.support import (
    BLEND_URL,
    CODEBOOK_URL,
    PAGE_URL,
    SESSIONS_URL,
    body,
    fetch,
    parse,
    session_with_blend,
)
from tests.support.clients import signed_in
from tests.support.dates import local
from tests.support.factories import PatientFactory, ProductFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

DOWNLOADS = [SESSIONS_URL, BLEND_URL, CODEBOOK_URL]


def counts(response):
    """(sessions exported, sessions left out for lack of consent) as the page states them: a number, or
    "fewer than 5" for a small count."""
    assert response.status_code == 200
    html = response.content.decode()
    block = re.search(r'<div class="alert alert-info" id="counts">(.*?)</div>', html, re.S)
    assert block, "the page shows no counts"
    text = " ".join(re.sub(r"<[^>]+>", "", block.group(1)).split())
    match = re.fullmatch(
        r"Sessions to export: ([\d,]+|fewer than 5)\. Left out because the patient has not given research "
        r"consent: ([\d,]+|fewer than 5)\.",
        text,
    )
    assert match, text
    return tuple(int(n.replace(",", "")) if n[0].isdigit() else n for n in match.groups())


def without_consent():
    return PatientFactory(research_consent=False, research_consent_date=None)


@pytest.fixture
def population(clinician):
    """8 exportable sessions (6 MMP), 7 without consent (5 MMP), 1 voided of each kind, 2 demo."""
    consenting, refusing = PatientFactory(), without_consent()
    for technique in [Technique.MMP] * 6 + [Technique.MICRONEEDLING] * 2:
        SessionFactory(patient=consenting, technique=technique)
    for technique in [Technique.MMP] * 5 + [Technique.MICRONEEDLING] * 2:
        SessionFactory(patient=refusing, technique=technique)
    for patient in (consenting, refusing):
        void_record(record=SessionFactory(patient=patient), reason="Duplicate", by=clinician)
    SessionFactory(patient=PatientFactory(is_demo=True), is_demo=True)
    SessionFactory(
        patient=PatientFactory(is_demo=True, research_consent=False, research_consent_date=None), is_demo=True
    )


def test_the_page_counts_matching_sessions_and_those_left_out_for_lack_of_consent(client_for, researcher, population):
    client = client_for(researcher)

    assert counts(client.get(PAGE_URL, {"technique": ""})) == (8, 7)
    assert counts(client.get(PAGE_URL, {"technique": Technique.MMP})) == (6, 5)
    assert counts(client.get(PAGE_URL, {"include_demo": "on"})) == (9, 8)


def test_counts_below_five_are_not_told_exactly(client_for, researcher, population):
    client = client_for(researcher)

    assert counts(client.get(PAGE_URL, {"technique": Technique.MICRONEEDLING})) == ("fewer than 5", "fewer than 5")
    assert counts(client.get(PAGE_URL, {"technique": Technique.SMP})) == ("fewer than 5", "fewer than 5")


def test_the_count_agrees_with_the_rows_downloaded(client_for, researcher, population):
    client = client_for(researcher)
    for params in ({"technique": ""}, {"technique": Technique.MMP}, {"include_demo": "on"}):
        _response, rows = fetch(client, SESSIONS_URL, **params)
        assert counts(client.get(PAGE_URL, params))[0] == len(rows) - 1


def test_the_count_all_sessions_link_counts_all_sessions(client_for, researcher, population):
    client = client_for(researcher)
    page = client.get(PAGE_URL).content.decode()
    link = re.search(r'<a href="([^"]*)">Count all sessions</a>', page)
    assert link, "the page offers no way to count all sessions"

    assert counts(client.get(PAGE_URL + link.group(1))) == (8, 7)


def test_the_page_links_the_downloads_with_the_same_filters(client_for, researcher, population):
    response = client_for(researcher).get(PAGE_URL, {"technique": Technique.MMP, "year_from": "2025"})
    html = response.content.decode()

    for url in (SESSIONS_URL, BLEND_URL, CODEBOOK_URL):
        assert f'href="{url}?technique=mmp&amp;year_from=2025"' in html


def test_the_year_filter_on_the_page_takes_whole_calendar_years(client_for, researcher):
    for day in [date(2024, 12, 31)] + [date(2025, 1, 1)] * 3 + [date(2025, 12, 31)] * 3 + [date(2026, 1, 1)]:
        SessionFactory(performed_at=local(day, 0 if day.month == 1 else 23))
    client = client_for(researcher)

    assert counts(client.get(PAGE_URL, {"year_from": "2025", "year_to": "2025"})) == (6, "fewer than 5")


def test_the_preset_and_clinician_filters_on_the_page(client_for, researcher, seeded_presets):
    preset = seeded_presets.get(slug="barletta-mmp-triamcinolone-aa")
    doctor = UserFactory(username="dr.who", roles=["clinician"])
    picked = SessionFactory(preset=preset, clinician=doctor)
    SessionFactory(preset=preset)
    SessionFactory(clinician=doctor)
    client = client_for(researcher)

    params = {"preset": preset.slug, "clinician": doctor.pk}
    assert counts(client.get(PAGE_URL, params)) == ("fewer than 5", "fewer than 5")
    _response, rows = fetch(client, SESSIONS_URL, **params)
    assert [row[0] for row in rows[1:]] == [pseudonym("s", picked.pk)]


def test_the_diagnosis_filter_on_the_page(client_for, researcher):
    SessionFactory(patient=PatientFactory(diagnosis=Diagnosis.ALOPECIA_AREATA))
    SessionFactory(patient=PatientFactory(diagnosis=Diagnosis.FEMALE_PATTERN))
    SessionFactory(patient=PatientFactory(diagnosis=Diagnosis.FEMALE_PATTERN, research_consent=False))

    for _ in range(4):
        SessionFactory(patient=PatientFactory(diagnosis=Diagnosis.FEMALE_PATTERN))

    assert counts(client_for(researcher).get(PAGE_URL, {"diagnosis": "fphl"})) == (5, "fewer than 5")


# --- Who may export --------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PAGE_URL, *DOWNLOADS])
@pytest.mark.parametrize("role", ["clinician", "curator", "outsider"])
def test_other_roles_are_refused(request, client_for, role, url):
    SessionFactory()
    response = client_for(request.getfixturevalue(role)).get(url, {"technique": ""})

    assert response.status_code == 403
    assert not response.streaming
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("url", [PAGE_URL, *DOWNLOADS])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    SessionFactory()

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("url", [PAGE_URL, *DOWNLOADS])
@pytest.mark.parametrize("role", ["researcher", "superuser"])
def test_researchers_and_superusers_may_export(request, client_for, role, url):
    session_with_blend(ProductFactory())

    response = client_for(request.getfixturevalue(role)).get(url)

    assert response.status_code == 200
    if url != PAGE_URL:
        assert len(parse(body(response))) >= 2


def test_an_inactive_researcher_is_refused(client_for):
    user = UserFactory(roles=["researcher"], is_active=False)
    client = client_for(None)
    signed_in(user, client)  # a session from before the account was switched off

    assert client.get(SESSIONS_URL).status_code in (302, 403)


def test_an_unknown_file_is_not_found(client_for, researcher):
    assert client_for(researcher).get("/export/patients.csv").status_code == 404


def test_downloads_are_streamed_csv_attachments_that_are_not_cached(client_for, researcher):
    SessionFactory()
    for url, name in ((SESSIONS_URL, "sessions"), (BLEND_URL, "blend_components"), (CODEBOOK_URL, "codebook")):
        response = client_for(researcher).get(url)
        assert isinstance(response, StreamingHttpResponse)
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert re.fullmatch(rf'attachment; filename="{name}-\d{{8}}\.csv"', response["Content-Disposition"])
        assert "no-store" in response["Cache-Control"]
        body(response)


# --- Hostile filter values -------------------------------------------------------------------

HOSTILE = [
    ({"technique": "<script>alert(1)</script>"}, "technique"),
    ({"technique": "mmp' OR 1=1 --"}, "technique"),
    ({"date_from": "2026-13-45"}, "date_from"),
    ({"date_from": "2026-02-30"}, "date_from"),
    ({"date_from": "yesterday"}, "date_from"),
    ({"date_to": "9999-12-31"}, "date_to"),
    ({"date_from": "9999-12-31"}, "date_from"),
    ({"date_from": "0001-01-01"}, "date_from"),
    ({"date_from": "1899-12-31", "date_to": "2101-01-01"}, "date_from"),
    ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_to"),
    ({"year_from": "2026", "year_to": "2025"}, "year_to"),
    ({"year_from": "1899"}, "year_from"),
    ({"year_to": "99999999999999999999"}, "year_to"),
    ({"year_from": "2025.5"}, "year_from"),
    ({"limited_data_set": "on"}, "limited_data_set"),
    ({"age": "3"}, "age"),
    ({"staging": "<script>alert(1)</script>"}, "staging"),
    ({"preset": "' OR 1=1 --"}, "preset"),
    ({"preset": "no-such-preset"}, "preset"),
    ({"clinician": "abc"}, "clinician"),
    ({"clinician": "1 OR 1=1"}, "clinician"),
    ({"clinician": "99999999999999999999999"}, "clinician"),
    ({"clinician": "-1"}, "clinician"),
    ({"technique": "x" * 10_000}, "technique"),
]
# NUL characters are refused at the door (clinic.middleware) with a plain 400.
NUL = [
    ({"diagnosis": "aga\x00"}, "diagnosis"),
    ({"technique": "\x00"}, "technique"),
    ({"date_to": "2026-03-01\x00"}, "date_to"),
    ({"clinician": "\x00"}, "clinician"),
    ({"preset": "\x00"}, "preset"),
    ({"include_demo\x00": "on"}, "include_demo"),
]


def hostile_id(case):
    params, _field = case
    return "&".join(f"{key!r}={value[:40]!r}" for key, value in params.items())


@pytest.fixture
def everything(clinician):
    SessionFactory(clinician=clinician)
    SessionFactory(patient=PatientFactory(diagnosis=Diagnosis.ANDROGENETIC_ALOPECIA))


@pytest.mark.parametrize("case", HOSTILE, ids=[hostile_id(case) for case in HOSTILE])
def test_a_hostile_filter_gets_a_message_on_the_page(client_for, researcher, everything, case):
    params, field = case

    response = client_for(researcher).get(PAGE_URL, params)

    assert response.status_code in (200, 400)
    assert response.context["form"].errors.get(field), response.context["form"].errors
    html = response.content.decode()
    assert 'id="counts"' not in html and 'id="downloads"' not in html
    assert "invalid-feedback" in html or "is-invalid" in html
    assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize("url", [PAGE_URL, SESSIONS_URL, BLEND_URL])
@pytest.mark.parametrize("case", NUL, ids=[hostile_id(case) for case in NUL])
def test_a_nul_character_gets_a_400_that_says_so(client_for, researcher, everything, case, url):
    params, _field = case

    response = client_for(researcher).get(url, params)

    assert response.status_code == 400
    assert not response.streaming
    assert "null character" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("url", [SESSIONS_URL, BLEND_URL])
@pytest.mark.parametrize("case", HOSTILE + NUL, ids=[hostile_id(case) for case in HOSTILE + NUL])
def test_a_hostile_filter_gets_a_400_and_no_file(client_for, researcher, everything, case, url):
    params, _field = case

    response = client_for(researcher).get(url, params)

    assert response.status_code == 400
    assert not response.streaming
    assert not response["Content-Type"].startswith("text/csv")
    assert "attachment" not in response.get("Content-Disposition", "")
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
