"""Comparing photos of one standard view: the pair shown, the strip across sessions, the labelled composite
download, and nothing shown at all once photo consent is missing or withdrawn."""

import re
from datetime import date, datetime
from html.parser import HTMLParser
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from audit.models import AuditAction, AuditEvent
from clinic.models import Patient
from clinic.roles import CLINICIAN
from protocols.models import ProtocolPreset
from sessions.compare import LABEL_HEIGHT, current_photos_of_view, labelled
from sessions.models import SessionPhoto, TreatmentSession
from sessions.services import void_record
from tests.support.dates import local
from tests.support.db import module_rows
from tests.support.factories import PatientFactory, SessionFactory, UserFactory
from tests.support.images import jpeg_bytes, png_bytes
from tests.support.photos import new_photo, store_photos

pytestmark = pytest.mark.django_db

RED, GREEN, BLUE, GREY = (200, 30, 30), (30, 180, 60), (40, 60, 200), (128, 128, 128)
NOT_A_PHOTO = "00000000-0000-0000-0000-000000000000"


# Building a patient's photo record.


def shot(phase, view="vertex", colour=GREY, *, taken_at=None, content=None):
    return {"phase": phase, "view": view, "colour": colour, "taken_at": taken_at, "content": content}


def session_with(patient, clinician, day, *shots, preset=None, hour=10):
    """A session of that day, its photos stored as the edit page stores them (re-encoded, audited)."""
    session = SessionFactory(patient=patient, performed_at=local(day, hour), preset=preset)
    if shots:
        photos = (
            new_photo(
                s["content"] or jpeg_bytes(64, 48, colour=s["colour"], gps=True),
                phase=s["phase"],
                view=s["view"],
                taken_at=s["taken_at"],
            )
            for s in shots
        )
        store_photos(session, clinician, *photos, warnings_confirmed=True)
    return session


def photo(session, phase, view="vertex"):
    return SessionPhoto.objects.get(session=session, phase=phase, view=view)


@module_rows
def compared_course():
    """Four sessions of one patient, stored once for the module: a before photo on the first, before and after on
    the second, an after photo on the last; the third has no vertex photo at all. (patient pk, session pks)"""
    patient = PatientFactory()
    photographer = UserFactory(username="dr.photographer", roles=[CLINICIAN])
    sessions = [
        session_with(patient, photographer, date(2026, 3, 2), shot("before", colour=RED)),
        session_with(patient, photographer, date(2026, 4, 6), shot("before"), shot("after")),
        session_with(patient, photographer, date(2026, 5, 4), shot("before", "frontal")),
        session_with(patient, photographer, date(2026, 6, 1), shot("after", colour=BLUE)),
    ]
    return patient.pk, [session.pk for session in sessions]


@pytest.fixture
def course(compared_course):
    """The course's four sessions, read afresh for the test (what a test changes is undone after it)."""
    found = TreatmentSession.objects.in_bulk(compared_course[1])
    return tuple(found[pk] for pk in compared_course[1])


@pytest.fixture
def patient(request, compared_course):
    """In a test of the course, its patient (read afresh); in any other, a patient of the test's own."""
    if "course" in request.fixturenames:
        return Patient.objects.get(pk=compared_course[0])
    return PatientFactory()


# Reading the page.


class _Page(HTMLParser):
    """Every element with its attributes, its text, and what is around it: the ids and data- attributes."""

    VOID = {"img", "input", "br", "meta", "link", "hr", "source", "wbr", "area", "base", "col", "embed", "track"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = []
        self.elements = []

    def handle_starttag(self, tag, attrs):
        within = [e["id"] for e in self.open if e.get("id")] + [
            k for e in self.open for k in e if k.startswith("data-")
        ]
        element = {"tag": tag, **dict(attrs), "within": within, "text": ""}
        self.elements.append(element)
        if tag == "br":
            self.handle_data(" ")
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index]["tag"] == tag:
                del self.open[index:]
                break

    def handle_data(self, data):
        for element in self.open:
            element["text"] += data


def parse(response):
    page = _Page()
    page.feed(response.content.decode())
    return page.elements


def imgs(elements, within=None):
    return [e for e in elements if e["tag"] == "img" and (within is None or within in e["within"])]


