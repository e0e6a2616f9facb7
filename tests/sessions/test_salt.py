"""The SALT score from the hair loss in the four views: top 40 %, back 24 %, each side 18 %."""

from decimal import Decimal

import pytest

from sessions.salt import SALT_VIEWS, salt_score

RANGE = "Hair loss in a view must be between 0 and 100 %."


def losses(top=0, back=0, left=0, right=0):
    return {"top": top, "back": back, "left": left, "right": right}


def test_the_four_views_cover_the_whole_scalp():
    assert [(view.key, view.weight_percent) for view in SALT_VIEWS] == [
        ("top", 40),
        ("back", 24),
        ("left", 18),
        ("right", 18),
    ]
    assert sum(view.weight_percent for view in SALT_VIEWS) == 100


@pytest.mark.parametrize(
    "loss, expected",
    [
        (losses(), "0.0"),
        (losses(100, 100, 100, 100), "100.0"),
        (losses(top=100), "40.0"),
        (losses(back=100), "24.0"),
        (losses(left=100), "18.0"),
        (losses(right=100), "18.0"),
        (losses(33, 17, 5, 0), "18.2"),  # 13.2 + 4.08 + 0.9 = 18.18
        (losses("12.5", "80.3", "0.1", "99.9"), "42.3"),  # 5 + 19.272 + 0.018 + 17.982 = 42.272
    ],
)
def test_it_weights_each_view_by_its_share_of_the_scalp(loss, expected):
    assert salt_score(loss) == Decimal(expected)


def test_a_half_tenth_is_rounded_up():
    assert salt_score(losses(left="2.5")) == Decimal("0.5")  # 0.45, not 0.4 as halves-to-even would give
    assert salt_score(losses(back="0.5", right="0.5")) == Decimal("0.2")  # 0.12 + 0.09 = 0.21


@pytest.mark.parametrize("typed", ["0", "100", "100.0", "0.0"])
def test_the_bounds_are_accepted(typed):
    assert salt_score(losses(top=typed)) == Decimal(typed) * Decimal("0.4")


@pytest.mark.parametrize("typed", ["-0.1", "100.1", "-100", "250"])
def test_a_loss_outside_0_to_100_is_refused(typed):
    with pytest.raises(ValueError, match=RANGE):
        salt_score(losses(back=typed))


def test_every_view_is_needed():
    with pytest.raises(ValueError, match="right"):
        salt_score({"top": 10, "back": 10, "left": 10})
