_VALUES = [
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
]

_SINGLE = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def to_roman(number: int) -> str:
    if not 1 <= number <= 3999:
        raise ValueError(f"number out of range 1..3999: {number}")
    parts = []
    for value, symbol in _VALUES:
        count, number = divmod(number, value)
        parts.append(symbol * count)
    return "".join(parts)


def from_roman(numeral: str) -> int:
    if not isinstance(numeral, str) or not numeral:
        raise ValueError("empty numeral")
    total = 0
    for i, ch in enumerate(numeral):
        if ch not in _SINGLE:
            raise ValueError(f"invalid character {ch!r}")
        value = _SINGLE[ch]
        if i + 1 < len(numeral) and numeral[i + 1] in _SINGLE and _SINGLE[numeral[i + 1]] > value:
            total -= value
        else:
            total += value
    if not 1 <= total <= 3999 or to_roman(total) != numeral:
        raise ValueError(f"not a canonical numeral: {numeral!r}")
    return total
