"""Synthetic demo data: realistic-looking courses of treatment for people who do not exist.

Every record is flagged `is_demo` and every patient's notes say so. Inserts are
bulk and chunked, so memory stays flat and 100,000 sessions take seconds.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from clinic.consent_models import ConsentPurpose, SignedConsent
from clinic.dosage import ConcentrationUnit
from clinic.models import (
    CartridgeConfiguration,
    Device,
    DeviceKind,
    Lot,
    NeedleCartridge,
    Patient,
    Product,
    ProductKind,
)
from clinic.vocabularies import Diagnosis, LudwigStage, NorwoodStage, ScalpZone, Sex, Technique
from sessions.courses import as_stored, departures_in_course_order, next_due
from sessions.models import (
    Anaesthesia,
    Assessment,
    BlendComponent,
    DelayedAdverseEvent,
    DelayedEventKind,
    Endpoint,
    ImmediateAdverseEvent,
    Severity,
    TreatmentSession,
)
from sessions.patient_summary import refresh_patient_summaries

DEMO_CLINICIAN = "demo.clinician"
DEMO_NOTE = "Synthetic demo record: not a real person."
PATIENTS_PER_CHUNK = 500

FIRST_NAMES = {
    Sex.FEMALE: ["Ada", "Bea", "Clara", "Dora", "Elin", "Fay", "Greta", "Hana", "Iris", "Jude", "Kaia", "Lena"],
    Sex.MALE: ["Anton", "Bruno", "Cyril", "Dario", "Emil", "Felix", "Gustav", "Hugo", "Ivo", "Jonas", "Kurt", "Luca"],
    Sex.OTHER: ["Alex", "Robin", "Sam", "Noa"],
}
LAST_NAMES = ["Demo", "Testa", "Example", "Sample", "Muster", "Fictus", "Placeholder", "Mock", "Specimen", "Proxy"]

# name, kind, active ingredient, default concentration, unit
PRODUCTS = [
    ("Minoxidil 0.5 % injectable (demo)", ProductKind.DRUG, "minoxidil", "0.5", ConcentrationUnit.PERCENT),
    ("Minoxidil 5 % solution (demo)", ProductKind.DRUG, "minoxidil", "5", ConcentrationUnit.PERCENT),
    ("Dutasteride 0.05 % (demo)", ProductKind.DRUG, "dutasteride", "0.05", ConcentrationUnit.PERCENT),
    (
        "Triamcinolone acetonide 10 mg/mL (demo)",
        ProductKind.DRUG,
        "triamcinolone acetonide",
        "10",
        ConcentrationUnit.MG_PER_ML,
    ),
    ("Botulinum toxin A (demo)", ProductKind.DRUG, "onabotulinumtoxinA", "4", ConcentrationUnit.UNITS_PER_ML),
    ("Growth-factor serum (demo)", ProductKind.SERUM, "peptide growth factors", None, ""),
    ("Dark brown SMP pigment (demo)", ProductKind.PIGMENT, "iron oxide", None, ""),
]
DEVICES = [
    (DeviceKind.ROTARY_TATTOO, "Cheyenne", "Hawk Pen (demo)"),
    (DeviceKind.MICRONEEDLING_PEN, "Dermapen", "4 (demo)"),
    (DeviceKind.DERMAROLLER, "Generic", "Scalp roller 1.5 mm (demo)"),
    (DeviceKind.MICROINFUSION_STAMP, "Generic", "Hollow stamp 0.6 mm (demo)"),
    (DeviceKind.SMP_MACHINE, "Generic", "SMP rotary (demo)"),
    (DeviceKind.INJECTOR, "Generic", "Mesotherapy injector (demo)"),
]
# name, configuration, count, diameter, length, gauge
CARTRIDGES = [
    ("27-needle magnum (demo)", CartridgeConfiguration.MAGNUM, 27, "0.30", "5.5", None),
    ("Nano 12-pin (demo)", CartridgeConfiguration.NANO, 12, "0.25", "2.5", None),
    ("Roller 540 needles (demo)", CartridgeConfiguration.ROLLER, 100, "0.25", "1.5", None),
    ("Hollow array 0.6 mm (demo)", CartridgeConfiguration.HOLLOW_ARRAY, 20, "0.20", "0.6", None),
    ("3-point round liner (demo)", CartridgeConfiguration.ROUND_LINER, 3, "0.30", "4.0", None),
    ("30G mesotherapy needle (demo)", CartridgeConfiguration.SYRINGE_NEEDLE, 1, "0.30", "4.0", 30),
]
# technique -> device index, cartridge index, depth range (mm), frequency choices (Hz), blend product indexes
TECHNIQUE_PROFILES = {
    Technique.MMP: (0, 0, ("0.3", "1.5"), [70, 120], [[0], [0, 2], [3]]),
    Technique.MICRONEEDLING: (1, 1, ("0.6", "1.5"), [None], [[1], [5], []]),
    Technique.MICROINFUSION_STAMPING: (3, 3, ("0.6", "0.6"), [None], [[5], [0]]),
    Technique.SMP: (4, 4, ("0.3", "0.8"), [100, 120], [[6]]),
    Technique.MESOTHERAPY: (5, 5, ("1.0", "2.5"), [None], [[2], [0, 2], [4]]),
}
INTERVAL_DAYS = {
    Technique.MMP: 30,
    Technique.MICRONEEDLING: 7,
    Technique.MICROINFUSION_STAMPING: 30,
    Technique.SMP: 14,
    Technique.MESOTHERAPY: 14,
}


def _catalogue():
    """Get or create the demo devices, cartridges, products and lots."""
    devices = [
        Device.objects.get_or_create(
            kind=kind, manufacturer=maker, model_name=model, is_demo=True, defaults={"serial_number": f"DEMO-{i}"}
        )[0]
        for i, (kind, maker, model) in enumerate(DEVICES)
    ]
    cartridges = [
        NeedleCartridge.objects.get_or_create(
            name=name,
            is_demo=True,
            defaults={
                "configuration": config,
                "needle_count": count,
                "needle_diameter_mm": Decimal(diameter),
                "needle_length_mm": Decimal(length),
                "gauge": gauge,
            },
        )[0]
        for name, config, count, diameter, length, gauge in CARTRIDGES
    ]
    products, lots = [], []
    for name, kind, ingredient, concentration, unit in PRODUCTS:
        product = Product.objects.get_or_create(
            name=name,
            is_demo=True,
            defaults={
                "kind": kind,
                "active_ingredient": ingredient,
                "default_concentration": Decimal(concentration) if concentration else None,
                "default_concentration_unit": unit,
            },
        )[0]
        products.append(product)
        lots.append(
            Lot.objects.get_or_create(
                product=product, number=f"DEMO-{product.pk:03d}", defaults={"expiry_date": date(2099, 12, 31)}
            )[0]
        )
    return devices, cartridges, products, lots


def _demo_clinician():
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_CLINICIAN, defaults={"first_name": "Demo", "last_name": "Clinician", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _patient(rng, record_number, today):
    sex = rng.choices([Sex.FEMALE, Sex.MALE, Sex.OTHER], weights=[48, 48, 4])[0]
    if sex == Sex.FEMALE:
        diagnosis = rng.choices(
            [Diagnosis.FEMALE_PATTERN, Diagnosis.ALOPECIA_AREATA, Diagnosis.TELOGEN_EFFLUVIUM, Diagnosis.SCAR],
            weights=[60, 20, 15, 5],
        )[0]
    else:
        diagnosis = rng.choices(
            [Diagnosis.ANDROGENETIC_ALOPECIA, Diagnosis.ALOPECIA_AREATA, Diagnosis.SCAR, Diagnosis.SCARRING_ALOPECIA],
            weights=[70, 15, 10, 5],
        )[0]
    born = today - timedelta(days=rng.randint(19 * 365, 75 * 365))
    consent_day = today - timedelta(days=rng.randint(400, 900))
    photo_consent = rng.random() < 0.85
    research_consent = rng.random() < 0.7
    return Patient(
        record_number=record_number,
        first_name=rng.choice(FIRST_NAMES[sex]),
        last_name=rng.choice(LAST_NAMES),
        date_of_birth=born,
        sex=sex,
        fitzpatrick_type=rng.randint(1, 6),
        diagnosis=diagnosis,
        norwood_hamilton_stage=rng.choice(NorwoodStage.values) if diagnosis == Diagnosis.ANDROGENETIC_ALOPECIA else "",
        ludwig_stage=rng.choice(LudwigStage.values) if diagnosis == Diagnosis.FEMALE_PATTERN else "",
        salt_score=Decimal(rng.randint(5, 90)) if diagnosis == Diagnosis.ALOPECIA_AREATA else None,
        photo_consent=photo_consent,
        photo_consent_date=consent_day if photo_consent else None,
        research_consent=research_consent,
        research_consent_date=consent_day if research_consent else None,
        notes=DEMO_NOTE,
        is_demo=True,
    )


def _recorded_consents(patients, sessions):
    """The consents demo patients gave, recorded as ticks with a date (no signature): photographs and research as
    their stored state says, and treatment for each technique they received, on the day of its first session."""
    first_of_technique = {}
    for session in sorted(sessions, key=lambda session: session.performed_at):
        first_of_technique.setdefault((session.patient_id, session.technique), session.performed_at)
    consents = []
    for patient in patients:
        for purpose, given, day in (
            (ConsentPurpose.PHOTOGRAPHS, patient.photo_consent, patient.photo_consent_date),
            (ConsentPurpose.RESEARCH, patient.research_consent, patient.research_consent_date),
        ):
            if given:
                noon = timezone.make_aware(datetime.combine(day, time(12)))
                consents.append(SignedConsent(patient=patient, purpose=purpose, signed_at=noon))
    for (patient_pk, technique), first in first_of_technique.items():
        consents.append(
            SignedConsent(patient_id=patient_pk, purpose=ConsentPurpose.TREATMENT, technique=technique, signed_at=first)
        )
    return consents


def _technique_for(rng, diagnosis):
    if diagnosis in (Diagnosis.SCAR, Diagnosis.SCARRING_ALOPECIA):
        return rng.choice([Technique.SMP, Technique.MICRONEEDLING])
    if diagnosis == Diagnosis.ALOPECIA_AREATA:
        return rng.choice([Technique.MMP, Technique.MESOTHERAPY])
    return rng.choices(
        [Technique.MMP, Technique.MICRONEEDLING, Technique.MESOTHERAPY, Technique.MICROINFUSION_STAMPING],
        weights=[45, 30, 20, 5],
    )[0]


def _published_presets():
    from protocols.models import ProtocolPreset

    by_technique = {}
    for preset in ProtocolPreset.objects.published().order_by("slug").prefetch_related("blend_components"):
        preset.blend = list(preset.blend_components.all())
        by_technique.setdefault(preset.technique, []).append(preset)
    return by_technique


def _store_deviations(sessions, components, preset):
    """What refresh_course_deviations would store, computed before the bulk insert."""
    by_session = {}
    for component in components:
        by_session.setdefault(id(component.session), []).append(component)
    for session, found in departures_in_course_order(
        sessions, components_of=lambda s: by_session.get(id(s), []), preset_blend_of=lambda _version: preset.blend
    ):
        session.deviation_count, session.deviation_summary = as_stored(found)
    sessions[-1].next_due_from, sessions[-1].next_due_to = next_due(sessions)


def _sessions(rng, patient, count, catalogue, clinician, now, presets):
    devices, cartridges, products, lots = catalogue
    technique = _technique_for(rng, patient.diagnosis)
    # Most demo courses start from a published preset of their technique, as a clinic's would.
    preset = rng.choice(presets[technique]) if presets.get(technique) and rng.random() < 0.8 else None
    device_i, cartridge_i, (depth_low, depth_high), frequencies, blends = TECHNIQUE_PROFILES[technique]
    interval = INTERVAL_DAYS[technique]
    last_day = now - timedelta(days=rng.randint(1, 60))
    first_day = last_day - timedelta(days=interval * (count - 1))
    earliest = datetime.combine(patient.date_of_birth + timedelta(days=18 * 365), time(9), tzinfo=now.tzinfo)
    first_day = max(first_day, earliest)
    zones = ScalpZone.values
    blend = rng.choice(blends)
    sessions, components = [], []
    for n in range(count):
        performed_at = min(first_day + timedelta(days=interval * n, minutes=rng.randint(0, 480)), now)
        low, high = Decimal(depth_low), Decimal(depth_high)
        depth = low + (high - low) * Decimal(rng.randint(0, 10)) / 10
        adverse = ["none"] if rng.random() < 0.93 else [rng.choice(ImmediateAdverseEvent.values[1:-1])]
        session = TreatmentSession(
            patient=patient,
            clinician=clinician,
            performed_at=performed_at,
            technique=technique,
            preset=preset,
            device=devices[device_i],
            cartridge=cartridges[cartridge_i],
            cartridge_lot=f"DEMO-C{rng.randint(100, 999)}",
            needle_depth_mm=depth.quantize(Decimal("0.01")),
            frequency_hz=rng.choice(frequencies),
            passes=rng.randint(1, 4),
            treated_zones=sorted(rng.sample(zones, rng.randint(1, 3)), key=zones.index),
            treated_area_cm2=Decimal(rng.randint(20, 200)),
            anaesthesia=rng.choice(Anaesthesia.values),
            pain_score=rng.randint(0, 8),
            endpoint=rng.choice(Endpoint.values[1:]),
            adverse_events=adverse,
            is_demo=True,
        )
        session.keep_what_was_used()
        sessions.append(session)
        for product_i in blend:
            product = products[product_i]
            component = BlendComponent(
                session=session,
                product=product,
                lot=lots[product_i],
                concentration=product.default_concentration,
                concentration_unit=product.default_concentration_unit if product.default_concentration else "",
                volume_ml=Decimal(rng.randint(5, 40)) / 10,
            )
            component.keep_what_was_used()
            components.append(component)
    if preset is not None:
        _store_deviations(sessions, components, preset)
    return sessions, components


def _assessments(rng, sessions, clinician):
    """For most patients, a baseline assessment on the day of their first session and one on their last."""
    by_patient = {}
    for session in sessions:
        by_patient.setdefault(session.patient, []).append(session)
    made = []
    for patient, course in by_patient.items():
        if rng.random() < 0.3:
            continue
        density = Decimal(rng.randint(80, 160))
        for when, gain in ((course[0], 0), (course[-1], rng.randint(-5, 40))):
            made.append(
                Assessment(
                    patient=patient,
                    session=when,
                    assessed_on=when.performed_at.date(),
                    assessed_by=clinician,
                    density_site="vertex",
                    hair_density_per_cm2=density + gain,
                    global_photo_assessment=rng.randint(0, 3) if gain else None,
                    satisfaction=rng.randint(2, 5) if gain else None,
                )
            )
    return made


def _delayed_events(rng, sessions, clinician, today):
    """About one session in twelve is followed by an adverse event noticed days later; most have resolved."""
    kinds = [DelayedEventKind.FOLLICULITIS, DelayedEventKind.PROLONGED_ERYTHEMA, DelayedEventKind.INFECTION]
    made = []
    for session in sessions:
        if rng.random() >= 0.08:
            continue
        onset = min(timezone.localtime(session.performed_at).date() + timedelta(days=rng.randint(1, 10)), today)
        resolved = onset + timedelta(days=rng.randint(3, 21))
        made.append(
            DelayedAdverseEvent(
                session=session,
                kind=rng.choice(kinds),
                onset_on=onset,
                severity=rng.choice(Severity.values[:2]),
                resolved_on=resolved if resolved <= today and rng.random() < 0.8 else None,
                recorded_by=clinician,
            )
        )
    return made


def create_demo_data(*, patients, sessions_per_patient, seed=None):
    """Add `patients` synthetic patients with `sessions_per_patient` sessions each. Returns the counts."""
    rng = random.Random(seed)
    now = timezone.now().replace(second=0, microsecond=0)
    today = timezone.localdate()
    catalogue = _catalogue()
    clinician = _demo_clinician()
    presets = _published_presets()
    start = Patient.objects.filter(is_demo=True).count()
    made_sessions = made_components = 0
    for chunk_start in range(0, patients, PATIENTS_PER_CHUNK):
        chunk_size = min(PATIENTS_PER_CHUNK, patients - chunk_start)
        with transaction.atomic():
            new_patients = Patient.objects.bulk_create(
                _patient(rng, f"DEMO-{start + chunk_start + i + 1:06d}", today) for i in range(chunk_size)
            )
            sessions, components = [], []
            for patient in new_patients:
                patient_sessions, patient_components = _sessions(
                    rng, patient, sessions_per_patient, catalogue, clinician, now, presets
                )
                sessions += patient_sessions
                components += patient_components
            TreatmentSession.objects.bulk_create(sessions, batch_size=2000)
            for component in components:
                component.session_id = component.session.pk
            BlendComponent.objects.bulk_create(components, batch_size=2000)
            Assessment.objects.bulk_create(_assessments(rng, sessions, clinician), batch_size=2000)
            DelayedAdverseEvent.objects.bulk_create(_delayed_events(rng, sessions, clinician, today), batch_size=2000)
            SignedConsent.objects.bulk_create(_recorded_consents(new_patients, sessions), batch_size=2000)
            refresh_patient_summaries(Patient.objects.filter(pk__in=[patient.pk for patient in new_patients]))
        made_sessions += len(sessions)
        made_components += len(components)
    _refresh_planner_statistics()
    return {"patients": patients, "sessions": made_sessions, "blend_components": made_components}


def _refresh_planner_statistics():
    """After a bulk load the query planner's row estimates are stale until autovacuum catches up."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Patient, TreatmentSession, BlendComponent):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
