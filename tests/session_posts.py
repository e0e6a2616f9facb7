"""Form posts a browser would send for the session pages."""

from django.utils import timezone


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