def by_id(elements, element_id):
    found = [e for e in elements if e.get("id") == element_id]
    return found[0] if found else None


def text_of(elements, element_id):
    return " ".join(by_id(elements, element_id)["text"].split())


def selected(elements, select_id):
    return [e["value"] for e in elements if e["tag"] == "option" and select_id in e["within"] and "selected" in e]


def compare(client, patient, **params):
    return client.get(reverse("photo-compare", args=[patient.pk]), params)


def download(client, patient, **params):
    return client.get(reverse("photo-compare-download", args=[patient.pk]), params)


def file_url(photo):
    return reverse("photo-file", args=[photo.pk])


def thumbnail_url(photo):
    return reverse("photo-thumbnail", args=[photo.pk])


def shown_pair(response):
    """The pair as the page shows it: side by side, in the overlay, chosen in both selects and in the download link."""
    elements = parse(response)
    side = [e["src"] for e in imgs(elements, "side-by-side")]
    overlay = [e["src"] for e in imgs(elements, "data-compare-overlay")]
    assert side == overlay, (side, overlay)
    chosen = selected(elements, "photo-a") + selected(elements, "photo-b")
    link = by_id(elements, "download-composite")["href"]
    assert link.endswith(f"&a={chosen[0]}&b={chosen[1]}"), link
    # A screen-sized rendition, not the original: the original is one "Full size" link away.
    assert side == [reverse("photo-screen", args=[pk]) for pk in chosen]
    full_size = [e["href"] for e in elements if e["tag"] == "a" and "full-size" in e.get("class", "")]
    assert full_size == [reverse("photo-file", args=[pk]) for pk in chosen]
    return chosen


def view_tabs(elements):
    return [
        e
        for e in elements
        if e["tag"] == "a" and e.get("href", "").startswith("?view=") and "nav-link" in e.get("class", "")
    ]


def pair_ids(response):
    pair = response.context["pair"]
    return None if pair is None else [str(shown.photo.pk) for shown in pair]


def _close(pixel, colour, tolerance=24):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def viewed(via):
    return list(
        AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="photo", detail={"via": via})
        .order_by("pk")
        .values_list("object_id", flat=True)
    )


# 1. The pair shown.


def test_by_default_the_first_before_photo_is_compared_with_the_latest(clinician_client, course, patient):
    first, _second, _third, fourth = course

    response = compare(clinician_client, patient)

    assert response.status_code == 200
    expected = [str(photo(first, "before").pk), str(photo(fourth, "after").pk)]
    assert pair_ids(response) == expected
    assert shown_pair(response) == expected
    elements = parse(response)
    captions = [
        " ".join(e["text"].split()) for e in elements if e["tag"] == "figcaption" and "side-by-side" in e["within"]
    ]
    assert captions == ["2026-03-02 · Before · session 1", "2026-06-01 · After · session 4"]


def test_without_a_before_photo_the_first_photo_is_compared_with_the_latest(clinician_client, clinician, patient):
    first = session_with(patient, clinician, date(2026, 3, 2), shot("after"))
    session_with(patient, clinician, date(2026, 4, 6), shot("after"))
    last = session_with(patient, clinician, date(2026, 5, 4), shot("after"))

    response = compare(clinician_client, patient)

    assert pair_ids(response) == [str(photo(first, "after").pk), str(photo(last, "after").pk)]


def test_the_before_photo_of_a_session_comes_before_its_after_photo(clinician_client, clinician, patient):
    """Taken at the same minute (the session's time): before still counts as the earlier of the two."""
    session = session_with(patient, clinician, date(2026, 3, 2), shot("after", colour=BLUE), shot("before"))

    response = compare(clinician_client, patient)

    assert pair_ids(response) == [str(photo(session, "before").pk), str(photo(session, "after").pk)]


def test_the_default_pair_is_in_date_order_even_when_the_only_before_photo_is_the_latest(
    clinician_client, clinician, patient
):
    """The left photo is labelled "Earlier": it must never be taken after the right one."""
    earlier = session_with(patient, clinician, date(2026, 3, 2), shot("after"))
    later = session_with(patient, clinician, date(2026, 4, 6), shot("before"))

    response = compare(clinician_client, patient)

    left, right = response.context["pair"]
    assert left.photo.taken_at <= right.photo.taken_at
    assert pair_ids(response) == [str(photo(earlier, "after").pk), str(photo(later, "before").pk)]


