import pytest

from bot.domain.roster_file import parse_roster
from bot.domain.samples import feminine_surname, make_sample_csv, make_sample_xlsx


@pytest.mark.parametrize(
    ("male", "female"),
    [("Иванов", "Иванова"), ("Соловьёв", "Соловьёва"), ("Ильин", "Ильина"), ("Троицкий", "Троицкая"),
     ("Покровский", "Покровская"), ("Черных", "Черных"), ("Шевченко", "Шевченко")],
)
def test_feminine_surname(male, female):
    assert feminine_surname(male) == female


def test_sample_csv_is_deterministic_and_clean():
    data = make_sample_csv(300, 200, seed=3, n_staff=12)
    assert data == make_sample_csv(300, 200, seed=3, n_staff=12)
    assert data != make_sample_csv(300, 200, seed=4, n_staff=12)
    parsed = parse_roster(data)
    assert parsed.ok, parsed.problems[:3]
    assert (len(parsed.students), len(parsed.parents), len(parsed.staff)) == (300, 200, 12)
    assert len({s.class_name for s in parsed.students}) == 33  # 1А..11В
    assert all(p.child_class is not None for p in parsed.parents)
    assert {s.mode for s in parsed.students} >= {"regular", "homeschool"}


def test_sample_xlsx_has_three_sheets():
    parsed = parse_roster(make_sample_xlsx(50, 40, seed=1, n_staff=5), "sample.xlsx")
    assert parsed.ok
    assert {s.sheet for s in parsed.students} == {"Ученики"}
    assert (len(parsed.students), len(parsed.parents), len(parsed.staff)) == (50, 40, 5)


def test_too_many_parents():
    with pytest.raises(ValueError):
        make_sample_csv(1, 3, seed=1)
