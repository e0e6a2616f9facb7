"""Lot recall: which patients and sessions received a product lot or a needle cartridge lot.

A blend row matches by the lot number it kept (what the session used, whatever the stock list says now) or by
the number its lot has in the stock list now (a number corrected there after the session is found both ways);
a session matches by the cartridge lot typed on it. The match is exact and case-insensitive. Voided sessions and
voided blend rows are left out, as from every list: they record something that did not happen as logged.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, Value
from django.db.models.functions import Upper
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from clinic.models import Lot
from clinic.spreadsheets import safe_cell
from sessions.models import BlendComponent, TreatmentSession

# The longest lot number either source holds: a longer query cannot match.
LOT_NUMBER_LENGTH = max(
    Lot._meta.get_field("number").max_length, TreatmentSession._meta.get_field("cartridge_lot").max_length
)


def _same_lot(field, number):
    """The lookup "this field holds the lot number", case aside (one expression for the query and its index)."""
    return Exact(Upper(field), Upper(Value(number)))


def _components_from(number):
    # The stock list's few lots first, as ids: "kept number or one of these lots" is then two index lookups.
    in_stock_list = list(Lot.objects.filter(_same_lot("number", number)).values_list("pk", flat=True))
    return BlendComponent.objects.current().filter(Q(_same_lot("lot_number", number)) | Q(lot__in=in_stock_list))


@dataclass(frozen=True)
class Recall:
    """What a lot number found: the current sessions that received it and their patients."""

    number: str
    session_ids: frozenset
    patient_ids: frozenset

    def sessions(self):
        """The sessions, newest first, each with its patient and `recalled_components` (its blend rows from the
        lot), and `cartridge_recalled` (whether its cartridge was of the lot)."""
        components = _components_from(self.number).select_related("lot")
        return (
            TreatmentSession.objects.filter(pk__in=self.session_ids)
            .newest_first()
            .select_related("patient")
            .annotate(cartridge_recalled=_same_lot("cartridge_lot", self.number))
            .prefetch_related(Prefetch("blend_components", queryset=components, to_attr="recalled_components"))
        )


def find_lot(number):
    """The Recall of a lot number (already stripped and checked for length by the form)."""
    by_blend = _components_from(number).filter(session__voided_at__isnull=True)
    by_cartridge = TreatmentSession.objects.current().filter(_same_lot("cartridge_lot", number))
    found = {
        *by_blend.values_list("session_id", "session__patient_id"),
        *by_cartridge.values_list("pk", "patient_id"),
    }
    return Recall(number, frozenset(session for session, _ in found), frozenset(patient for _, patient in found))


@dataclass(frozen=True)
class Received:
    """One thing from the lot that a session used: a blend product or its needle cartridge."""

    session: TreatmentSession
    kind: str  # "Product" or "Cartridge"
    name: str
    lot_number: str  # as the session kept it
    expiry: date | None
    number_now: str = ""  # the stock list's number for the lot, when it has been corrected since

    @property
    def kind_label(self):
        """The kind as the page and the letters say it, lower case: "product", "cartridge"."""
        return str(KIND_LABELS[self.kind])


# The kinds in words; `kind` itself stays English.
KIND_LABELS = {
    "Product": pgettext_lazy("lot recall: what a session received", "product"),
    "Cartridge": pgettext_lazy("lot recall: what a session received", "cartridge"),
}


def received_by(session):
    """The Received rows of one session of Recall.sessions()."""
    rows = [
        Received(
            session,
            "Product",
            component.product_name,
            component.lot_number,
            component.lot_expiry,
            component.lot.number if component.lot and component.lot.number != component.lot_number else "",
        )
        for component in session.recalled_components
    ]
    if session.cartridge_recalled:
        rows.append(
            Received(session, "Cartridge", session.cartridge_name, session.cartridge_lot, session.cartridge_expiry)
        )
    return rows


# The CSV's header: field names for the clinic's mail merge, in the interface's language (English below).
LETTER_COLUMNS = [
    pgettext_lazy("recall letter field", "record_number"),
    pgettext_lazy("recall letter field", "last_name"),
    pgettext_lazy("recall letter field", "first_name"),
    pgettext_lazy("recall letter field", "date_of_birth"),
    pgettext_lazy("recall letter field", "phone"),
    pgettext_lazy("recall letter field", "email"),
    pgettext_lazy("recall letter field", "session_date"),
    pgettext_lazy("recall letter field", "technique"),
    pgettext_lazy("recall letter field", "received"),
    pgettext_lazy("recall letter field", "product_or_cartridge"),
    pgettext_lazy("recall letter field", "lot_number"),
    pgettext_lazy("recall letter field", "lot_expiry"),
]


def letter_rows(recall):
    """The rows for recall letters: the header, then one row per thing received, every text cell neutralised
    against formula injection. Words follow the interface's language; dates stay ISO."""
    yield [str(column) for column in LETTER_COLUMNS]
    for session in recall.sessions().iterator(chunk_size=500):
        patient = session.patient
        for row in received_by(session):
            yield [
                *map(safe_cell, (patient.record_number, patient.last_name, patient.first_name)),
                patient.date_of_birth.isoformat(),
                safe_cell(patient.phone),
                safe_cell(patient.email),
                timezone.localdate(session.performed_at).isoformat(),
                safe_cell(session.get_technique_display()),
                row.kind_label,
                safe_cell(row.name),
                safe_cell(row.lot_number),
                row.expiry.isoformat() if row.expiry else "",
            ]
