"""Writes of consent: publishing documents, signing at the chair, withdrawing. Each audited, none ever undone.

The patient's stored consent state (photo_consent and research_consent with their dates, which the photo rule, the
research export and the patient tallies read) is written here only, in the same transaction as the record it
follows from.
"""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import diff, record_event, snapshot
from clinic import versioning
from clinic.consent_models import (
    ConsentDocument,
    ConsentPurpose,
    ConsentWithdrawal,
    SignedConsent,
)
from clinic.consents import has_consent
from clinic.pdf import data_uri, render_pdf
from clinic.signatures import signature_png

# Which consents the patient record keeps a stored state of, and in which fields (consent, date given).
STORED_STATE = {
    ConsentPurpose.PHOTOGRAPHS: ("photo_consent", "photo_consent_date"),
    ConsentPurpose.RESEARCH: ("research_consent", "research_consent_date"),
}
SIGNED_PDF_TEMPLATE = "clinic/consents/signed_consent.pdf.html"
NOT_CURRENT = _("This version of the consent document is no longer the current one: open the signing page again.")
NOTHING_TO_WITHDRAW = _("There is no current consent of this kind to withdraw.")
REASON_NEEDED = _("Say why the consent is withdrawn (the patient's words, or how they told the clinic).")


# Documents: drafted, published, retired; a published version never changes.


def publish(document: ConsentDocument) -> ConsentDocument:
    """Publish a draft; the version of the same document published before it is retired."""
    series = ConsentDocument.objects.of_series(document.purpose, document.technique)
    return versioning.publish(document, series, title=document.title)


def retire(document: ConsentDocument) -> ConsentDocument:
    return versioning.retire(document)


def new_version(document: ConsentDocument) -> ConsentDocument:
    """A draft copy of the document under the next version number of its series, ready to edit."""
    with transaction.atomic():
        series = ConsentDocument.objects.of_series(document.purpose, document.technique)
        draft = ConsentDocument.objects.create(
            purpose=document.purpose,
            technique=document.technique,
            title=document.title,
            text=document.text,
            version=versioning.next_version_number(series),
        )
        record_event(AuditAction.CREATE, draft, detail={"copied_from": f"{document.pk} v{document.version}"})
    return draft


# Signing and withdrawing.


def sign_consent(*, patient, document: ConsentDocument, signature: str, witnessed_by) -> SignedConsent:
    """The patient signs `document` (the exact version shown) at the chair, witnessed by the signed-in clinician:
    the signature and a PDF of the whole signed page are stored, and the patient's consent state follows."""
    png = signature_png(signature)
    with transaction.atomic():
        if not ConsentDocument.objects.published().select_for_update().filter(pk=document.pk).exists():
            raise ValidationError(NOT_CURRENT)
        consent = SignedConsent(
            patient=patient,
            purpose=document.purpose,
            technique=document.technique,
            document=document,
            witnessed_by=witnessed_by,
            signed_at=timezone.now(),
        )
        consent.signature.save("signature.png", ContentFile(png), save=False)
        try:
            consent.pdf.save("consent.pdf", ContentFile(_signed_pdf(consent, png)), save=False)
            consent.full_clean()
            consent.save()
            record_event(AuditAction.CREATE, consent, detail={"patient": patient.pk, "document": document.pk})
            _store_state(patient, consent.purpose, given=True, on=timezone.localdate(consent.signed_at))
        except BaseException:
            for stored in (consent.signature, consent.pdf):
                if stored:
                    stored.storage.delete(stored.name)
            raise
    return consent


def _signed_pdf(consent, png):
    context = {
        "consent": consent,
        "document": consent.document,
        "patient": consent.patient,
        "signature": data_uri(png, "image/png"),
        "witness": consent.witnessed_by,
        "signed_at": timezone.localtime(consent.signed_at),
    }
    return render_pdf(SIGNED_PDF_TEMPLATE, context)


def withdraw_consent(*, patient, purpose, technique=None, reason: str, recorded_by, signature: str = ""):
    """Record that the patient takes a consent back (today, for the reason given, signed if they wish): the signed
    records stay, and the patient's consent state follows."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": REASON_NEEDED})
    png = signature_png(signature) if signature else None
    with transaction.atomic():
        type(patient).objects.select_for_update().filter(pk=patient.pk).first()
        if not has_consent(patient, purpose, technique):
            raise ValidationError(NOTHING_TO_WITHDRAW)
        withdrawal = ConsentWithdrawal(
            patient=patient, purpose=purpose, technique=technique or "", reason=reason, recorded_by=recorded_by
        )
        if png:
            withdrawal.signature.save("signature.png", ContentFile(png), save=False)
        withdrawal.full_clean()
        withdrawal.save()
        record_event(AuditAction.CREATE, withdrawal, reason=reason, detail={"patient": patient.pk})
        _store_state(patient, purpose, given=False)
    return withdrawal


def _store_state(patient, purpose, *, given, on=None):
    """The patient's stored consent state, for the consents it keeps one of; the date given stays on withdrawal."""
    if purpose not in STORED_STATE:
        return
    consent_field, date_field = STORED_STATE[purpose]
    before = snapshot(patient)
    setattr(patient, consent_field, given)
    if given:
        setattr(patient, date_field, on)
    if changes := diff(before, snapshot(patient)):
        patient._change_reason = "Consent signed." if given else "Consent withdrawn."
        patient.save(update_fields=[consent_field, date_field, "updated_at"])
        record_event(AuditAction.UPDATE, patient, changes=changes, detail={"via": "consent"})
