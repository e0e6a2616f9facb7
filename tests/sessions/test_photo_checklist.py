"""The photo-capture checklist: which standard views this session still lacks, before and after."""

import re

import pytest
from django.urls import reverse

from sessions.selectors import missing_views
from sessions.services import void_record
from tests.support.factories import PatientFactory, SessionFactory
from tests.support.photos import new_photo, store_photos

pytestmark = pytest.mark.django_db
ALL_VIEWS = ["Frontal", "Vertex", "Top", "Left", "Right", "Occipital", "Close-up / trichoscopy"]


def labels(missing):
    return {phase.label: [view.label for view in views] for phase, views in missing.items()}


def with_photos(session, clinician, *rows):
    store_photos(session, clinician, *(new_photo(phase=phase, view=view) for phase, view in rows))


def test_a_session_without_photos_misses_every_view_before_and_after():
    assert labels(missing_views(SessionFactory().photos.current())) == {"Before": ALL_VIEWS, "After": ALL_VIEWS}


def test_views_taken_leave_the_list_and_voided_photos_come_back(clinician):
    session = SessionFactory()
    with_photos(session, clinician, ("before", "vertex"), ("before", "frontal"), ("after", "vertex"))

    missing = labels(missing_views(session.photos.current()))
    assert "Vertex" not in missing["Before"] and "Frontal" not in missing["Before"]
    assert "Vertex" not in missing["After"] and "Frontal" in missing["After"]

    void_record(record=session.photos.get(phase="after"), reason="Blurred", by=clinician)
    assert "Vertex" in labels(missing_views(session.photos.current()))["After"]


def test_a_complete_set_leaves_nothing_to_list(clinician):
    session = SessionFactory()
    with_photos(
        session,
        clinician,
        *[
            (phase, view)
            for phase in ("before", "after")
            for view in ("frontal", "vertex", "top", "left", "right", "occipital", "close_up")
        ],
    )

    assert missing_views(session.photos.current()) == {}


def test_the_session_page_and_the_form_show_the_checklist(clinician_client):
    session = SessionFactory()

    page = clinician_client.get(session.get_absolute_url()).content.decode()
    form = clinician_client.get(reverse("session-edit", args=[session.pk])).content.decode()

    for body in (page, form):
        checklist = body.split('id="photo-checklist"')[1].split("</div>")[0]
        before = checklist.split('<li data-phase="before">')[1].split("</li>")[0]
        assert re.findall(r'data-view="(\w+)">([^<]+)<', before)[:3] == [
            ("frontal", "Frontal"),
            ("vertex", "Vertex"),
            ("top", "Top"),
        ]


def test_no_checklist_without_photo_consent(clinician_client):
    session = SessionFactory(patient=PatientFactory(photo_consent=False, photo_consent_date=None))

    assert 'id="photo-checklist"' not in clinician_client.get(session.get_absolute_url()).content.decode()
