from datetime import date, datetime, time, timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from clinic.consent_models import ConsentDocument, ConsentPurpose, SignedConsent
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
    User,
)
from clinic.versioning import VersionStatus
from clinic.vocabularies import Diagnosis, Sex, Technique
from sessions.courses import refresh_course_deviations
from sessions.models import Assessment, BlendComponent, TreatmentSession
from sessions.patient_summary import refresh_patient_summary

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            self.groups.add(Group.objects.get_or_create(name=role)[0])
        self.save()


class PatientFactory(factory.django.DjangoModelFactory):
    """A patient with photo and research consent, and a signed treatment consent for every technique (give
    `treatment_consents=[]`, or a list of techniques, for fewer)."""

    class Meta:
        model = Patient
        skip_postgeneration_save = True

    record_number = factory.Sequence(lambda n: f"P-{n:05d}")
    first_name = "Ada"
    last_name = factory.Sequence(lambda n: f"Testperson{n}")
    date_of_birth = date(1980, 5, 17)
    sex = Sex.FEMALE
    diagnosis = Diagnosis.FEMALE_PATTERN
    photo_consent = True
    photo_consent_date = date(2025, 1, 10)
    research_consent = True
    research_consent_date = date(2025, 1, 10)

    @factory.post_generation
    def treatment_consents(self, create, extracted, **kwargs):
        if create:
            techniques = Technique.values if extracted is None else extracted
            signed_at = timezone.make_aware(datetime.combine(self.research_consent_date or date(2025, 1, 10), time()))
            SignedConsent.objects.bulk_create(
                SignedConsent(patient=self, purpose=ConsentPurpose.TREATMENT, technique=technique, signed_at=signed_at)
                for technique in techniques
            )


class ConsentDocumentFactory(factory.django.DjangoModelFactory):
    """A published treatment consent document (microneedling unless told), of a new version of its series."""

    class Meta:
        model = ConsentDocument

    purpose = ConsentPurpose.TREATMENT
    technique = factory.LazyAttribute(
        lambda document: Technique.MICRONEEDLING if document.purpose == "treatment" else ""
    )
    title = factory.LazyAttribute(lambda document: f"Consent to {document.technique or document.purpose}")
    text = "The procedure, its risks (infection, bruising, scarring) and its alternatives have been explained to me."
    status = VersionStatus.PUBLISHED
    version = factory.LazyAttribute(
        lambda document: ConsentDocument.objects.of_series(document.purpose, document.technique).count() + 1
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs.get("status") == VersionStatus.PUBLISHED:  # the migrations' seeded version makes way
            series = ConsentDocument.objects.of_series(kwargs["purpose"], kwargs["technique"]).published()
            series.update(status=VersionStatus.RETIRED)
        return super()._create(model_class, *args, **kwargs)


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    kind = DeviceKind.ROTARY_TATTOO
    manufacturer = "Cheyenne"
    model_name = "Hawk Pen"
    serial_number = factory.Sequence(lambda n: f"SN{n}")


class CartridgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedleCartridge

    name = factory.Sequence(lambda n: f"27 RM magnum {n}")
    configuration = CartridgeConfiguration.MAGNUM
    needle_count = 27
    needle_diameter_mm = Decimal("0.30")
    needle_length_mm = Decimal("5.50")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Minoxidil 0.5 % #{n}")
    kind = ProductKind.DRUG
    active_ingredient = "minoxidil"
    default_concentration = Decimal("0.5")
    default_concentration_unit = ConcentrationUnit.PERCENT


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    product = factory.SubFactory(ProductFactory)
    number = factory.Sequence(lambda n: f"L{n:04d}")
    expiry_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TreatmentSession
        skip_postgeneration_save = True  # the hook stores derived values itself

    patient = factory.SubFactory(PatientFactory)
    clinician = factory.SubFactory(UserFactory, roles=["clinician"])
    # Minute precision, as the form's date-time field has.
    performed_at = factory.LazyFunction(lambda: (timezone.now() - timedelta(days=3)).replace(second=0, microsecond=0))
    technique = Technique.MMP
    device = factory.SubFactory(DeviceFactory)
    cartridge = factory.SubFactory(CartridgeFactory)
    needle_depth_mm = Decimal("1.00")
    frequency_hz = 120
    passes = 2
    treated_zones = ["vertex"]
    pain_score = 3
    adverse_events = ["none"]

    @factory.post_generation
    def course_departures(self, create, extracted, **kwargs):
        if create:
            _refresh_course(self)
            refresh_patient_summary(self.patient)


def _refresh_course(session):
    # What the services do after every write: the course's stored departures follow its sessions.
    if session.preset_id:
        refresh_course_deviations(session.patient, session.preset.slug)


class BlendComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BlendComponent
        skip_postgeneration_save = True  # the hook stores derived values itself

    session = factory.SubFactory(SessionFactory)
    lot = factory.SubFactory(LotFactory)
    product = factory.SelfAttribute("lot.product")
    concentration = Decimal("0.5")
    concentration_unit = ConcentrationUnit.PERCENT
    volume_ml = Decimal("2.0")

    @factory.post_generation
    def course_departures(self, create, extracted, **kwargs):
        if create:
            _refresh_course(self.session)


class AssessmentFactory(factory.django.DjangoModelFactory):
    """An assessment of the patient's scalp a week ago; give the measures recorded as keywords."""

    class Meta:
        model = Assessment

    patient = factory.SubFactory(PatientFactory)
    assessed_by = factory.SubFactory(UserFactory, roles=["clinician"])
    assessed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=7))
