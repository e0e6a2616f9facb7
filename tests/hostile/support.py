"""Valid form posts to start from, and a snapshot of everything a refused post must leave unchanged."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.html import escape

from audit.models import AuditAction, AuditEvent
from clinic.models import Patient
from sessions.models import BlendComponent, SessionPhoto, TreatmentSession
from tests.factories import CartridgeFactory, DeviceFactory
from tests.images import upload
from tests.session_posts import edit_data  # noqa: F401 — used by the hostile test modules


def patient_data(patient=None, **changes):
    """A valid patient form post: a new patient, or the stored one re-posted unchanged."""
    if patient is None:
        data = {
            "record_number": "P-77001",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "date_of_birth": "1985-12-10",
            "sex": "female",
            "diagnosis": "fphl",
            "ludwig_stage": "II",
        }
    else:
        data = {
            "record_number": patient.record_number,
            "first_name": patient.first_name,
            "last_name": patient.last_name,
            "date_of_birth": patient.date_of_birth.isoformat(),
            "sex": patient.sex,
            "phone": patient.phone,
            "email": patient.email,
            "diagnosis": patient.diagnosis,
            "norwood_hamilton_stage": patient.norwood_hamilton_stage,
            "ludwig_stage": patient.ludwig_stage,
            "salt_score": "" if patient.salt_score is None else str(patient.salt_score),
            "notes": patient.notes,
            "seen_version": str(patient.version),
        }
        for consent in ("photo_consent", "research_consent"):
            if getattr(patient, consent):
                data[consent] = "on"
                data[f"{consent}_date"] = getattr(patient, f"{consent}_date").isoformat()
    data.update(changes)
    return data


def session_data(**changes):
    """A valid log-session post (as in tests/sessions/test_log_session.py)."""
    performed = timezone.localtime() - timedelta(hours=2)
    data = {
        "performed_at": performed.strftime("%Y-%m-%dT%H:%M"),
        "technique": "mmp",
        "device": DeviceFactory().pk,
        "cartridge": CartridgeFactory().pk,
        "cartridge_lot": "C-123",
        "needle_depth_mm": "1.0",
        "frequency_hz": "120",
        "passes": "2",
        "treated_zones": ["vertex"],
        "anaesthesia": "none",
        "pain_score": "4",
        "endpoint": "bloody_dew",
        "adverse_events": ["none"],
        "notes": "Tolerated well",
        "blend-TOTAL_FORMS": "0",
        "blend-INITIAL_FORMS": "0",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def with_blend_row(data, lot, **row):
    values = {"product": lot.product.pk, "lot": lot.pk, "concentration": "0.5", "concentration_unit": "%"}
    values["volume_ml"] = "2"
    values.update(row)
    data["blend-TOTAL_FORMS"] = "1"
    data |= {f"blend-0-{name}": value for name, value in values.items()}
    return data


def with_photo_rows(data, *files):
    """Attach photo rows; each file is an UploadedFile (tests.images.upload)."""
    data["photos-TOTAL_FORMS"] = str(len(files))
    for i, file in enumerate(files):
        data |= {f"photos-{i}-phase": "before", f"photos-{i}-view": "vertex", f"photos-{i}-image": file}
    return data


def photo(content, name="photo.jpg", content_type="image/jpeg"):
    return upload(content, name=name, content_type=content_type)


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []


def stored_state():
    """Every row a form post could write, every stored file, and every audit event except page views."""
    return {
        "patients": list(Patient.objects.order_by("pk").values()),
        "sessions": list(TreatmentSession.objects.order_by("pk").values()),
        "blend": list(BlendComponent.objects.order_by("pk").values()),
        "photos": list(SessionPhoto.objects.order_by("pk").values()),
        "history": [
            Patient.history.count(),
            TreatmentSession.history.count(),
            BlendComponent.history.count(),
            SessionPhoto.history.count(),
        ],
        "audit": list(AuditEvent.objects.exclude(action=AuditAction.VIEW).order_by("pk").values_list("pk", "action")),
        "files": media_files(),
        "logins": Session.objects.count(),
    }


def text(response):
    return response.content.decode()


def error_messages(*forms):
    """Every error message of these forms or formsets, field and non-field."""
    messages = []
    for form in forms:
        if hasattr(form, "forms"):  # a formset
            messages += list(form.non_form_errors())
            for member in form.forms:
                messages += error_messages(member)
        else:
            for errors in form.errors.values():
                messages += list(errors)
    return messages


def assert_refused(response, before, *, messages=()):
    """Answered without a server error, each message shown, and nothing stored."""
    assert response.status_code < 500
    body = text(response)
    for message in messages:
        assert escape(message) in body, f"message not shown: {message!r}"
    assert stored_state() == before, "a refused post changed stored data"
