"""Malformed ids in URLs, and hostile query parameters: search, sort, page, filters, redirects.

Never a server error; a clear "not found" or the ordinary page with the parameter ignored;
search treats every character literally.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from clinic.models import Patient
from tests.hostile.payloads import NUL, SQL_PAYLOADS, XSS_PAYLOADS, assert_escaped
from tests.support.factories import PASSWORD, PatientFactory, SessionFactory, UserFactory
from tests.support.pages import text

pytestmark = pytest.mark.django_db

NOT_FOUND = "There is nothing at this address."

MALFORMED_PATHS = {
    "patient-text-id": "/patients/abc/",
    "patient-20-digit-id": "/patients/99999999999999999999/",
    "patient-negative-id": "/patients/-1/",
    "log-session-20-digit-patient": "/patients/99999999999999999999/sessions/new/",
    "session-20-digit-id": "/sessions/99999999999999999999/",
    "session-edit-text-id": "/sessions/1 OR 1=1/edit/",
    "photo-not-a-uuid": "/photos/not-a-uuid/",
    "photo-encoded-traversal": "/photos/%2e%2e%2f%2e%2e%2fetc%2fpasswd/",
    "photo-void-not-a-uuid": "/photos/'; DROP TABLE x; --/void/",
}


@pytest.mark.parametrize("path", MALFORMED_PATHS.values(), ids=MALFORMED_PATHS)
def test_a_malformed_or_unknown_id_is_a_clear_not_found(path, clinician_client):
    PatientFactory()

    response = clinician_client.get(path)

    assert response.status_code == 404
    assert NOT_FOUND in text(response)


ADMIN_PATHS = {
    "patient-text-id": "/admin/clinic/patient/abc/change/",
    "patient-20-digit-id": "/admin/clinic/patient/99999999999999999999/change/",
    "audit-event-script-id": "/admin/audit/auditevent/<script>alert(1)</script>/change/",
    "device-history-text-id": "/admin/clinic/device/abc/history/",
    # The field-history pages of clinical records (django-simple-history).
    "patient-history-text-id": "/admin/clinic/patient/abc/history/",
    "patient-history-20-digit-id": "/admin/clinic/patient/99999999999999999999/history/",
    "patient-history-record-text-id": "/admin/clinic/patient/{pk}/history/abc/",
    "session-history-text-id": "/admin/treatments/treatmentsession/abc/history/",
}


@pytest.mark.parametrize("path", ADMIN_PATHS.values(), ids=ADMIN_PATHS)
def test_a_malformed_id_in_the_admin_is_refused_without_error(path, root_client):
    patient = PatientFactory()

    response = root_client.get(path.format(pk=patient.pk), follow=True)

    assert response.status_code in (200, 404)
    body = text(response)
    assert "<script>alert(1)" not in body
    if response.status_code == 200:
        assert "doesn’t exist. Perhaps it was deleted?" in body


# --- Patient list: page, sort, search -----------------------------------------------------------------------


def listed(response):
    return [patient.pk for patient in response.context["page"].object_list]


@pytest.fixture
def twenty_six_patients():
    """One more than a page."""
    return PatientFactory.create_batch(26)


@pytest.mark.parametrize("page", ["-1", "1e9", "abc", "99999999999999999999", "2 OR 1=1"])
def test_a_malformed_page_number_shows_a_real_page(page, clinician_client, twenty_six_patients):
    response = clinician_client.get(reverse("patient-list"), {"page": page})

    assert response.status_code == 200
    shown = response.context["page"]
    assert shown.number in (1, 2)
    assert f"Page {shown.number} of 2 (26)" in text(response)


HOSTILE_SORTS = ["password", "__class__", "-record_number;DROP", "' OR 1=1 --", "name,password"]


@pytest.mark.parametrize("sort", HOSTILE_SORTS)
def test_an_unknown_sort_key_is_ignored(sort, clinician_client):
    for last_name, record in (("Zeta", "P-1"), ("Alpha", "P-3"), ("Mid", "P-2")):
        PatientFactory(last_name=last_name, record_number=record)
    default = listed(clinician_client.get(reverse("patient-list")))

    response = clinician_client.get(reverse("patient-list"), {"sort": sort})

    assert response.status_code == 200
    assert listed(response) == default
    assert response.context["sort"] == "name"
    assert "DROP" not in text(response) and "__class__" not in text(response)


@pytest.fixture
def searchable():
    names = [
        ("Ada", "Lovelace"),
        ("Grace", "Hopper"),
        ("Ann", "Under_score"),
        ("Per%cent", "Smith"),
        ("Ed", "Back\\slash"),
        ("Boris", "Karloff"),  # "ris": an unescaped LIKE "r_s" would match it
    ]
    return [PatientFactory(first_name=first, last_name=last) for first, last in names]


def matching(query, patients):
    """What the search promises: every word is in the record number, first or last name, as typed."""
    words = query.strip()[:100].split()[:5]
    fields = ("record_number", "first_name", "last_name")
    return {p.pk for p in patients if all(any(w.lower() in getattr(p, f).lower() for f in fields) for w in words)}


SEARCHES = {key: value for key, value in SQL_PAYLOADS.items() if value != NUL} | {
    "underscore-inside-word": "r_s",
    "like-wildcards-only": "%_%",
}


def search(client, query, how):
    """The patient list for `query`, searched through the box (posted; the address then carries a token) or typed
    into the address (?q=, still answered for old bookmarks)."""
    if how == "address":
        return client.get(reverse("patient-list"), {"q": query})
    posted = client.post(reverse("patient-search"), {"q": query})
    if posted.status_code != 302:
        return posted
    term = query.strip()[:100]
    address = urlsplit(posted["Location"])
    assert set(parse_qs(address.query)) <= {"search"}, "the address carries a token, never the term"
    # A term of a character or two can turn up in a random token by chance; a longer one never does.
    assert len(term) < 3 or term not in posted["Location"]
    return client.get(posted["Location"])


SEARCH_WAYS = ["posted", "address"]


@pytest.mark.parametrize("how", SEARCH_WAYS)
@pytest.mark.parametrize("query", SEARCHES.values(), ids=SEARCHES)
def test_search_treats_sql_and_like_metacharacters_literally(query, how, clinician_client, searchable):
    response = search(clinician_client, query, how)

    assert response.status_code == 200
    assert set(listed(response)) == matching(query, searchable)
    assert Patient.objects.count() == len(searchable)
    if not matching(query, searchable):
        assert "No patient matches" in text(response)


@pytest.mark.parametrize("how", SEARCH_WAYS)
@pytest.mark.parametrize("query", [NUL, f"Ada{NUL}", f"{NUL}' OR 1=1 --"], ids=["nul", "nul-after-name", "nul-and-sql"])
def test_a_nul_byte_in_the_search_is_refused_with_a_reason(query, how, clinician_client, searchable):
    response = search(clinician_client, query, how)

    assert response.status_code == 400
    assert "null character" in text(response)


@pytest.mark.parametrize(("count", "status"), [(1000, 200), (5000, 400)], ids=["1000-times", "5000-times"])
def test_a_search_parameter_repeated_many_times(count, status, clinician_client, searchable):
    response = clinician_client.get(f"{reverse('patient-list')}?{'&'.join(['q=Ada'] * count)}")

    assert response.status_code == status


@pytest.mark.parametrize("how", SEARCH_WAYS)
def test_a_100_kb_search_is_cut_to_the_box_length(how, clinician_client, searchable):
    response = search(clinician_client, "A" * 100_000, how)

    assert response.status_code == 200
    assert response.context["query"] == "A" * 100


@pytest.mark.parametrize("query", ["", "   ", "\t\n"], ids=["empty", "spaces", "tab-newline"])
def test_an_empty_posted_search_shows_the_whole_list(query, clinician_client, searchable):
    response = clinician_client.post(reverse("patient-search"), {"q": query}, follow=True)

    assert response.redirect_chain == [(reverse("patient-list"), 302)]
    assert len(listed(response)) == len(searchable)


TOKENS = {
    "unknown": "AAAAAAAAAAAA",
    "10-kb": "A" * 10_000,
    "sql": "' OR 1=1 --",
    "markup": "<script>alert(1)</script>",
    "repeated": ["a", "b"],
}


@pytest.mark.parametrize("token", TOKENS.values(), ids=TOKENS)
def test_a_search_token_that_is_not_ones_own_leads_to_the_whole_list(token, client_for, clinician, searchable):
    colleague = client_for(UserFactory(roles=["clinician"]))
    own_token = colleague.post(reverse("patient-search"), {"q": "Lovelace"})["Location"].split("search=")[1]

    for tried in (token, own_token):  # another user's token reveals nothing of their search
        response = client_for(clinician).get(reverse("patient-list"), {"search": tried})

        assert response.status_code == 200
        assert len(listed(response)) == len(searchable)
        assert "Lovelace" not in text(response).split("<tbody")[0], "no term shown in the search box"
        assert "<script>alert(1)" not in text(response)


@pytest.mark.parametrize("payload", XSS_PAYLOADS[:2], ids=[p.id for p in XSS_PAYLOADS[:2]])
def test_the_voided_filter_of_the_timeline_ignores_markup(payload, clinician_client):
    session = SessionFactory()

    response = clinician_client.get(
        reverse("patient-detail", args=[session.patient_id]), {"voided": payload.value("qv")}
    )

    assert response.status_code == 200
    assert_escaped(text(response), payload, "qv", shown=False)
    assert response.context["show_voided"] is False


# --- Admin filters ------------------------------------------------------------------------------------------

ADMIN_FILTERS = {
    "unknown-choice": ("admin:clinic_patient_changelist", {"diagnosis__exact": "<script>alert(1)</script>"}),
    "nul-choice": ("admin:clinic_patient_changelist", {"sex__exact": NUL}),
    "nul-search": ("admin:clinic_patient_changelist", {"q": NUL}),
    "page-negative": ("admin:clinic_patient_changelist", {"p": "-1"}),
    "lookup-on-password-field": ("admin:clinic_user_changelist", {"password__startswith": "md5"}),
    "lookup-not-in-filters": ("admin:clinic_patient_changelist", {"notes__regex": "(a+)+$"}),
    "date-hierarchy-text-year": ("admin:audit_auditevent_changelist", {"at__year": "abc"}),
    **{
        f"date-hierarchy-{where}-{name}": (changelist, {f"{field}__{part}": value for part, value in parts.items()})
        for where, changelist, field in (
            ("audit", "admin:audit_auditevent_changelist", "at"),
            ("session", "admin:treatments_treatmentsession_changelist", "performed_at"),
        )
        for name, parts in {
            "year-minus-one": {"year": "-1"},
            "year-zero": {"year": "0"},
            "year-20-digits": {"year": "9" * 20},
            "year-10000": {"year": "10000"},
            "month-13": {"year": "2026", "month": "13"},
            "month-zero": {"year": "2026", "month": "0"},
            "day-32": {"year": "2026", "month": "1", "day": "32"},
            "february-30": {"year": "2026", "month": "2", "day": "30"},
            "day-without-month": {"year": "2026", "day": "5"},
            "last-day-of-9999": {"year": "9999", "month": "12", "day": "31"},
        }.items()
    },
    "audit-nul-action": ("admin:audit_auditevent_changelist", {"action__exact": NUL}),
    "audit-ip-search-sql": ("admin:audit_auditevent_changelist", {"q": "127.0.0.1' OR '1'='1"}),
}


@pytest.mark.parametrize(("name", "params"), ADMIN_FILTERS.values(), ids=ADMIN_FILTERS)
def test_a_hostile_admin_filter_is_refused_without_error(name, params, root_client):
    PatientFactory()

    response = root_client.get(reverse(name), params)

    assert response.status_code in (200, 302, 400)
    if response.status_code == 302:  # the admin's answer to a filter it cannot apply
        assert "e=1" in response["Location"]
    assert "<script>alert(1)" not in text(response)


# --- Redirect targets ---------------------------------------------------------------------------------------

NEXT_TARGETS = {
    "other-site": "https://evil.example/phish",
    "scheme-relative": "//evil.example/",
    "markup": '"><script>alert(1)</script>',
}


@pytest.mark.parametrize("target", NEXT_TARGETS.values(), ids=NEXT_TARGETS)
def test_login_never_redirects_off_site_and_never_echoes_next_as_markup(target, client_for, clinician):
    client = client_for(None)
    page = client.get(reverse("login"), {"next": target})
    assert page.status_code == 200 and "<script>alert(1)" not in text(page)

    response = client.post(
        f"{reverse('login')}?next=", {"username": "dr.clinician", "password": PASSWORD, "next": target}
    )

    assert response.status_code == 302
    location = response["Location"]
    assert url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"}), location
    assert "evil.example" not in location and not location.lower().startswith("javascript:")


@pytest.mark.parametrize("parameter", ["page", "sort", "voided", "q"])
def test_a_null_character_in_any_query_parameter_is_refused_at_the_door(parameter, clinician_client):
    response = clinician_client.get(reverse("patient-list"), {parameter: f"1{NUL}"})

    assert response.status_code == 400
    assert "null character" in text(response)
