"""A patient's page, their compare page and a session's page cost the same, in queries and about in bytes,
for a patient with 300 sessions as for one with 5; the history beyond the first page is a link away."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.roles import CLINICIAN
from sessions.models import SessionPhoto, TreatmentSession
from sessions.services import void_record
from tests.support.db import count_queries, module_rows, seed_literature_presets
from tests.support.factories import UserFactory
from tests.support.history import patient_with_history, shared_image

pytestmark = pytest.mark.django_db


@module_rows
def histories():
    """Made once for the module; what a test changes (voiding) is undone after it."""
    clinician = UserFactory(username="dr.histories", roles=[CLINICIAN])
    barletta = seed_literature_presets().get(slug="barletta-mmp-triamcinolone-aa")
    image = shared_image()
    return {size: patient_with_history(size, clinician=clinician, image=image, preset=barletta) for size in (5, 300)}


@pytest.fixture
def few(histories):
    return histories[5]


@pytest.fixture
def many(histories):
    return histories[300]


def compare_url(patient):
    return reverse("photo-compare", args=[patient.pk])


def body(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def session_links(page):
    timeline = page[page.index('id="timeline"') :]
    return re.findall(r'href="/sessions/(\d+)/"', timeline)


def newest_first(patient):
    return [
        str(pk)
        for pk in TreatmentSession.objects.current().for_patient(patient).newest_first().values_list("pk", flat=True)
    ]


# Cost.


def test_the_patient_page_runs_as_many_queries_for_300_sessions_as_for_5(clinician_client, few, many):
    assert count_queries(clinician_client, many.get_absolute_url()) == count_queries(
        clinician_client, few.get_absolute_url()
    )


def test_the_page_of_a_patient_with_300_sessions_is_at_most_twice_the_size_of_one_with_5(clinician_client, few, many):
    small = clinician_client.get(few.get_absolute_url()).content
    large = clinician_client.get(many.get_absolute_url()).content

    assert len(large) <= 2 * len(small), (len(large), len(small))


def test_the_compare_page_runs_as_many_queries_for_600_photos_as_for_10(clinician_client, few, many):
    assert count_queries(clinician_client, compare_url(many)) == count_queries(clinician_client, compare_url(few))


def test_the_compare_page_of_600_photos_is_at_most_twice_the_size_of_one_with_10(clinician_client, few, many):
    small = clinician_client.get(compare_url(few)).content
    large = clinician_client.get(compare_url(many)).content

    assert len(large) <= 2 * len(small), (len(large), len(small))


def test_the_session_page_runs_as_many_queries_in_a_history_of_300_as_of_5(clinician_client, few, many):
    def latest(patient):
        return TreatmentSession.objects.for_patient(patient).newest_first().first()

    assert count_queries(clinician_client, latest(many).get_absolute_url()) == count_queries(
        clinician_client, latest(few).get_absolute_url()
    )


def test_timeline_and_strip_thumbnails_load_lazily_at_their_drawn_size(clinician_client, many):
    for page in (body(clinician_client, many.get_absolute_url()), body(clinician_client, compare_url(many))):
        thumbnails = re.findall(r'<img class="thumbnail"[^>]*>', page)
        assert thumbnails
        for thumbnail in thumbnails:
            assert 'loading="lazy"' in thumbnail and 'width="96"' in thumbnail and 'height="96"' in thumbnail


# The timeline, a page at a time.


def test_the_newest_sessions_are_on_the_first_page_and_older_sessions_a_link_away(clinician_client, many):
    order = newest_first(many)

    first = body(clinician_client, many.get_absolute_url())
    assert session_links(first) == order[:5]
    older = re.search(r'<a href="\?(page=2)" rel="next">Older sessions</a>', first)
    assert older, "the first page links to older sessions"
    assert "Sessions 1–5 of 300, newest first" in first

    second = body(clinician_client, many.get_absolute_url() + "?" + older.group(1))
    assert session_links(second) == order[5:10]
    assert 'href="?page=1" rel="prev">Newer sessions</a>' in second


def test_a_session_on_a_later_page_shows_its_place_in_the_course(clinician_client, many, barletta):
    second = body(clinician_client, many.get_absolute_url(), page=2)

    timeline = second[second.index('id="timeline"') :]
    labels = re.findall(r"session (\d+) of (\d+)", timeline)
    assert labels == [(str(number), str(barletta.session_count)) for number in range(295, 290, -1)]


@pytest.mark.parametrize(("asked", "shown"), [("999", 60), ("-1", 60), ("0", 60), ("nonsense", 1), ("", 1), ("2.5", 1)])
def test_a_page_number_out_of_range_or_garbage_answers_the_last_or_the_first_page(clinician_client, many, asked, shown):
    page = body(clinician_client, many.get_absolute_url(), page=asked)

    start = (shown - 1) * 5
    assert session_links(page) == newest_first(many)[start : start + 5]


def test_the_voided_sessions_view_is_paginated_the_same_way(clinician_client, clinician, many):
    newest = TreatmentSession.objects.for_patient(many).newest_first().first()
    void_record(record=newest, reason="Logged twice", by=clinician)
    everything = [
        str(pk) for pk in TreatmentSession.objects.for_patient(many).newest_first().values_list("pk", flat=True)
    ]

    first = body(clinician_client, many.get_absolute_url(), voided=1)
    assert session_links(first) == everything[:5]
    assert "voided: Logged twice" in first
    assert '<a href="?voided=1&amp;page=2" rel="next">Older sessions</a>' in first

    second = body(clinician_client, many.get_absolute_url(), voided=1, page=2)
    assert session_links(second) == everything[5:10]
    assert "Hide voided sessions" in second


def test_the_courses_and_charts_still_cover_the_whole_history(clinician_client, many):
    page = body(clinician_client, many.get_absolute_url())

    courses = page[page.index('id="courses"') :]
    assert "session 300 of" in courses[: courses.index("</ul>")]
    assert "300 sessions, " in page, "the charts mark every session"


# The compare strip, a page at a time.


def strip_captions(page):
    strip = page[page.index('id="strip"') :]
    return re.findall(r"<figcaption>[^<]*<br>(\w+) · session (\d+)</figcaption>", strip)


def test_the_strip_shows_the_newest_photos_first_and_earlier_ones_a_link_away(clinician_client, many):
    page = body(clinician_client, compare_url(many))

    captions = strip_captions(page)
    assert captions[-2:] == [("Before", "300"), ("After", "300")]
    assert len(captions) == 12
    earlier = re.search(r'<a href="\?([^"]+)" rel="prev">Earlier photos</a>', page)
    assert earlier, "the strip links to earlier photos"

    previous = body(clinician_client, compare_url(many) + "?" + earlier.group(1).replace("&amp;", "&"))
    assert strip_captions(previous)[-2:] == [("Before", "294"), ("After", "294")]


def test_paging_the_strip_keeps_the_pair_being_compared(clinician_client, many):
    first = body(clinician_client, compare_url(many), page=1)
    a, b = re.findall(r'<option value="([^"]+)" selected>', first)

    later = re.search(r'<a href="\?([^"]+)" rel="next">Later photos</a>', first)
    shown = body(clinician_client, compare_url(many) + "?" + later.group(1).replace("&amp;", "&"))

    assert re.findall(r'<option value="([^"]+)" selected>', shown) == [a, b]
    assert strip_captions(shown)[:2] == [("Before", "7"), ("After", "7")]


@pytest.mark.parametrize("asked", ["999", "-3", "nonsense"])
def test_a_strip_page_out_of_range_or_garbage_answers_a_page_not_an_error(clinician_client, many, asked):
    assert len(strip_captions(body(clinician_client, compare_url(many), page=asked))) == 12


def test_any_two_photos_of_a_long_history_can_be_compared_wherever_the_strip_is(clinician_client, many):
    photos = list(SessionPhoto.objects.filter(session__patient=many).order_by("taken_at", "-phase"))
    a, b = photos[1], photos[298]  # the after photo of session 1, the before photo of session 150

    page = body(clinician_client, compare_url(many), view="vertex", a=a.pk, b=b.pk)

    assert re.findall(r'<option value="([^"]+)" selected>', page) == [str(a.pk), str(b.pk)]
    side = page[page.index('id="side-by-side"') :]
    assert re.findall(r"<figcaption>([^<]+)</figcaption>", side)[:2] == [
        f"{timezone.localtime(a.taken_at):%Y-%m-%d} · After · session 1, course session 1",
        f"{timezone.localtime(b.taken_at):%Y-%m-%d} · Before · session 150, course session 150",
    ]
    assert strip_captions(page)[-1] == ("After", "300")
