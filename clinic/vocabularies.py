"""Shared clinical vocabularies: what every app above the clinic names the same way."""

from enum import property as enum_property

from django.db import models
from django.db.models.enums import ChoicesType
from django.utils.translation import gettext_lazy as _


class LabelsSaidWhenRead(ChoicesType):
    """`choices` keep their labels lazy (gettext_lazy), for the model fields and forms declared at import."""

    @property
    def choices(cls):
        empty = [(None, cls.__empty__)] if hasattr(cls, "__empty__") else []
        return empty + [(member.value, member._label_) for member in cls]


class TranslatedChoices(models.TextChoices, metaclass=LabelsSaidWhenRead):
    """Text choices with labels marked for translation: `Member.label` is the label in the active language, a plain
    str (joins and f-strings take it), while `choices` stay lazy."""

    @enum_property
    def label(self):
        return str(self._label_)


class Sex(TranslatedChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other / intersex")


class Diagnosis(TranslatedChoices):
    ANDROGENETIC_ALOPECIA = "aga", _("Androgenetic alopecia")
    FEMALE_PATTERN = "fphl", _("Female pattern hair loss")
    ALOPECIA_AREATA = "aa", _("Alopecia areata")
    ALOPECIA_TOTALIS = "at", _("Alopecia totalis")
    ALOPECIA_UNIVERSALIS = "au", _("Alopecia universalis")
    TELOGEN_EFFLUVIUM = "te", _("Telogen effluvium")
    SCARRING_ALOPECIA = "scarring", _("Scarring alopecia")
    SCAR = "scar", _("Scar (surgery or hair transplant)")
    OTHER = "other", _("Other")

    @classmethod
    def areata_family(cls):
        return (cls.ALOPECIA_AREATA, cls.ALOPECIA_TOTALIS, cls.ALOPECIA_UNIVERSALIS)


class FitzpatrickType(models.IntegerChoices):
    I = 1, "I"  # noqa: E741 — the clinical name of the type
    II = 2, "II"
    III = 3, "III"
    IV = 4, "IV"
    V = 5, "V"
    VI = 6, "VI"


class NorwoodStage(TranslatedChoices):
    I = "I", "I"  # noqa: E741
    II = "II", "II"
    IIA = "IIa", "IIa"
    III = "III", "III"
    III_VERTEX = "III vertex", _("III vertex")
    IIIA = "IIIa", "IIIa"
    IV = "IV", "IV"
    IVA = "IVa", "IVa"
    V = "V", "V"
    VA = "Va", "Va"
    VI = "VI", "VI"
    VII = "VII", "VII"


class LudwigStage(TranslatedChoices):
    I = "I", "I"  # noqa: E741
    II = "II", "II"
    III = "III", "III"


class Technique(TranslatedChoices):
    MMP = "mmp", _("MMP® (microinfusion of drugs into the skin)")
    MICRONEEDLING = "microneedling", _("Microneedling")
    MICROINFUSION_STAMPING = "microinfusion_stamping", _("Microinfusion stamping")
    SMP = "smp", _("Scalp micropigmentation (SMP)")
    MESOTHERAPY = "mesotherapy", _("Mesotherapy")
    MICROGRAFTS = "micrografts", _("Autologous micrografts")
    OTHER = "other", _("Other")


class ScalpZone(TranslatedChoices):
    FRONTAL_HAIRLINE = "frontal_hairline", _("Frontal hairline")
    FRONTAL = "frontal", _("Frontal")
    MID_SCALP = "mid_scalp", _("Mid-scalp")
    VERTEX = "vertex", _("Vertex / crown")
    LEFT_TEMPORAL = "left_temporal", _("Left temporal")
    RIGHT_TEMPORAL = "right_temporal", _("Right temporal")
    PARIETAL = "parietal", _("Parietal")
    OCCIPITAL = "occipital", _("Occipital")
    SCAR = "scar", _("Scar area")