def test_with_one_photo_of_the_view_there_is_nothing_to_compare(clinician_client, clinician, patient):
    only = session_with(patient, clinician, date(2026, 3, 2), shot("before"))

    response = compare(clinician_client, patient)

    assert response.status_code == 200
    assert response.context["pair"] is None
    body = response.content.decode()
    assert "Only one photo of this view so far: nothing to compare yet." in body
    elements = parse(response)
    assert by_id(elements, "download-composite") is None
    assert reverse("photo-compare-download", args=[patient.pk]) not in body
    assert by_id(elements, "side-by-side") is None and "data-compare-overlay" not in body
    assert [e["src"] for e in imgs(elements)] == [thumbnail_url(photo(only, "before"))]
    assert viewed("compare") == []


def test_a_patient_without_photos_is_told_so(clinician_client, patient):
    SessionFactory(patient=patient)

    response = compare(clinician_client, patient)

    assert response.status_code == 200
    assert "No photos yet." in response.content.decode()
    assert imgs(parse(response)) == []


def test_the_view_tabs_list_only_views_with_current_photos(clinician_client, clinician, patient):
    session_with(patient, clinician, date(2026, 3, 2), shot("before", "vertex"), shot("before", "occipital"))
    voided_photo = session_with(patient, clinician, date(2026, 4, 6), shot("before", "left"))
    void_record(record=photo(voided_photo, "before", "left"), reason="Blurred", by=clinician)
    voided_session = session_with(patient, clinician, date(2026, 4, 7), shot("before", "right"))
    void_record(record=voided_session, reason="Wrong patient", by=clinician)
    session_with(PatientFactory(), clinician, date(2026, 4, 8), shot("before", "frontal"))

    response = compare(clinician_client, patient)

    tabs = view_tabs(parse(response))
    assert [(t["href"], t["text"]) for t in tabs] == [("?view=vertex", "Vertex"), ("?view=occipital", "Occipital")]
    assert [t["href"] for t in tabs if "active" in t["class"].split()] == ["?view=vertex"]


def test_the_page_opens_on_the_view_with_the_most_photos_to_compare(clinician_client, clinician, patient):
    session_with(patient, clinician, date(2026, 3, 2), shot("before", "vertex"), shot("before", "frontal"))
    session_with(patient, clinician, date(2026, 4, 6), shot("after", "frontal"))
    session_with(patient, clinician, date(2026, 5, 4), shot("after", "frontal"))

    tabs = view_tabs(parse(compare(clinician_client, patient)))

    assert [t["href"] for t in tabs if "active" in t["class"].split()] == ["?view=frontal"]


def test_another_view_is_chosen_with_its_tab(clinician_client, clinician, patient):
    first = session_with(patient, clinician, date(2026, 3, 2), shot("before", "vertex"), shot("before", "frontal"))
    last = session_with(patient, clinician, date(2026, 4, 6), shot("after", "vertex"), shot("after", "frontal"))

    response = compare(clinician_client, patient, view="frontal")

    assert response.context["view"] == "frontal"
    assert pair_ids(response) == [str(photo(first, "before", "frontal").pk), str(photo(last, "after", "frontal").pk)]
    assert [c.photo.view for c in response.context["compared"]] == ["frontal", "frontal"]
    assert by_id(parse(response), "download-composite")["href"].startswith(
        reverse("photo-compare-download", args=[patient.pk]) + "?view=frontal&"
    )


