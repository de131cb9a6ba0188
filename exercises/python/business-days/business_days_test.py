from datetime import date, datetime, timedelta

import pytest

from business_days import add_business_days, business_days_between

MON = date(2024, 5, 6)
TUE, WED, THU, FRI, SAT, SUN = (MON + timedelta(days=i) for i in range(1, 7))


@pytest.mark.parametrize(
    "start, days, expected",
    [
        (MON, 1, TUE),
        (MON, 4, FRI),
        (FRI, 1, MON + timedelta(days=7)),
        (SAT, 1, MON + timedelta(days=7)),
        (SUN, 1, MON + timedelta(days=7)),
        (MON, 5, MON + timedelta(days=7)),
        (WED, 10, WED + timedelta(days=14)),
        (MON, -1, FRI - timedelta(days=7)),
        (SUN, -1, FRI),
        (SAT, -5, MON),
        (WED, -3, FRI - timedelta(days=7)),
    ],
)
def test_add_without_holidays(start, days, expected):
    assert add_business_days(start, days) == expected


@pytest.mark.parametrize("start, expected", [(WED, WED), (SAT, MON + timedelta(days=7)), (SUN, MON + timedelta(days=7))])
def test_add_zero_days(start, expected):
    assert add_business_days(start, 0) == expected


def test_add_zero_days_on_a_holiday():
    assert add_business_days(WED, 0, [WED, THU]) == FRI


def test_holidays_are_skipped():
    christmas = [date(2024, 12, 25), date(2024, 12, 26)]
    assert add_business_days(date(2024, 12, 24), 1, christmas) == date(2024, 12, 27)
    assert add_business_days(date(2024, 12, 27), -1, christmas) == date(2024, 12, 24)
    assert add_business_days(date(2024, 12, 20), 5, christmas) == date(2024, 12, 31)


def test_weekend_and_duplicate_holidays_change_nothing():
    holidays = [SAT, SUN, SAT]
    assert add_business_days(FRI, 1, holidays) == MON + timedelta(days=7)
    assert add_business_days(MON, 2, [TUE, TUE]) == THU


def test_holidays_may_be_a_generator():
    holidays = (d for d in [TUE, WED])
    assert add_business_days(MON, 2, holidays) == FRI
    holidays = (d for d in [TUE, WED])
    assert business_days_between(MON, FRI, holidays) == 2


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (MON, MON, 0),
        (SAT, SAT, 0),
        (MON, FRI, 4),
        (FRI, MON + timedelta(days=7), 1),
        (SAT, SUN, 0),
        (FRI, SUN, 0),
        (date(2024, 5, 3), date(2024, 5, 10), 5),
        (date(2024, 5, 10), date(2024, 5, 3), -5),
        (FRI, MON, -4),
        (SUN, SAT, 0),
        (MON + timedelta(days=7), SAT, 0),
        (MON + timedelta(days=7), FRI, -1),
        (date(2024, 1, 1), date(2024, 12, 31), 261),
    ],
)
def test_between(start, end, expected):
    assert business_days_between(start, end) == expected


def test_between_with_holidays():
    holidays = [date(2024, 12, 25), date(2024, 12, 26), date(2025, 1, 1)]
    assert business_days_between(date(2024, 12, 20), date(2025, 1, 3), holidays) == 7
    assert business_days_between(date(2025, 1, 3), date(2024, 12, 20), holidays) == -7


def test_functions_are_inverse():
    holidays = [date(2024, 5, 9), date(2024, 5, 20), date(2024, 6, 3), date(2024, 6, 4)]
    for offset in range(21):
        start = date(2024, 5, 1) + timedelta(days=offset)
        for n in range(-40, 41):
            if n == 0:
                continue
            end = add_business_days(start, n, holidays)
            assert end.weekday() < 5 and end not in holidays
            assert business_days_between(start, end, holidays) == n, (start, n)


def test_matches_day_by_day_count():
    holidays = {date(2023, 1, 2), date(2023, 4, 7), date(2023, 12, 25), date(2024, 1, 1)}
    start = date(2022, 12, 28)
    expected = 0
    day = start
    while day < date(2024, 3, 1):
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            expected += 1
            if expected in (1, 17, 250, 300):
                assert add_business_days(start, expected, holidays) == day
        assert business_days_between(start, day, holidays) == expected


def test_very_large_spans():
    start = date(2000, 1, 3)  # a Monday
    assert add_business_days(start, 2_000_000) == start + timedelta(weeks=400_000)
    assert add_business_days(start, -500_000) == start - timedelta(weeks=100_000)
    holidays = [date(2001 + i, 7, 15) for i in range(1000)]
    weekday_holidays = sum(1 for d in holidays if d.weekday() < 5)
    end = add_business_days(start, 2_000_000, holidays)
    assert business_days_between(start, end, holidays) == 2_000_000
    assert business_days_between(start, start + timedelta(weeks=400_000), holidays) == 2_000_000 - weekday_holidays


def test_overflow():
    with pytest.raises(OverflowError):
        add_business_days(date(9999, 12, 30), 5)
    with pytest.raises(OverflowError):
        add_business_days(date(1, 1, 2), -5)


@pytest.mark.parametrize(
    "args",
    [
        (datetime(2024, 5, 6, 12, 0), 1),
        ("2024-05-06", 1),
        (MON, 1.0),
        (MON, True),
        (MON, "1"),
    ],
)
def test_add_rejects_bad_types(args):
    with pytest.raises(TypeError):
        add_business_days(*args)


def test_between_rejects_datetimes():
    with pytest.raises(TypeError):
        business_days_between(MON, datetime(2024, 5, 8))
    with pytest.raises(TypeError):
        business_days_between(datetime(2024, 5, 8), MON)
