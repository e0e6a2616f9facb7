"""Pure checks on a session that warn the clinician without blocking the save."""


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