@pytest.mark.parametrize("asked", ["", "nonsense", "left", "VERTEX", "<script>alert(1)</script>", "vertex' OR 1=1"])
def test_an_unknown_view_or_one_without_photos_falls_back_to_the_vertex(clinician_client, course, patient, asked):
    response = compare(clinician_client, patient, view=asked)

    assert response.status_code == 200
    assert response.context["view"] == "vertex"
    first, *_, fourth = course
    assert pair_ids(response) == [str(photo(first, "before").pk), str(photo(fourth, "after").pk)]
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_without_vertex_photos_the_fallback_is_a_view_that_has_photos(clinician_client, clinician, patient):
    session_with(patient, clinician, date(2026, 3, 2), shot("before", "occipital"))
    session_with(patient, clinician, date(2026, 4, 6), shot("after", "occipital"))

    response = compare(clinician_client, patient, view="vertex")

    assert response.context["view"] == "occipital"
    assert len(response.context["pair"]) == 2
    tabs = view_tabs(parse(response))
    assert [(t["href"], "active" in t["class"].split()) for t in tabs] == [("?view=occipital", True)]


def test_a_and_b_choose_any_two_photos_of_the_view(clinician_client, course, patient):
    _first, second, _third, fourth = course
    a, b = photo(second, "before"), photo(second, "after")

    response = compare(clinician_client, patient, view="vertex", a=a.pk, b=b.pk)
    assert shown_pair(response) == [str(a.pk), str(b.pk)]

    response = compare(clinician_client, patient, view="vertex", a=b.pk, b=photo(fourth, "after").pk)
    assert shown_pair(response) == [str(b.pk), str(photo(fourth, "after").pk)]


@pytest.mark.parametrize(
    "intruder",
    ["other view", "other patient", "voided photo", "photo of a voided session", "garbage", "not a photo", "empty"],
)
@pytest.mark.parametrize("slot", ["a", "b"])
def test_a_photo_that_is_not_a_current_photo_of_this_view_is_ignored(
    clinician_client, clinician, course, patient, intruder, slot
):
    first, second, third, fourth = course
    if intruder == "voided photo":
        void_record(record=photo(second, "after"), reason="Blurred", by=clinician)
    if intruder == "photo of a voided session":
        void_record(record=second, reason="Logged twice", by=clinician)
    elsewhere = session_with(PatientFactory(), clinician, date(2026, 3, 9), shot("before"))
    stranger = {
        "other view": lambda: photo(third, "before", "frontal").pk,
        "other patient": lambda: photo(elsewhere, "before").pk,
        "voided photo": lambda: photo(second, "after").pk,
        "photo of a voided session": lambda: photo(second, "after").pk,
        "garbage": lambda: "1 OR 1=1",
        "not a photo": lambda: NOT_A_PHOTO,
        "empty": lambda: "",
    }[intruder]()
    params = {"a": photo(second, "before").pk if slot == "b" else stranger}
    params["b"] = stranger if slot == "b" else photo(second, "before").pk

    response = compare(clinician_client, patient, view="vertex", **params)

    assert response.status_code == 200
    default = [str(photo(first, "before").pk), str(photo(fourth, "after").pk)]
    assert pair_ids(response) == default
    assert shown_pair(response) == default
    assert not stranger or str(stranger) not in "".join(e.get("src", "") + e.get("href", "") for e in parse(response))


def test_the_same_photo_twice_is_not_a_pair(clinician_client, course, patient):
    first, *_, fourth = course
    same = photo(fourth, "after").pk

    response = compare(clinician_client, patient, view="vertex", a=same, b=same)

    assert pair_ids(response) == [str(photo(first, "before").pk), str(same)]
    assert download(clinician_client, patient, view="vertex", a=same, b=same).status_code == 404


# 2. Labels and the strip.


def test_labels_carry_the_date_the_phase_and_the_session_number(clinician, patient):
    session_with(patient, clinician, date(2026, 3, 2), shot("before"), shot("after"))
    SessionFactory(patient=patient, performed_at=local(date(2026, 3, 20)))  # no photos, still a session
    voided = session_with(patient, clinician, date(2026, 3, 25), shot("before"))
    void_record(record=voided, reason="Wrong patient", by=clinician)
    session_with(patient, clinician, date(2026, 4, 6), shot("after"))

    labels = [c.label for c in labelled(patient, current_photos_of_view(patient, "vertex"))]

    assert labels == [
        "2026-03-02 · Before · session 1",
        "2026-03-02 · After · session 1",
        "2026-04-06 · After · session 3",
    ]


