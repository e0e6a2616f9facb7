"""Before/after comparison of one standard view: choosing the pair, and the downloadable composite."""

import uuid
from dataclasses import dataclass
from io import BytesIO
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, ImageOps

from clinic.formatting import local_date
from sessions.courses import course_numbers, session_outlines
from sessions.models import PhotoPhase, PhotoView, SessionPhoto

COMPOSITE_HEIGHT = 900
LABEL_HEIGHT = 56
LABEL_FONT_SIZE = 24
# A font with the accents of every interface language (Pillow's own default draws "ã" or "ñ" as a box).
LABEL_FONT = "DejaVuSans.ttf"
STRIP_PHOTOS_PER_PAGE = 12


@dataclass(frozen=True)
class ComparedPhoto:
    photo: SessionPhoto
    session_number: int  # the session's place among the patient's current sessions, oldest first
    course_number: int | None

    @property
    def label(self):
        """ "2026-03-01 · Before · session 4, course session 2", in the active language (the composite draws it)."""
        parts = {
            "date": local_date(self.photo.taken_at),
            "phase": self.photo.get_phase_display(),
            "number": self.session_number,
            "course": self.course_number,
        }
        if self.course_number:
            return _("%(date)s · %(phase)s · session %(number)s, course session %(course)s") % parts
        return _("%(date)s · %(phase)s · session %(number)s") % parts


def current_photos_of_view(patient, view):
    """The current photos of one view of a patient's current sessions, oldest first (before ahead of after)."""
    return (
        SessionPhoto.objects.current()
        .filter(session__patient=patient, session__voided_at__isnull=True, view=view)
        .select_related("session")
        .order_by("taken_at", "-phase", "pk")
    )


def labelled(patient, photos):
    """ComparedPhoto of each of `photos` (of the patient), with its session's numbers: from one light read of
    the patient's current sessions, whatever the length of their history."""
    outlines = session_outlines(patient, dated=False)
    numbers = {outline.pk: place for place, outline in enumerate(outlines, start=1)}
    courses = course_numbers(patient, outlines=outlines, of_sessions={photo.session_id for photo in photos})
    return [ComparedPhoto(photo, numbers[photo.session_id], courses.get(photo.session_id)) for photo in photos]


def in_date_order(photo):
    """The order of current_photos_of_view(), in Python."""
    return photo.taken_at, photo.phase != PhotoPhase.BEFORE, photo.pk


class _PhotoOutline(NamedTuple):
    """A photo of the compared view, as much as choosing the pair and the strip needs."""

    pk: uuid.UUID
    taken_at: object
    phase: str


def default_photo_pair(photos):
    """The first before-photo of `photos` (in date order) and the latest one, earlier first; None when there are
    fewer than two."""
    if len(photos) < 2:
        return None
    first = next((photo for photo in photos if photo.phase == PhotoPhase.BEFORE), photos[0])
    latest = photos[-1] if photos[-1] != first else photos[-2]
    return tuple(sorted([first, latest], key=in_date_order))


def asked_pair(a, b):
    """The two photo ids asked for, or None unless both are ids of two different photos."""
    try:
        asked = [uuid.UUID(str(a)), uuid.UUID(str(b))]
    except ValueError:
        return None
    return asked if asked[0] != asked[1] else None


def chosen_photo_pair(photos, a, b):
    """Photos `a` and `b` (their ids as asked) among `photos` (a queryset), in the order asked; None unless both
    are there and they are two different photos."""
    asked = asked_pair(a, b)
    found = {photo.pk: photo for photo in photos.filter(pk__in=asked or [])}
    return (found[asked[0]], found[asked[1]]) if asked and len(found) == 2 else None


@dataclass(frozen=True)
class Comparison:
    """What the compare page shows of one view: the pair, the choices offered, and one page of the strip."""

    pair: tuple | None  # two ComparedPhoto, the earlier (or the one asked first) on the left
    choices: list  # ComparedPhoto of the pair and of the strip page, in date order
    first: ComparedPhoto | None  # the view's first photo, that a strip thumbnail is compared with
    strip: Page  # of the view's photos, in date order
    strip_photos: list  # ComparedPhoto of the strip page


def comparison(patient, view, *, a="", b="", page=None):
    """The Comparison of a view: photos `a` and `b` when both are current photos of it, else the default pair;
    strip page `page`, the newest when none (or nonsense) is asked. The view's photos are read once as outlines,
    and only the photos shown are loaded: a constant number of queries."""
    rows = current_photos_of_view(patient, view).values_list("pk", "taken_at", "phase")
    outlines = [_PhotoOutline(*row) for row in rows]
    by_pk = {outline.pk: outline for outline in outlines}
    asked = asked_pair(a, b)
    pair = (by_pk[asked[0]], by_pk[asked[1]]) if asked and all(pk in by_pk for pk in asked) else None
    pair = pair or default_photo_pair(outlines)
    paginator = Paginator(outlines, STRIP_PHOTOS_PER_PAGE)
    strip = paginator.get_page(page or paginator.num_pages)
    first = outlines[0] if outlines else None
    offered = sorted({*(pair or ()), *strip}, key=in_date_order)
    shown = {*offered, *([first] if first else [])}
    loaded = SessionPhoto.objects.filter(pk__in=[outline.pk for outline in shown]).select_related("session")
    by_photo = {compared.photo.pk: compared for compared in labelled(patient, list(loaded))}
    return Comparison(
        pair=tuple(by_photo[outline.pk] for outline in pair) if pair else None,
        choices=[by_photo[outline.pk] for outline in offered],
        first=by_photo[first.pk] if first else None,
        strip=strip,
        strip_photos=[by_photo[outline.pk] for outline in strip],
    )


def views_with_photos(patient):
    """{view: how many current photos of it} for each view the patient has current photos of."""
    return dict(
        SessionPhoto.objects.current()
        .filter(session__patient=patient, session__voided_at__isnull=True)
        .order_by()
        .values_list("view")
        .annotate(photos=Count("pk"))
    )


def default_view(photos_by_view):
    """The view the page opens on: the one with the most photos to compare; on a tie the vertex, then the standard
    order of the views."""
    order = list(PhotoView.values)
    return max(
        photos_by_view,
        key=lambda view: (photos_by_view[view], view == PhotoView.VERTEX, -order.index(view)),
        default="",
    )


def composite_jpeg(left, right):
    """The two photos side by side at one height, each labelled with its date, phase and session. No EXIF."""
    panels = []
    font = _label_font()
    for compared in (left, right):
        with compared.photo.image.open("rb") as handle, Image.open(handle) as image:
            picture = ImageOps.contain(image.convert("RGB"), (COMPOSITE_HEIGHT * 2, COMPOSITE_HEIGHT))
        panel = Image.new("RGB", (picture.width, picture.height + LABEL_HEIGHT), "white")
        panel.paste(picture, (0, LABEL_HEIGHT))
        draw = ImageDraw.Draw(panel)
        draw.text((12, 14), compared.label, fill="black", font=font)
        panels.append(panel)
    gap = 12
    height = max(panel.height for panel in panels)
    composite = Image.new("RGB", (sum(panel.width for panel in panels) + gap, height), "white")
    composite.paste(panels[0], (0, 0))
    composite.paste(panels[1], (panels[0].width + gap, 0))
    buffer = BytesIO()
    composite.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _label_font():
    """DejaVu Sans when the system has it (fonts-dejavu-core), else Pillow's default."""
    try:
        return ImageFont.truetype(LABEL_FONT, LABEL_FONT_SIZE)
    except OSError:
        return ImageFont.load_default(size=LABEL_FONT_SIZE)
