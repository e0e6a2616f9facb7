"""Shared clinical vocabularies: what every app above the clinic names the same way."""

from django.db import models


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other / intersex"


class Diagnosis(models.TextChoices):
    ANDROGENETIC_ALOPECIA = "aga", "Androgenetic alopecia"
    FEMALE_PATTERN = "fphl", "Female pattern hair loss"
    ALOPECIA_AREATA = "aa", "Alopecia areata"
    ALOPECIA_TOTALIS = "at", "Alopecia totalis"
    ALOPECIA_UNIVERSALIS = "au", "Alopecia universalis"
    TELOGEN_EFFLUVIUM = "te", "Telogen effluvium"
    SCARRING_ALOPECIA = "scarring", "Scarring alopecia"
    SCAR = "scar", "Scar (surgery or hair transplant)"
    OTHER = "other", "Other"

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


class NorwoodStage(models.TextChoices):
    I = "I", "I"  # noqa: E741
    II = "II", "II"
    IIA = "IIa", "IIa"
    III = "III", "III"
    III_VERTEX = "III vertex", "III vertex"
    IIIA = "IIIa", "IIIa"
    IV = "IV", "IV"
    IVA = "IVa", "IVa"
    V = "V", "V"
    VA = "Va", "Va"
    VI = "VI", "VI"
    VII = "VII", "VII"


class LudwigStage(models.TextChoices):
    I = "I", "I"  # noqa: E741
    II = "II", "II"
    III = "III", "III"


class Technique(models.TextChoices):
    MMP = "mmp", "MMP® (microinfusion of drugs into the skin)"
    MICRONEEDLING = "microneedling", "Microneedling"
    MICROINFUSION_STAMPING = "microinfusion_stamping", "Microinfusion stamping"
    SMP = "smp", "Scalp micropigmentation (SMP)"
    MESOTHERAPY = "mesotherapy", "Mesotherapy"
    MICROGRAFTS = "micrografts", "Autologous micrografts"
    OTHER = "other", "Other"


class ScalpZone(models.TextChoices):
    FRONTAL_HAIRLINE = "frontal_hairline", "Frontal hairline"
    FRONTAL = "frontal", "Frontal"
    MID_SCALP = "mid_scalp", "Mid-scalp"
    VERTEX = "vertex", "Vertex / crown"
    LEFT_TEMPORAL = "left_temporal", "Left temporal"
    RIGHT_TEMPORAL = "right_temporal", "Right temporal"
    PARIETAL = "parietal", "Parietal"
    OCCIPITAL = "occipital", "Occipital"
    SCAR = "scar", "Scar area"
