"""People, equipment and stock: patients, devices, needle cartridges, products and lots."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic import dosage, ranges
from clinic.formatting import device_name, local_date, needle_geometry
from clinic.indexes import NullsFirstIndex, TrigramIndex
from clinic.vocabularies import Diagnosis, FitzpatrickType, LudwigStage, NorwoodStage, Sex, TranslatedChoices

record_number_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9./-]{0,31}$",
    _("Use letters, digits, dots, slashes or dashes (up to 32), starting with a letter or digit."),
)


class User(AbstractUser):
    """A member of staff. What they may do comes from their role groups (clinic.roles)."""

    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The language of the pages for this person; empty follows the browser."),
    )

    class Meta:
        db_table = "clinic_user"

    def has_role(self, role):
        if self.is_superuser:
            return True
        # Group names are cached per instance: templates and views ask several times a request.
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return role in self._role_names


class PatientQuerySet(models.QuerySet):
    def search(self, text):
        """Every word must match the record number, first or last name."""
        for word in (text or "").split()[:5]:
            self = self.filter(
                Q(record_number__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
            )
        return self


SESSION_SUMMARY_FIELDS = ("session_count", "last_session_at")


class Patient(models.Model):
    audit_name = "patient"  # how the audit trail names it

    record_number = models.CharField(
        _("clinic record number"),
        max_length=32,
        unique=True,
        validators=[record_number_validator],
        help_text=_("The clinic's own identifier, e.g. P-00042. Stored in capitals."),
        error_messages={"unique": _("Another patient already has this record number.")},
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    fitzpatrick_type = models.PositiveSmallIntegerField(
        _("Fitzpatrick skin type"), choices=FitzpatrickType.choices, null=True, blank=True
    )
    diagnosis = models.CharField(_("primary diagnosis"), max_length=20, choices=Diagnosis.choices)
    norwood_hamilton_stage = models.CharField(
        _("Norwood–Hamilton stage"), max_length=12, choices=NorwoodStage.choices, blank=True
    )
    ludwig_stage = models.CharField(_("Ludwig stage"), max_length=4, choices=LudwigStage.choices, blank=True)
    salt_score = ranges.SALT_SCORE.field(
        models.DecimalField,
        _("SALT score (%)"),
        max_digits=4,
        decimal_places=1,
        # xgettext:no-python-format
        help_text=_("Severity of Alopecia Tool, 0–100 % scalp hair loss. Alopecia areata only."),
    )
    photo_consent = models.BooleanField(_("photo consent"), default=False)
    photo_consent_date = models.DateField(_("photo consent date"), null=True, blank=True)
    research_consent = models.BooleanField(_("research consent"), default=False)
    research_consent_date = models.DateField(_("research consent date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("synthetic demo record"), default=False, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False, help_text=_("Bumped by every save."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept by sessions.patient_summary whenever a session is written: the patient list reads them
    # instead of counting every patient's sessions. Voided sessions neither count nor are the last.
    session_count = models.PositiveIntegerField(_("current sessions"), default=0, editable=False)
    last_session_at = models.DateTimeField(_("last session"), null=True, editable=False)

    objects = PatientQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", *SESSION_SUMMARY_FIELDS])

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        ordering = ["last_name", "first_name", "record_number"]
        # One per sort of the patient list (record_number is unique, hence indexed) and for its search.
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"], name="patient_name_order"),
            NullsFirstIndex(field="last_session_at", name="patient_last_session_order"),
            TrigramIndex(field="first_name", name="patient_first_name_trigram"),
            TrigramIndex(field="last_name", name="patient_last_name_trigram"),
            TrigramIndex(field="record_number", name="patient_record_number_trigram"),
        ]
        constraints = [
            # Record numbers are stored in capitals, which makes their uniqueness case-insensitive.
            models.CheckConstraint(
                condition=Q(record_number=Upper("record_number")),
                name="patient_record_number_upper_case",
                violation_error_message=_("Record numbers are stored in capitals."),
            ),
            ranges.SALT_SCORE.constraint("salt_score", name="patient_salt_score_range"),
            models.CheckConstraint(
                condition=Q(salt_score__isnull=True) | Q(diagnosis__in=Diagnosis.areata_family()),
                name="patient_salt_only_for_areata",
                violation_error_message=_("A SALT score applies to alopecia areata, totalis or universalis only."),
            ),
            models.CheckConstraint(
                condition=Q(photo_consent=False) | Q(photo_consent_date__isnull=False),
                name="patient_photo_consent_dated",
                violation_error_message=_("Give the date on which photo consent was given."),
            ),
            models.CheckConstraint(
                condition=Q(research_consent=False) | Q(research_consent_date__isnull=False),
                name="patient_research_consent_dated",
                violation_error_message=_("Give the date on which research consent was given."),
            ),
        ]

    def __str__(self):
        return f"{self.last_name}, {self.first_name} ({self.record_number})"

    def save(self, *args, **kwargs):
        self.record_number = self.record_number.strip().upper()
        if not self._state.adding and kwargs.get("update_fields") is None:
            # The session summary is the session writes' to keep: an edit of the patient made from a copy
            # loaded before a session was saved must not write the old summary back.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in SESSION_SUMMARY_FIELDS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("patient-detail", args=[self.pk])

    def clean(self):
        self.record_number = (self.record_number or "").strip().upper()
        errors = {}
        today = timezone.localdate()
        if self.date_of_birth and self.date_of_birth > today:
            errors["date_of_birth"] = _("The date of birth cannot be in the future.")
        elif self.date_of_birth and self.date_of_birth.year < 1900:
            errors["date_of_birth"] = _("Check the date of birth: it is before 1900.")
        for consent, field in (("photo_consent", "photo_consent_date"), ("research_consent", "research_consent_date")):
            given_on = getattr(self, field)
            if getattr(self, consent) and not given_on:
                errors[field] = _("Give the date on which consent was given.")
            elif given_on and given_on > today:
                errors[field] = _("A consent date cannot be in the future.")
            elif given_on and self.date_of_birth and given_on < self.date_of_birth:
                errors[field] = _("A consent date cannot be before the date of birth.")
        if self.salt_score is not None and self.diagnosis not in Diagnosis.areata_family():
            errors["salt_score"] = _("A SALT score applies to alopecia areata, totalis or universalis only.")
        if errors:
            raise ValidationError(errors)

    @property
    def photos_allowed(self):
        """May photos of this patient be taken, stored and shown? Only with photo consent; photos
        stored before consent was withdrawn are kept for the record but not shown."""
        return self.photo_consent

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"


class PatientTallyQuerySet(models.QuerySet):
    def patients(self):
        return self.aggregate(total=Sum("patients"))["total"] or 0


class PatientTally(models.Model):
    """How many patients there are, and how many current sessions they have, for each diagnosis, research
    consent and demo flag. Database triggers on the patient table keep it (migration clinic/0004, PostgreSQL
    and SQLite alike), whatever writes the patients: the patient list's total and the export page's counts
    read these few rows instead of every patient."""

    diagnosis = models.CharField(_("diagnosis"), max_length=20, choices=Diagnosis.choices)
    research_consent = models.BooleanField(_("research consent"))
    is_demo = models.BooleanField(_("synthetic demo record"))
    patients = models.IntegerField(_("patients"), default=0)
    sessions = models.BigIntegerField(_("current sessions"), default=0)

    objects = PatientTallyQuerySet.as_manager()

    class Meta:
        verbose_name = _("patient tally")
        verbose_name_plural = _("patient tallies")
        constraints = [
            models.UniqueConstraint(fields=["diagnosis", "research_consent", "is_demo"], name="patient_tally_group"),
        ]

    def __str__(self):
        return f"{self.get_diagnosis_display()}, consent {self.research_consent}, demo {self.is_demo}"


class DeviceKind(TranslatedChoices):
    ROTARY_TATTOO = "rotary_tattoo", _("Rotary tattoo machine (MMP)")
    COIL_TATTOO = "coil_tattoo", _("Coil tattoo machine (MMP)")
    MICRONEEDLING_PEN = "microneedling_pen", _("Microneedling pen")
    DERMAROLLER = "dermaroller", _("Dermaroller")
    MICROINFUSION_STAMP = "microinfusion_stamp", _("Microinfusion stamp")
    SMP_MACHINE = "smp_machine", _("SMP machine")
    INJECTOR = "injector", _("Syringe / mesotherapy injector")


class Device(models.Model):
    kind = models.CharField(_("kind"), max_length=24, choices=DeviceKind.choices)
    manufacturer = models.CharField(_("manufacturer"), max_length=100)
    model_name = models.CharField(_("model"), max_length=100)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    active = models.BooleanField(_("in use"), default=True, help_text=_("Retired devices stay on old sessions."))
    is_demo = models.BooleanField(_("synthetic demo record"), default=False, editable=False)
    history = HistoricalRecords()  # every change kept, with who made it

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["manufacturer", "model_name", "serial_number"]

    def __str__(self):
        return device_name(self.manufacturer, self.model_name, self.serial_number)


class CartridgeConfiguration(TranslatedChoices):
    ROUND_LINER = "round_liner", _("Round liner")
    MAGNUM = "magnum", _("Magnum")
    ROUND_SHADER = "round_shader", _("Round shader")
    NANO = "nano", _("Nano")
    HOLLOW_ARRAY = "hollow_array", _("Hollow microneedle array")
    ROLLER = "roller", _("Roller")
    SYRINGE_NEEDLE = "syringe_needle", _("Syringe needle")


class NeedleCartridge(models.Model):
    name = models.CharField(
        _("name"), max_length=100, help_text=_("Manufacturer and reference, e.g. Cheyenne Safety 27 RM.")
    )
    configuration = models.CharField(_("configuration"), max_length=20, choices=CartridgeConfiguration.choices)
    needle_count = ranges.NEEDLE_COUNT.field(models.PositiveSmallIntegerField, _("needle count"))
    needle_diameter_mm = ranges.NEEDLE_DIAMETER_MM.field(
        models.DecimalField, _("needle diameter (mm)"), max_digits=3, decimal_places=2
    )
    needle_length_mm = ranges.NEEDLE_LENGTH_MM.field(
        models.DecimalField, _("needle length (mm)"), max_digits=4, decimal_places=2
    )
    gauge = ranges.NEEDLE_GAUGE.field(models.PositiveSmallIntegerField, _("gauge (G)"), help_text=_("Where used."))
    active = models.BooleanField(_("in use"), default=True)
    is_demo = models.BooleanField(_("synthetic demo record"), default=False, editable=False)
    history = HistoricalRecords()  # every change kept, with who made it

    class Meta:
        verbose_name = _("needle cartridge")
        verbose_name_plural = _("needle cartridges")
        ordering = ["name"]
        constraints = [
            ranges.NEEDLE_COUNT.constraint("needle_count", name="cartridge_needle_count_range"),
            ranges.NEEDLE_DIAMETER_MM.constraint("needle_diameter_mm", name="cartridge_needle_diameter_range"),
            ranges.NEEDLE_LENGTH_MM.constraint("needle_length_mm", name="cartridge_needle_length_range"),
            ranges.NEEDLE_GAUGE.constraint("gauge", name="cartridge_gauge_range"),
        ]

    def __str__(self):
        return self.name

    @property
    def geometry(self):
        return needle_geometry(self.needle_count, self.needle_diameter_mm, self.needle_length_mm)


class ProductKind(TranslatedChoices):
    DRUG = "drug", _("Drug")
    SERUM = "serum", _("Serum")
    PIGMENT = "pigment", _("Pigment")


class Product(models.Model):
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=ProductKind.choices)
    active_ingredient = models.CharField(_("active ingredient"), max_length=120, blank=True)
    default_concentration, default_concentration_unit = dosage.concentration_fields(
        _("default concentration"), _("default concentration unit")
    )
    active = models.BooleanField(_("in use"), default=True)
    is_demo = models.BooleanField(_("synthetic demo record"), default=False, editable=False)
    history = HistoricalRecords()  # every change kept, with who made it

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]
        constraints = [
            *dosage.concentration_constraints(
                "default_concentration",
                positive="product_default_concentration_positive",
                has_unit="product_default_concentration_has_unit",
            ),
        ]

    def __str__(self):
        return self.name


class Lot(models.Model):
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="lots", verbose_name=_("product"))
    number = models.CharField(_("lot number"), max_length=60)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    history = HistoricalRecords()  # every change kept, with who made it

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["product__name", "expiry_date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "number"],
                name="lot_unique_per_product",
                violation_error_message=_("This product already has a lot with this number."),
            )
        ]

    def __str__(self):
        names = {"product": self.product.name, "number": self.number}
        if self.expiry_date:
            return gettext("%(product)s lot %(number)s, exp. %(expiry)s") % {
                **names,
                "expiry": local_date(self.expiry_date),
            }
        return gettext("%(product)s lot %(number)s") % names


# The consent models live in their own module; imported here so that Django finds them with the others.
from clinic.consent_models import ConsentDocument, ConsentWithdrawal, SignedConsent  # noqa: E402, F401
