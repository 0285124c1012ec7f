from datetime import datetime, timedelta, timezone

import pytest

from policies.base import Action
from policies.escalation import DEFAULT_LADDER, Step, active, next_sanction

NOW = datetime(2024, 10, 16, 12, tzinfo=timezone.utc)
TTL = timedelta(days=30)


@pytest.mark.parametrize("strikes, step", [
    (0, Step(Action.WARN)),
    (1, Step(Action.MUTE, timedelta(hours=1))),
    (2, Step(Action.MUTE, timedelta(hours=24))),
    (3, Step(Action.KICK, alert=True)),
    (9, Step(Action.KICK, alert=True)),  # the top of the ladder repeats
])
def test_default_ladder(strikes, step):
    assert next_sanction(strikes, DEFAULT_LADDER) == step


def test_custom_ladder():
    ladder = (Step(Action.WARN), Step(Action.KICK, alert=True))
    assert next_sanction(1, ladder).action is Action.KICK
    with pytest.raises(ValueError):
        next_sanction(0, ())


def test_strikes_expire():
    strikes = [NOW - timedelta(days=31), NOW - timedelta(days=29), NOW - timedelta(hours=1)]
    assert active(strikes, NOW, TTL) == 2
    assert active(strikes, NOW + timedelta(days=30), TTL) == 0
    assert next_sanction(active(strikes, NOW, TTL)).action is Action.MUTE
