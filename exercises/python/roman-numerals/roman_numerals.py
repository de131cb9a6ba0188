def to_roman(number: int) -> str:
    raise NotImplementedError("implement to_roman")


def from_roman(numeral: str) -> int:
    raise NotImplementedError("implement from_roman")
