"""Before/after comparison of one standard view: choosing the pair, and the downloadable composite."""

from dataclasses import dataclass
from io import BytesIO

from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont, ImageOps

from sessions.courses import course_numbers
from sessions.models import PhotoPhase, SessionPhoto, TreatmentSession

COMPOSITE_HEIGHT = 900
LABEL_HEIGHT = 56


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


def photos_of_view(patient, view):
    """Current photos of one view of a patient's current sessions, oldest first, with their session numbers."""
    sessions = list(TreatmentSession.objects.current().filter(patient=patient).order_by("performed_at", "pk"))
    numbers = {session.pk: place for place, session in enumerate(sessions, start=1)}
    courses = course_numbers(patient)
    photos = (
        SessionPhoto.objects.current()
        .filter(session__in=sessions, view=view)
        .select_related("session")
        .order_by("taken_at", "-phase")
    )
    return [ComparedPhoto(photo, numbers[photo.session_id], courses.get(photo.session_id)) for photo in photos]


def views_with_photos(patient):
    return list(
        SessionPhoto.objects.current()
        .filter(session__patient=patient, session__voided_at__isnull=True)
        .order_by()
        .values_list("view", flat=True)
        .distinct()
    )


def default_pair(compared):
    """The first before-photo against the latest photo; None when there are fewer than two."""
    if len(compared) < 2:
        return None
    first = next((c for c in compared if c.photo.phase == PhotoPhase.BEFORE), compared[0])
    latest = compared[-1] if compared[-1] is not first else compared[-2]
    return tuple(sorted((first, latest), key=compared.index))  # the earlier one on the left


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
