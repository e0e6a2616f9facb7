"""Voiding a clinical record: it stays in the history with who, when and why."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import record_event
from sessions.access import get_assessment_for, get_delayed_event_for, get_photo_for, get_session_for
from sessions.forms import VoidForm
from sessions.services import (
    void_record,
)


@login_required
def void_session_view(request, pk):
    session = get_session_for(request.user, pk)
    return _void_page(request, session, session=session, done=session.patient.get_absolute_url())


@login_required
def void_photo_view(request, pk):
    photo = get_photo_for(request.user, pk)
    return _void_page(request, photo, session=photo.session, done=photo.session.get_absolute_url())


@login_required
def void_assessment_view(request, pk):
    assessment = get_assessment_for(request.user, pk)
    outcomes = f"{assessment.patient.get_absolute_url()}#outcomes"
    return _void_page(request, assessment, session=assessment.session, done=outcomes, back=outcomes)


def _void_page(request, record, *, session, done, back=None):
    back = back or session.get_absolute_url()
    if record.is_voided:
        messages.info(request, _("This record was already voided."))
        return redirect(back)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            void_record(record=record, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            voided = _("%(record)s voided; it stays in the history.") % {"record": record._meta.verbose_name}
            messages.success(request, capfirst(voided))
            return redirect(done)
    record_event(AuditAction.VIEW, record, detail={"via": "void"})
    context = {"form": form, "record": record, "session": session, "kind": record._meta.verbose_name, "back": back}
    return render(request, "sessions/void.html", context)


@login_required
def void_delayed_event_view(request, pk):
    event = get_delayed_event_for(request.user, pk)
    return _void_page(request, event, session=event.session, done=f"{event.session.get_absolute_url()}#delayed-events")
