from bisect import bisect_left, bisect_right
from datetime import date, datetime
from typing import Iterable

_MIN = date.min.toordinal()
_MAX = date.max.toordinal()


def _check_date(value, name):
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime.date, got {type(value).__name__}")


def _holiday_ordinals(holidays):
    # Ordinal 1 (0001-01-01) is a Monday, so weekday == (ordinal - 1) % 7.
    return sorted({d.toordinal() for d in holidays if (d.toordinal() - 1) % 7 < 5})


def _weekdays_upto(ordinal):
    """Number of Monday-Friday ordinals in 1..ordinal."""
    if ordinal <= 0:
        return 0
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def _count(lo, hi, hols):
    """Business days among ordinals lo..hi inclusive."""
    if hi < lo:
        return 0
    return _weekdays_upto(hi) - _weekdays_upto(lo - 1) - (bisect_right(hols, hi) - bisect_left(hols, lo))


def add_business_days(start: date, days: int, holidays: Iterable[date] = ()) -> date:
    _check_date(start, "start")
    if type(days) is not int:
        raise TypeError(f"days must be an int, got {type(days).__name__}")
    hols = _holiday_ordinals(holidays)
    s = start.toordinal()
    if days == 0:
        if _count(s, s, hols) == 1:
            return start
        days = 1
    n = abs(days)
    if days > 0:
        if _count(s + 1, _MAX, hols) < n:
            raise OverflowError("result after date.max")
        lo, hi = s + 1, _MAX
        while lo < hi:  # smallest ordinal with count(s+1, mid) >= n
            mid = (lo + hi) // 2
            if _count(s + 1, mid, hols) >= n:
                hi = mid
            else:
                lo = mid + 1
        return date.fromordinal(lo)
    if _count(_MIN, s - 1, hols) < n:
        raise OverflowError("result before date.min")
    lo, hi = _MIN, s - 1
    while lo < hi:  # largest ordinal with count(mid, s-1) >= n
        mid = (lo + hi + 1) // 2
        if _count(mid, s - 1, hols) >= n:
            lo = mid
        else:
            hi = mid - 1
    return date.fromordinal(lo)


def business_days_between(start: date, end: date, holidays: Iterable[date] = ()) -> int:
    _check_date(start, "start")
    _check_date(end, "end")
    hols = _holiday_ordinals(holidays)
    s, e = start.toordinal(), end.toordinal()
    if e >= s:
        return _count(s + 1, e, hols)
    return -_count(e, s - 1, hols)
