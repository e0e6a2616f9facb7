"""What the research files should hold, worked out from the database through the ORM.

Written apart from research/export.py (its raw SQL and row tuples), so a round trip compares two
independent readings of the same records. Deviations come from sessions.courses, the code that
shows them to clinicians.
"""

from decimal import Decimal

from research.query import pseudonym
from sessions.courses import session_deviations
from sessions.models import BlendComponent, TreatmentSession


def plain(value):
    """A number as the files write it: integers as they are, decimals without trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    assert isinstance(value, Decimal), value
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def exported_sessions(include_demo=False):
    """The sessions the export must hold, in its order: by patient, then time."""
    sessions = TreatmentSession.objects.current().filter(patient__research_consent=True)
    if not include_demo:
        sessions = sessions.filter(patient__is_demo=False)
    return list(
        sessions.select_related("patient", "device", "cartridge", "preset").order_by("patient_id", "performed_at", "pk")
    )


def components(session):
    return list(BlendComponent.objects.current().filter(session=session).select_related("product").order_by("pk"))


def courses(session):
    """(number in its course, local day of the patient's first session) from all current sessions."""
    history = list(
        TreatmentSession.objects.current()
        .filter(patient_id=session.patient_id)
        .select_related("preset")
        .order_by("performed_at", "pk")
    )

    def course(s):  # a preset's slug is tagged apart from a technique code that spells the same
        return ("preset", s.preset.slug) if s.preset_id else ("technique", s.technique)

    same = [s for s in history if course(s) == course(session)]
    return [s.pk for s in same].index(session.pk) + 1, history[0].performed_on


def phrase(component):
    text = component.product.name
    if component.concentration is not None:
        text += f" {plain(component.concentration)} {component.concentration_unit}"
    if component.volume_ml is not None:
        text += f" ({plain(component.volume_ml)} mL)"
    return text


def age_on(born, day):
    """Whole years, computed here independently of the exporter."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def session_row(session):
    patient, device, cartridge, preset = session.patient, session.device, session.cartridge, session.preset
    blend = components(session)
    number, first_day = courses(session)
    age = age_on(patient.date_of_birth, session.performed_on)
    found = session_deviations(session, blend) if preset else []
    return {
        "session_id": pseudonym("s", session.pk),
        "patient_id": pseudonym("p", patient.pk),
        "age_years": "90+" if age >= 90 else str(age),
        "sex": patient.sex,
        "diagnosis": patient.diagnosis,
        "norwood_hamilton_stage": patient.norwood_hamilton_stage,
        "ludwig_stage": patient.ludwig_stage,
        "salt_score_pct": plain(patient.salt_score),
        "fitzpatrick_type": plain(patient.fitzpatrick_type),
        "quasi_identifiers_withheld": "0",  # as recorded: nothing generalised, nothing withheld
        "technique": session.technique,
        "course_session_number": str(number),
        "days_since_first_session": str((session.performed_on - first_day).days),
        "device_kind": device.kind if device else "",
        "device_model": f"{device.manufacturer} {device.model_name}" if device else "",
        "cartridge_configuration": cartridge.configuration if cartridge else "",
        "needle_count": plain(cartridge.needle_count) if cartridge else "",
        "needle_diameter_mm": plain(cartridge.needle_diameter_mm) if cartridge else "",
        "needle_length_mm": plain(cartridge.needle_length_mm) if cartridge else "",
        "depth_mm": plain(session.needle_depth_mm),
        "frequency_hz": plain(session.frequency_hz),
        "passes": plain(session.passes),
        "zones": ";".join(session.treated_zones),
        "treated_area_cm2": plain(session.treated_area_cm2),
        "anaesthesia": session.anaesthesia,
        "pain_score": plain(session.pain_score),
        "endpoint": session.endpoint,
        "adverse_events": ";".join(session.adverse_events),
        "preset_slug": preset.slug if preset else "",
        "preset_version": str(preset.version) if preset else "",
        "deviation_count": str(len(found)) if preset else "",
        "deviations": "; ".join(f"{d.field}: {d.said or f'{d.actual} (preset {d.expected})'}" for d in found),
        "blend": " + ".join(phrase(component) for component in blend),
    }


def blend_rows(session):
    return [
        {
            "session_id": pseudonym("s", session.pk),
            "product": component.product.name,
            "active_ingredient": component.product.active_ingredient,
            "concentration": plain(component.concentration),
            "concentration_unit": component.concentration_unit,
            "volume_ml": plain(component.volume_ml),
        }
        for component in components(session)
    ]


def expected(include_demo=False):
    """(session dicts, blend dicts) the export must hold."""
    sessions = exported_sessions(include_demo)
    return [session_row(s) for s in sessions], [row for s in sessions for row in blend_rows(s)]
