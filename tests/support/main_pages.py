"""Every main page of the product, with data on it: what the screen-size, accessibility and language tests visit."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from clinic.vocabularies import Diagnosis
from protocols import services
from protocols.models import ProtocolPreset
from tests.support.factories import PatientFactory, SessionFactory, UserFactory
from tests.support.photos import new_photo, store_photos


def every_main_page():
    """{page name: address} for a superuser, who holds every role: a patient in a monthly course whose next session
    is due (the worklist shows it), treated twice with a vertex photo each time, a draft preset, and the pages a
    clinician, a researcher and a curator work on."""
    UserFactory(username="dr.everything", is_staff=True, is_superuser=True)
    clinician = UserFactory(username="dr.photos")
    patient = PatientFactory(diagnosis=Diagnosis.ALOPECIA_AREATA)
    monthly = ProtocolPreset.objects.get(slug="barletta-mmp-triamcinolone-aa")  # 4 sessions, 30 days apart
    sessions = [
        SessionFactory(
            patient=patient,
            clinician=clinician,
            preset=monthly,
            cartridge_lot="CR-2026-07",
            performed_at=timezone.now() - timedelta(days=days),
        )
        for days in (60, 30)
    ]
    for session, phase in zip(sessions, ("before", "after"), strict=True):
        store_photos(session, clinician, new_photo(phase=phase, view="vertex"), warnings_confirmed=True)
    draft = services.new_version(monthly)
    return {
        "patient-list": reverse("patient-list"),
        "patient": reverse("patient-detail", args=[patient.pk]),
        "log-session": reverse("session-log", args=[patient.pk]),
        "log-session-from-preset": f"{reverse('session-log', args=[patient.pk])}?preset={monthly.pk}",
        "session": reverse("session-detail", args=[sessions[-1].pk]),
        "compare": reverse("photo-compare", args=[patient.pk]),
        "assessment": reverse("assessment-add", args=[patient.pk]),
        "export": reverse("export"),
        "preset-library": reverse("preset-list"),
        "draft-preview": draft.get_absolute_url(),
        "lot-recall": f"{reverse('lot-recall')}?lot=CR-2026-07",
    }