def test_labels_of_sessions_started_from_a_preset_carry_the_course_number(clinician, patient):
    barletta = ProtocolPreset.objects.get(slug="barletta-mmp-triamcinolone-aa")
    session_with(patient, clinician, date(2026, 2, 2), shot("before"))
    session_with(patient, clinician, date(2026, 3, 2), shot("before"), preset=barletta)
    session_with(patient, clinician, date(2026, 4, 1), shot("after"), preset=barletta)

    labels = [c.label for c in labelled(patient, current_photos_of_view(patient, "vertex"))]

    assert labels == [
        "2026-02-02 · Before · session 1",
        "2026-03-02 · Before · session 2, course session 1",
        "2026-04-01 · After · session 3, course session 2",
    ]


def test_the_labels_show_up_as_captions_alternative_texts_and_choices(clinician_client, course, patient):
    elements = parse(compare(clinician_client, patient))

    alts = [e["alt"] for e in imgs(elements, "side-by-side")]
    assert alts == ["2026-03-02 · Before · session 1", "2026-06-01 · After · session 4"]
    options = [" ".join(e["text"].split()) for e in elements if e["tag"] == "option" and "photo-a" in e["within"]]
    assert options == [
        "2026-03-02 · Before · session 1",
        "2026-04-06 · Before · session 2",
        "2026-04-06 · After · session 2",
        "2026-06-01 · After · session 4",
    ]
    slider_label = [e for e in elements if e["tag"] == "label" and e.get("for") == "overlay-slider"]
    assert " ".join(slider_label[0]["text"].split()) == (
        "2026-03-02 · Before · session 1 ⟷ 2026-06-01 · After · session 4"
    )


def test_the_strip_shows_every_current_photo_of_the_view_in_date_order(clinician_client, clinician, course, patient):
    first, second, third, fourth = course
    voided_photo = session_with(patient, clinician, date(2026, 5, 11), shot("before"), shot("after"))
    void_record(record=photo(voided_photo, "after"), reason="Blurred", by=clinician)
    voided_session = session_with(patient, clinician, date(2026, 5, 18), shot("before"))
    void_record(record=voided_session, reason="Logged twice", by=clinician)

    elements = parse(compare(clinician_client, patient))

    strip = [e for e in elements if e["tag"] == "figure" and "strip" in e["within"]]
    assert [" ".join(figure["text"].split()) for figure in strip] == [
        "2026-03-02 Before · session 1",
        "2026-04-06 Before · session 2",
        "2026-04-06 After · session 2",
        "2026-05-11 Before · session 4",
        "2026-06-01 After · session 5",  # the voided session of 18 May does not count
    ]
    expected = [
        photo(first, "before"),
        photo(second, "before"),
        photo(second, "after"),
        photo(voided_photo, "before"),
        photo(fourth, "after"),
    ]
    assert [e["src"] for e in imgs(elements, "strip")] == [thumbnail_url(p) for p in expected]
    assert photo(third, "before", "frontal") not in current_photos_of_view(patient, "vertex")


def test_a_strip_thumbnail_compares_that_photo_with_the_first(clinician_client, course, patient):
    first, second, *_ = course
    elements = parse(compare(clinician_client, patient))
    links = [e["href"] for e in elements if e["tag"] == "a" and "strip" in e["within"]]

    response = clinician_client.get(reverse("photo-compare", args=[patient.pk]) + links[2].replace("&amp;", "&"))

    assert pair_ids(response) == [str(photo(first, "before").pk), str(photo(second, "after").pk)]


def test_the_label_date_is_the_local_date_the_strip_shows(clinician_client, clinician, patient, settings):
    """A photo taken at 00:30 in Rome is taken on that day there, not on the day before (UTC)."""
    settings.TIME_ZONE = "Europe/Rome"
    rome = timezone.get_current_timezone()
    late = datetime(2026, 3, 3, 0, 30, tzinfo=rome)
    session_with(patient, clinician, date(2026, 3, 2), shot("before"))
    session_with(patient, clinician, date(2026, 3, 2), shot("after", taken_at=late), hour=23)

    response = compare(clinician_client, patient)
    elements = parse(response)

    strip = [" ".join(e["text"].split()) for e in elements if e["tag"] == "figure" and "strip" in e["within"]]
    assert strip[1].startswith("2026-03-03 ")
    assert response.context["pair"][1].label.startswith("2026-03-03 · After")
    assert download(clinician_client, patient, **_params(response))["Content-Disposition"].endswith(
        '-20260302-20260303.jpg"'
    )


