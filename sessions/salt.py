"""The SALT score (Severity of Alopecia Tool): the percentage of hair lost in four views of the scalp, each
weighted by the share of the scalp it shows.

Declared once: the assessment form's calculator (static/js/salt-calculator.js) reads the weights and the
messages from the page, which renders them from here.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from clinic.ranges import PhysicalRange

HAIR_LOSS_IN_VIEW = PhysicalRange(_("Hair loss in a view"), Decimal("0"), Decimal("100"), "%")
LOSS_FORMAT = gettext_noop(  # English; the calculator translates it
    "Enter a percentage with one decimal at most, such as 12.5."
)
_TENTH = Decimal("0.1")


@dataclass(frozen=True)
class SaltView:
    key: str
    label: str
    weight_percent: int  # the share of the scalp the view shows


SALT_VIEWS = (
    SaltView("top", _("Top (vertex)"), 40),
    SaltView("back", _("Back (posterior)"), 24),
    SaltView("left", _("Left side"), 18),
    SaltView("right", _("Right side"), 18),
)


def salt_score(losses):
    """The SALT score to one decimal, halves rounded up, from {view key: percentage of hair lost in that view}.

    Raises ValueError when a view is missing or a percentage is outside 0 to 100."""
    total = Decimal(0)
    for view in SALT_VIEWS:
        if view.key not in losses:
            raise ValueError(f"The hair loss in the {view.key} view is missing.")
        loss = Decimal(str(losses[view.key]))
        if not HAIR_LOSS_IN_VIEW.low <= loss <= HAIR_LOSS_IN_VIEW.high:
            raise ValueError(HAIR_LOSS_IN_VIEW.message)
        total += view.weight_percent * loss
    return (total / 100).quantize(_TENTH, rounding=ROUND_HALF_UP)
