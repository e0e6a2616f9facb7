"""Checks on a session that warn the clinician without blocking the save."""

from django.utils.translation import gettext as _

from clinic.consents import has_treatment_consent
from clinic.formatting import local_date


def session_warnings(session, components):
    """Return one sentence per problem worth a second look before saving."""
    warnings = []
    day = session.performed_on
    if session.cartridge_expiry and session.cartridge_expiry < day:
        expired = {"date": local_date(session.cartridge_expiry)}
        if session.cartridge_lot:
            message = _("The needle cartridge (lot %(lot)s) expired on %(date)s, before this session.")
            warnings.append(message % {**expired, "lot": session.cartridge_lot})
        else:
            warnings.append(_("The needle cartridge expired on %(date)s, before this session.") % expired)
    for component in components:
        expiry = component.lot_expiry
        if expiry and expiry < day:
            warnings.append(
                _("%(product)s lot %(lot)s expired on %(date)s, before this session.")
                % {"product": component.product_name, "lot": component.lot_number, "date": local_date(expiry)}
            )
    return warnings


def consent_warnings(session):
    """The treatment consent the session's technique needs, if the patient had not signed it by the session's day
    (or had withdrawn it). Unlike the checks above, it reads the patient's consent records."""
    if not session.technique or has_treatment_consent(session.patient, session.technique, on=session.performed_on):
        return []
    return [
        _(
            "No signed treatment consent for %(technique)s on %(date)s: "
            "have the patient sign it (Sign consent, on their page) before treating."
        )
        % {"technique": session.get_technique_display(), "date": local_date(session.performed_on)}
    ]
