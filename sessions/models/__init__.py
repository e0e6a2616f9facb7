"""What happened in the chair, one module per family: sessions, blend, photos, outcomes.

Migrations name `sessions.models.validate_zones` and friends, so they are imported here by name.
"""

from sessions.models.blend import BlendComponent
from sessions.models.outcomes import (
    NO_MEASURE,
    Assessment,
    AssessmentQuerySet,
    DelayedAdverseEvent,
    DelayedEventKind,
    Severity,
)
from sessions.models.pending import PENDING_PHOTO_LIFETIME, PendingPhoto
from sessions.models.photos import PhotoPhase, PhotoView, SessionPhoto, photo_path
from sessions.models.session import (
    FUTURE_TOLERANCE,
    Anaesthesia,
    Endpoint,
    ImmediateAdverseEvent,
    TreatmentSession,
    TreatmentSessionQuerySet,
    validate_adverse_events,
    validate_zones,
)
from sessions.models.voidable import Voidable, VoidableQuerySet

__all__ = [
    "FUTURE_TOLERANCE",
    "NO_MEASURE",
    "PENDING_PHOTO_LIFETIME",
    "Anaesthesia",
    "Assessment",
    "AssessmentQuerySet",
    "BlendComponent",
    "DelayedAdverseEvent",
    "DelayedEventKind",
    "Endpoint",
    "ImmediateAdverseEvent",
    "PendingPhoto",
    "PhotoPhase",
    "PhotoView",
    "SessionPhoto",
    "Severity",
    "TreatmentSession",
    "TreatmentSessionQuerySet",
    "Voidable",
    "VoidableQuerySet",
    "photo_path",
    "validate_adverse_events",
    "validate_zones",
]
