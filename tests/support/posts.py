"""Form posts a browser would send: valid ones to start from, each override given as a keyword."""

from datetime import timedelta

from django.utils import timezone

from tests.support.factories import CartridgeFactory, DeviceFactory


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
    """A valid log-session post."""
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


def with_blend(data, *lots, **row):
    """A valid blend row (0.5 %, 2 mL) for each lot; `row` overrides fields of every row."""
    data["blend-TOTAL_FORMS"] = str(len(lots))
    for i, lot in enumerate(lots):
        values = {"product": lot.product.pk, "lot": lot.pk, "concentration": "0.5", "concentration_unit": "%"}
        values |= {"volume_ml": "2", **row}
        data |= {f"blend-{i}-{name}": value for name, value in values.items()}
    return data


def with_photos(data, *files):
    """A before, vertex photo row for each file, an UploadedFile (tests.support.images.upload)."""
    data["photos-TOTAL_FORMS"] = str(len(files))
    for i, file in enumerate(files):
        data |= {f"photos-{i}-phase": "before", f"photos-{i}-view": "vertex", f"photos-{i}-image": file}
    return data


def edit_data(session, **changes):
    """The post a clinician sends when saving a stored session unchanged; `changes` override fields."""
    components = list(session.blend_components.current().order_by("pk"))
    data = {
        "performed_at": timezone.localtime(session.performed_at).strftime("%Y-%m-%dT%H:%M"),
        "technique": session.technique,
        "device": session.device_id or "",
        "cartridge": session.cartridge_id or "",
        "cartridge_lot": session.cartridge_lot,
        "cartridge_expiry": session.cartridge_expiry.isoformat() if session.cartridge_expiry else "",
        "needle_depth_mm": _number(session.needle_depth_mm),
        "frequency_hz": _number(session.frequency_hz),
        "passes": _number(session.passes),
        "treated_zones": session.treated_zones,
        "treated_area_cm2": _number(session.treated_area_cm2),
        "anaesthesia": session.anaesthesia,
        "pain_score": _number(session.pain_score),
        "endpoint": session.endpoint,
        "adverse_events": session.adverse_events,
        "adverse_event_notes": session.adverse_event_notes,
        "notes": session.notes,
        "blend-TOTAL_FORMS": str(len(components)),
        "blend-INITIAL_FORMS": str(len(components)),
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "seen_version": str(session.version),
        "amendment_reason": "Corrected after checking the machine log",
    }
    for i, component in enumerate(components):
        data |= {
            f"blend-{i}-id": component.pk,
            f"blend-{i}-session": session.pk,
            f"blend-{i}-product": component.product_id,
            f"blend-{i}-lot": component.lot_id or "",
            f"blend-{i}-concentration": str(component.concentration),
            f"blend-{i}-concentration_unit": component.concentration_unit,
            f"blend-{i}-volume_ml": str(component.volume_ml),
        }
    data.update(changes)
    return data


def _number(value):
    return "" if value is None else str(value)
