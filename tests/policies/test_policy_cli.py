import json
from datetime import datetime

import pytest

from policies.cli import policy_check

from tests.policies.builders import MSK


def test_one_result_per_line():
    lines = ["Завтра контрольная\n", "ну ты и сука\n", "мой тел 8 912 345 67 89"]
    out = list(policy_check(lines, "students_class", datetime(2024, 10, 16, 12, tzinfo=MSK)))
    assert out[0] == {"text": "Завтра контрольная", "action": "allow", "policy": None,
                      "reason": None}
    assert out[1]["policy"] == "obscene" and out[1]["action"] == "delete"
    assert out[2]["policy"] == "personal_data"
    for row in out:
        json.dumps(row, ensure_ascii=False)  # what the main CLI prints


def test_quiet_hours_follow_the_given_time():
    [row] = policy_check(["привет"], "students_class", datetime(2024, 10, 16, 23, tzinfo=MSK))
    assert row["policy"] == "quiet_hours"


def test_unknown_chat_type():
    with pytest.raises(ValueError, match="Неизвестный тип чата.*parents_class"):
        list(policy_check(["привет"], "chat"))
