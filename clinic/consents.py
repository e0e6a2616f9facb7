"""Reads of consent: what a patient has signed and withdrawn, and whether a consent holds on a given day."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from clinic.consent_models import ConsentPurpose, ConsentWithdrawal, SignedConsent


def consent_holds(signed, withdrawn, on: date | None = None):
    """Whether the latest signing (on or before the day `on`, if given) comes after the latest withdrawal: a
    consent signed again after a withdrawal holds again. Signings are compared by day, so a consent signed at the
    chair holds for a session logged on that day whatever minute the form gives it."""
    signings = [timezone.localtime(consent.signed_at) for consent in signed]
    withdrawals = [timezone.localtime(withdrawal.withdrawn_at) for withdrawal in withdrawn]
    if on is not None:
        signings = [moment for moment in signings if moment.date() <= on]
        withdrawals = [moment for moment in withdrawals if moment.date() <= on]
    if not signings:
        return False
    return not withdrawals or max(signings) > max(withdrawals)


def _records(patient, purpose, technique=None):
    key = {"patient": patient, "purpose": purpose, "technique": technique or ""}
    return SignedConsent.objects.filter(**key), ConsentWithdrawal.objects.filter(**key)


def has_consent(patient, purpose, technique=None, *, on: date | None = None):
    signed, withdrawn = _records(patient, purpose, technique)
    return consent_holds(signed.only("signed_at"), withdrawn.only("withdrawn_at"), on)


def has_treatment_consent(patient, technique, *, on: date):
    return has_consent(patient, ConsentPurpose.TREATMENT, technique, on=on)


@dataclass(frozen=True)
class ConsentEvent:
    """A line of the patient page's consent history: a signing or a withdrawal."""

    at: object
    record: object

    @property
    def is_withdrawal(self):
        return isinstance(self.record, ConsentWithdrawal)


def consent_history(patient):
    """The patient's signings and withdrawals, newest first."""
    signed = SignedConsent.objects.filter(patient=patient).select_related("document", "witnessed_by")
    withdrawn = ConsentWithdrawal.objects.filter(patient=patient).select_related("recorded_by")
    # Withdrawals first: at the same moment as a signing, the withdrawal has the last word (sorted() is stable).
    events = [ConsentEvent(withdrawal.withdrawn_at, withdrawal) for withdrawal in withdrawn]
    events += [ConsentEvent(consent.signed_at, consent) for consent in signed]
    return sorted(events, key=lambda event: event.at, reverse=True)


def _last_words(history):
    """{(purpose, technique): the latest signing or withdrawal}, from a history newest first (consent_history)."""
    last = {}
    for event in history:
        last.setdefault((event.record.purpose, event.record.technique), event)
    return last


def standing_withdrawals(history):
    """{purpose: its withdrawal} for the photograph and research consents whose last word is a withdrawal."""
    return {
        purpose: event.record
        for (purpose, technique), event in _last_words(history).items()
        if event.is_withdrawal and not technique
    }


def held_consents(history):
    """The (purpose, technique) of every consent held now (its last word a signing), in the order of the purposes."""
    order = list(ConsentPurpose.values)
    held = [key for key, event in _last_words(history).items() if not event.is_withdrawal]
    return sorted(held, key=lambda key: (order.index(key[0]), key[1]))