# 3. The composite download.


def _params(response):
    left, right = response.context["pair"]
    return {"view": response.context["view"], "a": left.photo.pk, "b": right.photo.pk}


def test_the_composite_is_a_labelled_jpeg_of_both_photos_side_by_side_without_exif(clinician_client, course, patient):
    first, *_, fourth = course

    response = download(
        clinician_client, patient, view="vertex", a=photo(first, "before").pk, b=photo(fourth, "after").pk
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response.content[:2] == b"\xff\xd8"
    image = Image.open(BytesIO(response.content))
    assert image.format == "JPEG" and image.mode == "RGB"
    # Two 4:3 photos, each fitted to 900 px high under a label band, with a small gap between them.
    assert image.size == (1200 + 12 + 1200, 900 + LABEL_HEIGHT)
    assert len(image.getexif()) == 0
    assert "exif" not in image.info and not any(key for key in image.applist if key[0] == "APP1")
    # The earlier photo on the left, the later on the right, both under a white label band.
    assert _close(image.getpixel((600, LABEL_HEIGHT + 450)), RED)
    assert _close(image.getpixel((1212 + 600, LABEL_HEIGHT + 450)), BLUE)
    assert _close(image.getpixel((1190, 4)), (255, 255, 255))
    band = image.crop((0, 0, 1200, LABEL_HEIGHT)).convert("L")
    assert band.getextrema()[0] < 100, "the label band carries dark text"


def test_the_composite_keeps_each_photos_proportions_at_one_height(clinician_client, clinician, patient):
    portrait = png_bytes(30, 60)
    first = session_with(patient, clinician, date(2026, 3, 2), shot("before", content=portrait))
    last = session_with(patient, clinician, date(2026, 4, 6), shot("after", content=jpeg_bytes(160, 90)))

    response = download(
        clinician_client, patient, view="vertex", a=photo(first, "before").pk, b=photo(last, "after").pk
    )

    image = Image.open(BytesIO(response.content))
    assert image.format == "JPEG"
    assert image.size == (450 + 12 + 1600, 900 + LABEL_HEIGHT)
    assert len(image.getexif()) == 0


def test_the_composite_is_an_uncached_attachment_named_after_the_view_and_dates(clinician_client, course, patient):
    first, *_, fourth = course

    response = download(
        clinician_client, patient, view="vertex", a=photo(first, "before").pk, b=photo(fourth, "after").pk
    )

    assert response["Content-Disposition"] == 'attachment; filename="compare-vertex-20260302-20260601.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert patient.last_name not in response["Content-Disposition"]
    assert patient.record_number not in response["Content-Disposition"]


def test_the_page_links_to_the_composite_of_the_pair_it_shows(clinician_client, course, patient):
    response = compare(clinician_client, patient)
    href = by_id(parse(response), "download-composite")["href"]

    composite = clinician_client.get(href)

    assert composite.status_code == 200
    assert Image.open(BytesIO(composite.content)).format == "JPEG"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"view": "vertex"},
        {"view": "vertex", "a": "first"},
        {"view": "vertex", "b": "last"},
        {"view": "vertex", "a": "first", "b": "garbage"},
        {"view": "vertex", "a": "garbage", "b": "last"},
        {"view": "vertex", "a": "first", "b": "not a photo"},
        {"view": "vertex", "a": "first", "b": "first"},
        {"view": "vertex", "a": "first", "b": "other view"},
        {"view": "vertex", "a": "first", "b": "other patient"},
        {"view": "vertex", "a": "first", "b": "voided"},
        {"view": "frontal", "a": "first", "b": "last"},
        {"view": "nonsense", "a": "first", "b": "last"},
        {"a": "first", "b": "last"},
    ],
)
def test_the_composite_of_anything_but_two_current_photos_of_the_view_is_404(
    clinician_client, clinician, course, patient, params
):
    first, second, third, fourth = course
    void_record(record=photo(second, "after"), reason="Blurred", by=clinician)
    elsewhere = session_with(PatientFactory(), clinician, date(2026, 3, 9), shot("before"))
    ids = {
        "first": photo(first, "before").pk,
        "last": photo(fourth, "after").pk,
        "garbage": "'; DROP TABLE x; --",
        "not a photo": NOT_A_PHOTO,
        "other view": photo(third, "before", "frontal").pk,
        "other patient": photo(elsewhere, "before").pk,
        "voided": photo(second, "after").pk,
    }

    response = download(clinician_client, patient, **{key: ids.get(value, value) for key, value in params.items()})

    assert response.status_code == 404
    assert viewed("composite download") == []


