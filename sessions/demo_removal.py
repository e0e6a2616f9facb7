"""Taking the synthetic demo data out again: every demo record, and only those.

Demo patients are flagged `is_demo`; so are the demo devices, cartridges and products, and the demo lots are
those of the demo products. Sessions of demo patients go with them, with their blend, photos (and the photo
files), assessments and delayed events. Demo equipment that a session of the clinic's own used stays, and is
reported. The audit trail and the field histories stay as they are (the application's database role may not
delete from them); the removal itself is one audit event with the counts.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.db.models import ProtectedError, Q, RestrictedError

from audit.models import AuditAction
from audit.services import SHELL_USERNAME, record_event
from clinic.consent_models import ConsentWithdrawal, SignedConsent
from clinic.models import Device, Lot, NeedleCartridge, Patient, Product
from sessions.demo import DEMO_CLINICIAN
from sessions.models import (
    Assessment,
    BlendComponent,
    DelayedAdverseEvent,
    PendingPhoto,
    SessionPhoto,
    TreatmentSession,
)
from sessions.patient_summary import refresh_patient_summaries

PHOTO_FILE_FIELDS = ("image", "thumbnail", "screen")


@dataclass
class DemoRemoval:
    removed: dict  # {kind of record: how many}, in the order they are deleted
    kept: list = field(default_factory=list)  # (record, why it stays)

    @property
    def anything(self):
        return any(self.removed.values())


class _DemoRecords:
    """The demo records as querysets, and the demo equipment that the clinic's own sessions used."""

    def __init__(self):
        self.patients = Patient.objects.filter(is_demo=True)
        self.sessions = TreatmentSession.objects.filter(Q(is_demo=True) | Q(patient__is_demo=True))
        staying_sessions = TreatmentSession.objects.exclude(pk__in=self.sessions.values("pk"))
        staying_blend = BlendComponent.objects.filter(session__in=staying_sessions)
        self.kept_devices = Device.objects.filter(is_demo=True, pk__in=staying_sessions.values("device"))
        self.kept_cartridges = NeedleCartridge.objects.filter(is_demo=True, pk__in=staying_sessions.values("cartridge"))
        self.kept_lots = Lot.objects.filter(product__is_demo=True, pk__in=staying_blend.values("lot"))
        self.kept_products = Product.objects.filter(
            Q(pk__in=staying_blend.values("product")) | Q(pk__in=self.kept_lots.values("product")), is_demo=True
        )

    def in_deletion_order(self):
        """(kind, queryset) from the rows that refer to others to the rows they refer to."""
        sessions = self.sessions.values("pk")
        return [
            ("photos", SessionPhoto.objects.filter(session__in=sessions)),
            ("blend components", BlendComponent.objects.filter(session__in=sessions)),
            ("delayed adverse events", DelayedAdverseEvent.objects.filter(session__in=sessions)),
            (
                "assessments",
                Assessment.objects.filter(Q(session__in=sessions) | Q(patient__in=self.patients.values("pk"))),
            ),
            ("sessions", self.sessions),
            ("photos waiting for a session", self.pending_photos()),
            ("consent withdrawals", self.withdrawals()),
            ("consents", self.consents()),
            ("patients", self.patients),
            ("lots", Lot.objects.filter(product__is_demo=True).exclude(pk__in=self.kept_lots.values("pk"))),
            ("products", Product.objects.filter(is_demo=True).exclude(pk__in=self.kept_products.values("pk"))),
            ("devices", Device.objects.filter(is_demo=True).exclude(pk__in=self.kept_devices.values("pk"))),
            (
                "needle cartridges",
                NeedleCartridge.objects.filter(is_demo=True).exclude(pk__in=self.kept_cartridges.values("pk")),
            ),
        ]

    def consents(self):
        # Consent records are never deleted, but those of synthetic patients record nobody's consent.
        return SignedConsent.objects.filter(patient__in=self.patients.values("pk"))

    def withdrawals(self):
        return ConsentWithdrawal.objects.filter(patient__in=self.patients.values("pk"))

    def pending_photos(self):
        return PendingPhoto.objects.filter(patient__in=self.patients.values("pk"))

    def kept(self):
        why = "used by a session of the clinic's own"
        return [
            (f"{kind} {record}", why)
            for kind, records in (
                ("device", self.kept_devices),
                ("needle cartridge", self.kept_cartridges),
                ("product", self.kept_products),
                ("lot", self.kept_lots.select_related("product")),
            )
            for record in records
        ]


def demo_data_to_remove():
    """What remove_demo_data() would remove and keep now: the same removal, rolled back (no file is touched)."""
    with transaction.atomic():
        removal = remove_demo_data()
        transaction.set_rollback(True)
    return removal


def remove_demo_data():
    """Delete every demo record that nothing of the clinic's own needs; the photo files go once it is committed.
    Records the removal in the audit trail when anything was removed."""
    with transaction.atomic():
        records = _DemoRecords()
        kept = records.kept()
        photo_files = _photo_files(records)
        affected = list(records.sessions.filter(patient__is_demo=False).values_list("patient", flat=True))
        removed = {}
        for kind, rows in records.in_deletion_order():
            # Row by row deletes would send a signal per row: the field histories would get a row for each
            # record, where the bulk-loaded demo data never had any. The one audit event below records it.
            removed[kind] = rows._raw_delete(rows.db)
        refresh_patient_summaries(Patient.objects.filter(pk__in=affected))
        removed["demo user"] = _remove_demo_clinician(kept)
        removal = DemoRemoval(removed, kept)
        if removal.anything:
            record_event(
                AuditAction.DELETE,
                username=SHELL_USERNAME,
                reason="Synthetic demo data removed (manage.py demo_data --remove).",
                detail={"removed": removed, "kept": [record for record, _ in kept]},
            )
        # Dropped with the transaction when it is rolled back.
        transaction.on_commit(lambda: _delete_files(photo_files))
    return removal


def _photo_files(records):
    names = [
        *SessionPhoto.objects.filter(session__in=records.sessions.values("pk")).values_list(*PHOTO_FILE_FIELDS),
        *records.pending_photos().values_list("image", "thumbnail"),
        *records.consents().values_list("signature", "pdf"),
        *records.withdrawals().values_list("signature"),
    ]
    return [name for row in names for name in row if name]


def _delete_files(names):
    storage = SessionPhoto._meta.get_field("image").storage
    for name in names:
        storage.delete(name)


def _remove_demo_clinician(kept):
    """1 when the demo clinician account is deleted; it stays while a record that stays names it."""
    user = get_user_model().objects.filter(username=DEMO_CLINICIAN).first()
    if user is None:
        return 0
    try:
        with transaction.atomic():
            user.delete()
    except (ProtectedError, RestrictedError, DatabaseError):
        kept.append((f"user {DEMO_CLINICIAN}", "named by records that stay (e.g. the audit trail)"))
        return 0
    return 1
