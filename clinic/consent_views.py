"""Consent at the chair: choosing the document, signing it on the pad, withdrawing, and the signed PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from audit.models import AuditAction
from audit.services import record_event
from clinic.access import get_patient_for, require_clinician
from clinic.consent_forms import SignConsentForm, WithdrawConsentForm
from clinic.consent_models import ConsentDocument, SignedConsent
from clinic.consent_services import sign_consent, withdraw_consent
from clinic.consents import consent_history, held_consents


@login_required
def choose_consent(request, patient_pk):
    patient = get_patient_for(request.user, patient_pk)
    record_event(AuditAction.VIEW, patient, detail={"via": "sign consent"})
    documents = ConsentDocument.objects.published().order_by("purpose", "technique")
    return render(request, "clinic/consents/choose.html", {"patient": patient, "documents": documents})


@login_required
def sign_consent_page(request, patient_pk, document_pk):
    """The current published text and the signature pad; the patient signs, the signed-in clinician witnesses."""
    patient = get_patient_for(request.user, patient_pk)
    document = get_object_or_404(ConsentDocument, pk=document_pk)
    form = SignConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consent = sign_consent(
                patient=patient, document=document, signature=form.cleaned_data["signature"], witnessed_by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("%(consent)s consent signed.") % {"consent": consent.subject})
            return redirect(f"{patient.get_absolute_url()}#consents")
    record_event(AuditAction.VIEW, patient, detail={"via": "sign consent"})
    context = {"patient": patient, "document": document, "form": form}
    return render(request, "clinic/consents/sign.html", context)


@login_required
def withdraw_consent_page(request, patient_pk):
    patient = get_patient_for(request.user, patient_pk)
    form = WithdrawConsentForm(request.POST or None, held=held_consents(consent_history(patient)))
    if request.method == "POST" and form.is_valid():
        purpose, technique = form.withdrawn()
        try:
            withdrawal = withdraw_consent(
                patient=patient,
                purpose=purpose,
                technique=technique,
                reason=form.cleaned_data["reason"],
                recorded_by=request.user,
                signature=form.cleaned_data["signature"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("%(consent)s consent withdrawn.") % {"consent": withdrawal.subject})
            return redirect(f"{patient.get_absolute_url()}#consents")
    record_event(AuditAction.VIEW, patient, detail={"via": "withdraw consent"})
    return render(request, "clinic/consents/withdraw.html", {"patient": patient, "form": form})


@require_GET
@login_required
def signed_consent_pdf(request, pk):
    """The signed document as the patient signed it: clinicians only, every opening audited."""
    require_clinician(request.user)
    consent = get_object_or_404(SignedConsent, pk=pk)
    if not consent.pdf:
        raise Http404("This consent was recorded before signed consent existed: there is no signed document.")
    try:
        handle = consent.pdf.open("rb")
    except FileNotFoundError:
        raise Http404("The signed document is missing from storage.") from None
    record_event(AuditAction.VIEW, consent, detail={"patient": consent.patient_id})
    response = FileResponse(handle, content_type="application/pdf", filename=f"consent-{consent.pk}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response