def test_the_composite_of_an_unknown_patient_is_404(clinician_client, course):
    assert download(clinician_client, PatientFactory.build(pk=999999), view="vertex").status_code == 404


def test_a_composite_whose_photo_file_went_missing_is_404_not_a_crash(clinician_client, clinician, patient):
    # Photos of the test's own: a file deleted from storage is not undone after the test.
    first = session_with(patient, clinician, date(2026, 3, 2), shot("before"))
    last = session_with(patient, clinician, date(2026, 4, 6), shot("after"))
    left = photo(first, "before")
    left.image.storage.delete(left.image.name)

    response = download(clinician_client, patient, view="vertex", a=left.pk, b=photo(last, "after").pk)

    assert response.status_code == 404


def test_only_get_is_allowed_for_the_composite(clinician_client, course, patient):
    first, *_, fourth = course
    url = reverse("photo-compare-download", args=[patient.pk])
    query = f"?view=vertex&a={photo(first, 'before').pk}&b={photo(fourth, 'after').pk}"

    assert clinician_client.post(url + query).status_code == 405


def test_each_photo_shown_on_the_page_is_audited(clinician_client, clinician, course, patient):
    first, second, *_ = course

    compare(clinician_client, patient)
    compare(clinician_client, patient, view="vertex", a=photo(second, "before").pk, b=photo(second, "after").pk)

    default = [str(photo(first, "before").pk), str(photo(course[3], "after").pk)]
    chosen = [str(photo(second, "before").pk), str(photo(second, "after").pk)]
    assert viewed("compare") == default + chosen
    events = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="photo")
    assert {(e.user, e.username) for e in events} == {(clinician, clinician.username)}


def test_each_photo_of_a_downloaded_composite_is_audited(clinician_client, clinician, course, patient):
    first, *_, fourth = course
    pair = [photo(first, "before").pk, photo(fourth, "after").pk]

    download(clinician_client, patient, view="vertex", a=pair[0], b=pair[1])

    assert viewed("composite download") == [str(pk) for pk in pair]
    assert viewed("compare") == []
    event = AuditEvent.objects.get(object_id=str(pair[0]), detail={"via": "composite download"})
    assert (event.user, event.action, event.object_type) == (clinician, AuditAction.VIEW, "photo")


# 4. Consent and access.


def withdraw_photo_consent(patient):
    patient.photo_consent = False
    patient.photo_consent_date = None
    patient.save()


def assert_no_photo_shown(response):
    assert response.status_code == 200
    elements = parse(response)
    assert imgs(elements) == []
    body = response.content.decode()
    assert "/photos/" not in body
    return elements


def test_a_patient_who_never_gave_photo_consent_has_nothing_to_compare(clinician_client):
    patient = PatientFactory(photo_consent=False, photo_consent_date=None)
    SessionFactory(patient=patient)

    response = compare(clinician_client, patient)

    elements = assert_no_photo_shown(response)
    assert "has not given photo consent: no photos are shown" in text_of(elements, "no-photo-consent")
    assert download(clinician_client, patient, view="vertex").status_code == 404
    patient_page = clinician_client.get(patient.get_absolute_url()).content.decode()
    assert reverse("photo-compare", args=[patient.pk]) not in patient_page
    assert "Compare photos" not in patient_page


