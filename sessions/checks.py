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
        lot = component.lot
        if lot and lot.expiry_date and lot.expiry_date < day:
            warnings.append(
                f"{lot.product.name} lot {lot.number} expired on {lot.expiry_date:%Y-%m-%d}, before this session."
            )
    return warnings
