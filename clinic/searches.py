"""Patient searches kept out of addresses: a name typed in the search box would otherwise sit in the browser's
history and in every address copied or sent on. The term is posted, kept in the user's own session, and the
list's address carries a random token for it (pages and sorts keep the token)."""

import secrets

SEARCHES = "_patient_searches"
KEPT = 20  # the user's latest searches: older tokens lead back to the whole list


def remember(session, term):
    """A token for the term (the same token for a term searched again)."""
    searches = session.get(SEARCHES, {})
    token = next((token for token, kept in searches.items() if kept == term), None) or secrets.token_urlsafe(9)
    searches.pop(token, None)
    searches[token] = term
    session[SEARCHES] = dict(list(searches.items())[-KEPT:])
    return token


def recall(session, token):
    return session.get(SEARCHES, {}).get(token, "") if token else ""
