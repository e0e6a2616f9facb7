"""Hostile and malformed inputs shared by the tests under tests/hostile.

Every XSS payload carries a marker ({m}) so a test can find where the value is shown;
each test substitutes a marker unique to the payload and the field.
"""

import json
import re
from dataclasses import dataclass, field

from django.utils.html import escape

# --- Cross-site scripting -------------------------------------------------------------------


@dataclass(frozen=True)
class Xss:
    id: str
    template: str
    # Raw fragments that would run if the value reached the page unescaped ({m} = marker).
    dangers: tuple[str, ...] = field(default=())

    def value(self, marker):
        return self.template.format(m=marker)

    def dangerous_fragments(self, marker):
        return [danger.format(m=marker) for danger in self.dangers]


# All at most 40 characters with a 10-character marker: the phone field holds 40.
XSS_PAYLOADS = [
    Xss("script", "<script>alert('{m}')</script>", ("<script>alert(",)),
    Xss("img-onerror", "\"><img src=x onerror=alert('{m}')>", ("<img src=x onerror",)),
    Xss("javascript-url", "javascript:alert('{m}')"),
    Xss("svg-onload", "<svg/onload=alert('{m}')>", ("<svg/onload",)),
    # Template injection: shown literally, never evaluated (49) nor run ({% debug %} would dump the context).
    Xss("template-injection", "{{{{ 7*7 }}}}{{% debug %}}{m}"),
    Xss("textarea-breakout", "</textarea><b>{m}</b>", ("</textarea><b>", "<b>{m}")),
]

# A javascript: URL is harmless as text; it must never end up in a link, source or form target.
JAVASCRIPT_IN_ATTRIBUTE = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def json_escaped(value):
    """How a value shows inside a JSON field rendered by the admin (escaped JSON text)."""
    return escape(json.dumps(value, ensure_ascii=False)[1:-1])


def assert_escaped(body, payload, marker, *, shown=True, where=""):
    """The value typed with `payload` is never in the page as markup; if `shown`, it is there as text."""
    value = payload.value(marker)
    context = f"{payload.id} [{marker}] on {where}"
    if escape(value) != value:
        assert value not in body, f"raw payload in page: {context}"
    for fragment in payload.dangerous_fragments(marker):
        assert fragment not in body, f"unescaped {fragment!r}: {context}"
    assert not JAVASCRIPT_IN_ATTRIBUTE.search(body), f"javascript: URL in an attribute: {context}"
    if shown:
        assert escape(value) in body or json_escaped(value) in body, f"value not shown (escaped): {context}"


# --- SQL metacharacters ----------------------------------------------------------------------

NUL = "\x00"

SQL_PAYLOADS = {
    "or-1-equals-1": "' OR 1=1 --",
    "drop-table": '"; DROP TABLE clinic_patient; --',
    "percent": "%",
    "underscore": "_",
    "backslash": "\\",
    "nul": NUL,
}

# --- Numbers --------------------------------------------------------------------------------

LONG_DIGITS = "9" * 5000  # more digits than Python's int() accepts (4300)

NUMERIC_GARBAGE = {
    "negative": "-1",
    "overflow-exponent": "1e309",
    "nan": "NaN",
    "infinity": "Infinity",
    "hex": "0x10",
    "full-width-12": "１２",
    "empty": "",
    "blank": "  ",
    "5000-digits": LONG_DIGITS,
}

# --- Sizes ----------------------------------------------------------------------------------

HUNDRED_KB = "x" * (100 * 1024)
TEN_MB = "y" * (10 * 1024 * 1024)
