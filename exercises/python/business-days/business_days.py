from datetime import date
from typing import Iterable


def add_business_days(start: date, days: int, holidays: Iterable[date] = ()) -> date:
    raise NotImplementedError("implement add_business_days")


def business_days_between(start: date, end: date, holidays: Iterable[date] = ()) -> int:
    raise NotImplementedError("implement business_days_between")