def test_once_photo_consent_is_withdrawn_no_photo_is_shown_anywhere(clinician_client, course, patient):
    first, *_, fourth = course
    pair = {"view": "vertex", "a": photo(first, "before").pk, "b": photo(fourth, "after").pk}
    stored = list(SessionPhoto.objects.filter(session__patient=patient))
    withdraw_photo_consent(patient)

    response = compare(clinician_client, patient, **pair)
    elements = assert_no_photo_shown(response)
    assert "has not given photo consent: no photos are shown" in text_of(elements, "no-photo-consent")
    assert by_id(elements, "strip") is None and by_id(elements, "download-composite") is None

    assert download(clinician_client, patient, **pair).status_code == 404
    for each in stored:
        assert clinician_client.get(file_url(each)).status_code == 404
        assert clinician_client.get(thumbnail_url(each)).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="photo").count() == 0
    # Kept for the record all the same.
    assert SessionPhoto.objects.current().filter(session__patient=patient).count() == len(stored) == 5


def test_once_photo_consent_is_withdrawn_the_session_page_says_its_photos_are_not_shown(
    clinician_client, course, patient
):
    _first, second, *_ = course
    withdraw_photo_consent(patient)

    response = clinician_client.get(second.get_absolute_url())

    elements = assert_no_photo_shown(response)
    assert text_of(elements, "photos-hidden") == (
        "No photo consent: the photos stored are kept for the record but not shown."
    )
    assert by_id(elements, "photo-checklist") is None


def test_once_photo_consent_is_withdrawn_the_timeline_says_its_photos_are_not_shown(clinician_client, course, patient):
    withdraw_photo_consent(patient)

    response = clinician_client.get(patient.get_absolute_url())

    elements = assert_no_photo_shown(response)
    assert "Compare photos" not in response.content.decode()
    timeline = text_of(elements, "timeline")
    assert "not shown" in timeline, "the timeline should say why the stored photos are missing"


def test_a_session_without_photos_of_a_patient_without_consent_says_no_photos(clinician_client):
    session = SessionFactory(patient=PatientFactory(photo_consent=False, photo_consent_date=None))

    elements = assert_no_photo_shown(clinician_client.get(session.get_absolute_url()))

    assert text_of(elements, "photos-hidden") == "No photo consent: no photos."


def test_with_consent_given_again_the_photos_are_shown_again(clinician_client, course, patient):
    withdraw_photo_consent(patient)
    patient.photo_consent, patient.photo_consent_date = True, date(2026, 7, 1)
    patient.save()

    response = compare(clinician_client, patient)

    assert len(imgs(parse(response), "side-by-side")) == 2
    assert clinician_client.get(file_url(photo(course[0], "before"))).status_code == 200


def compare_urls(patient, course):
    first, *_, fourth = course
    query = f"?view=vertex&a={photo(first, 'before').pk}&b={photo(fourth, 'after').pk}"
    return [
        reverse("photo-compare", args=[patient.pk]),
        reverse("photo-compare", args=[patient.pk]) + query,
        reverse("photo-compare-download", args=[patient.pk]) + query,
    ]


def test_staff_without_the_clinician_role_are_refused_and_see_no_patient_data(refused_client, course, patient):
    for url in compare_urls(patient, course):
        response = refused_client.get(url)
        assert response.status_code == 403, url
        body = response.content.decode(errors="replace")
        assert patient.last_name not in body and patient.record_number not in body
        assert "/photos/" not in body
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="photo").count() == 0


def test_anonymous_visitors_are_sent_to_the_login_page(client, course, patient):
    for url in compare_urls(patient, course):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url


def test_an_unknown_patient_is_404(clinician_client):
    assert clinician_client.get(reverse("photo-compare", args=[999999])).status_code == 404


def test_the_compare_page_loads_only_its_static_script_with_a_nonce(clinician_client, course, patient):
    response = compare(clinician_client, patient)

    scripts = [e for e in parse(response) if e["tag"] == "script"]
    compare_js = [e for e in scripts if e.get("src", "").endswith("js/compare.js")]
    assert len(compare_js) == 1 and compare_js[0].get("nonce")
    assert all(e.get("nonce") == compare_js[0]["nonce"] for e in scripts)
    assert re.search(r"nonce-" + re.escape(compare_js[0]["nonce"]), response["Content-Security-Policy"])
