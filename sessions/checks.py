"""Checks on a session that warn the clinician without blocking the save."""

from clinic.consents import has_treatment_consent


def session_warnings(session, components):
    """Return one sentence per problem worth a second look before saving."""
    warnings = []
    day = session.performed_on
    if session.cartridge_expiry and session.cartridge_expiry < day:
        lot = f" (lot {session.cartridge_lot})" if session.cartridge_lot else ""
        warnings.append(
            f"The needle cartridge{lot} expired on {session.cartridge_expiry:%Y-%m-%d}, before this session."
        )
    for component in components:
        expiry = component.lot_expiry
        if expiry and expiry < day:
            lot = f"{component.product_name} lot {component.lot_number}"
            warnings.append(f"{lot} expired on {expiry:%Y-%m-%d}, before this session.")
    return warnings


def consent_warnings(session):
    """The treatment consent the session's technique needs, if the patient had not signed it by the session's day
    (or had withdrawn it). Unlike the checks above, it reads the patient's consent records."""
    if not session.technique or has_treatment_consent(session.patient, session.technique, on=session.performed_on):
        return []
    return [
        f"No signed treatment consent for {session.get_technique_display()} on {session.performed_on:%Y-%m-%d}: "
        "have the patient sign it (Sign consent, on their page) before treating."
    ]
