import pytest

from bot.domain.classes import ClassName, parse_class
from bot.domain.promotion import PromotionError, plan_promotion


def cls(*names: str) -> list[ClassName]:
    return [parse_class(n, max_grade=12) for n in names]


def apply(pairs, existing):
    """Rename in order; every step must land on a free name."""
    classes = set(existing)
    for old, new in pairs:
        classes.remove(old)
        if new is not None:
            assert new not in classes, f"{old}→{new} collides"
            classes.add(new)
    return classes


@pytest.mark.parametrize(
    ("names", "last_grade", "expected"),
    [
        (["10А", "11А", "9А"], 11, [("11А", None), ("10А", "11А"), ("9А", "10А")]),
        (["1А", "1Б", "2А"], 11, [("2А", "3А"), ("1А", "2А"), ("1Б", "2Б")]),
        (["9А", "8А"], 9, [("9А", None), ("8А", "9А")]),
        (["12А", "11А"], 12, [("12А", None), ("11А", "12А")]),
        (["12А", "11А"], 11, [("12А", None), ("11А", None)]),  # above the last grade graduates too
        ([], 11, []),
    ],
)
def test_plan_promotion_top_down(names, last_grade, expected):
    pairs = plan_promotion(cls(*names), last_grade)
    assert [(str(o), n and str(n)) for o, n in pairs] == [(o, n) for o, n in expected]
    apply(pairs, cls(*names))


def test_whole_school_promotes_without_collisions():
    school = [ClassName(g, letter) for g in range(1, 12) for letter in "АБВ"]
    pairs = plan_promotion(school)
    after = apply(pairs, school)
    assert after == {ClassName(g, letter) for g in range(2, 12) for letter in "АБВ"}


@pytest.mark.parametrize(
    ("names", "staying", "fragment"),
    [
        (["4А"], ["5А"], "Нельзя перевести 4А в 5А"),
        (["4А", "4А"], [], "Класс 4А указан дважды"),
    ],
)
def test_plan_promotion_collisions(names, staying, fragment):
    with pytest.raises(PromotionError) as info:
        plan_promotion(cls(*names), staying=cls(*staying))
    assert fragment in info.value.message


def test_staying_class_is_not_moved():
    pairs = plan_promotion(cls("4А", "5Б"), staying=cls("5Б"))
    assert pairs == [(ClassName(4, "А"), ClassName(5, "А"))]
