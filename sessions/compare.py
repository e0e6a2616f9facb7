"""Before/after comparison of one standard view: choosing the pair, and the downloadable composite."""

import uuid
from dataclasses import dataclass
from io import BytesIO

from django.core.paginator import Page, Paginator
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont, ImageOps

from sessions.courses import course_numbers
from sessions.models import PhotoPhase, SessionPhoto, TreatmentSession

COMPOSITE_HEIGHT = 900
LABEL_HEIGHT = 56
STRIP_PHOTOS_PER_PAGE = 24


@dataclass(frozen=True)
class ComparedPhoto:
    photo: SessionPhoto
    session_number: int  # the session's place among the patient's current sessions, oldest first
    course_number: int | None

    @property
    def label(self):
        course = f", course session {self.course_number}" if self.course_number else ""
        return (
            f"{timezone.localtime(self.photo.taken_at):%Y-%m-%d} · {self.photo.get_phase_display()} · "
            f"session {self.session_number}{course}"
        )


def current_photos_of_view(patient, view):
    """The current photos of one view of a patient's current sessions, oldest first (before ahead of after)."""
    return (
        SessionPhoto.objects.current()
        .filter(session__patient=patient, session__voided_at__isnull=True, view=view)
        .select_related("session")
        .order_by("taken_at", "-phase", "pk")
    )


def labelled(patient, photos):
    """ComparedPhoto of each of `photos` (of the patient), with its session's numbers."""
    numbers = {
        pk: place
        for place, pk in enumerate(
            TreatmentSession.objects.current()
            .filter(patient=patient)
            .order_by("performed_at", "pk")
            .values_list("pk", flat=True),
            start=1,
        )
    }
    courses = course_numbers(patient)
    return [ComparedPhoto(photo, numbers[photo.session_id], courses.get(photo.session_id)) for photo in photos]


def in_date_order(photo):
    """The order of current_photos_of_view(), in Python."""
    return photo.taken_at, photo.phase != PhotoPhase.BEFORE, photo.pk


def default_photo_pair(photos):
    """The first before-photo of `photos` (a queryset in date order) and the latest one, earlier first; None
    when there are fewer than two. Two short queries, however many photos there are."""
    first = photos.filter(phase=PhotoPhase.BEFORE).first() or photos.first()
    latest = [photo for photo in photos.reverse()[:2] if photo != first][:1]
    return tuple(sorted([first, *latest], key=in_date_order)) if latest else None


def chosen_photo_pair(photos, a, b):
    """Photos `a` and `b` (their ids as asked) among `photos`, in the order asked; None unless both are there
    and they are two different photos."""
    try:
        asked = [uuid.UUID(str(a)), uuid.UUID(str(b))]
    except ValueError:
        return None
    found = {photo.pk: photo for photo in photos.filter(pk__in=asked)}
    return (found[asked[0]], found[asked[1]]) if len(found) == 2 else None


@dataclass(frozen=True)
class Comparison:
    """What the compare page shows of one view: the pair, the choices offered, and one page of the strip."""

    pair: tuple | None  # two ComparedPhoto, the earlier (or the one asked first) on the left
    choices: list  # ComparedPhoto of the pair and of the strip page, in date order
    first: ComparedPhoto | None  # the view's first photo, that a strip thumbnail is compared with
    strip: Page  # of SessionPhoto, in date order
    strip_photos: list  # ComparedPhoto of the strip page


def comparison(patient, view, *, a="", b="", page=None):
    """The Comparison of a view: photos `a` and `b` when both are current photos of it, else the default pair;
    strip page `page`, the newest when none (or nonsense) is asked. A constant number of queries, and only the
    photos shown are loaded."""
    photos = current_photos_of_view(patient, view)
    pair = chosen_photo_pair(photos, a, b) or default_photo_pair(photos)
    paginator = Paginator(photos, STRIP_PHOTOS_PER_PAGE)
    strip = paginator.get_page(page or paginator.num_pages)
    first = photos.first()
    offered = sorted({*(pair or ()), *strip}, key=in_date_order)
    by_photo = {compared.photo: compared for compared in labelled(patient, [*offered, *([first] if first else [])])}
    return Comparison(
        pair=tuple(by_photo[photo] for photo in pair) if pair else None,
        choices=[by_photo[photo] for photo in offered],
        first=by_photo.get(first),
        strip=strip,
        strip_photos=[by_photo[photo] for photo in strip],
    )


def views_with_photos(patient):
    return list(
        SessionPhoto.objects.current()
        .filter(session__patient=patient, session__voided_at__isnull=True)
        .order_by()
        .values_list("view", flat=True)
        .distinct()
    )


def composite_jpeg(left, right):
    """The two photos side by side at one height, each labelled with its date, phase and session. No EXIF."""
    panels = []
    for compared in (left, right):
        with compared.photo.image.open("rb") as handle, Image.open(handle) as image:
            picture = ImageOps.contain(image.convert("RGB"), (COMPOSITE_HEIGHT * 2, COMPOSITE_HEIGHT))
        panel = Image.new("RGB", (picture.width, picture.height + LABEL_HEIGHT), "white")
        panel.paste(picture, (0, LABEL_HEIGHT))
        draw = ImageDraw.Draw(panel)
        draw.text((12, 14), compared.label, fill="black", font=ImageFont.load_default(size=24))
        panels.append(panel)
    gap = 12
    height = max(panel.height for panel in panels)
    composite = Image.new("RGB", (sum(panel.width for panel in panels) + gap, height), "white")
    composite.paste(panels[0], (0, 0))
    composite.paste(panels[1], (panels[0].width + gap, 0))
    buffer = BytesIO()
    composite.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()
