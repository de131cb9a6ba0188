import pytest

from roman_numerals import from_roman, to_roman


@pytest.mark.parametrize(
    "number, expected",
    [
        (1, "I"),
        (3, "III"),
        (4, "IV"),
        (9, "IX"),
        (14, "XIV"),
        (40, "XL"),
        (90, "XC"),
        (400, "CD"),
        (944, "CMXLIV"),
        (1994, "MCMXCIV"),
        (2024, "MMXXIV"),
        (3999, "MMMCMXCIX"),
    ],
)
def test_to_roman(number, expected):
    assert to_roman(number) == expected


@pytest.mark.parametrize("number", [0, -1, 4000, 10_000])
def test_to_roman_rejects_out_of_range(number):
    with pytest.raises(ValueError):
        to_roman(number)


@pytest.mark.parametrize(
    "numeral, expected",
    [("I", 1), ("XLII", 42), ("XCIX", 99), ("DCCCLXXXVIII", 888), ("MMMCMXCIX", 3999)],
)
def test_from_roman(numeral, expected):
    assert from_roman(numeral) == expected


@pytest.mark.parametrize(
    "numeral",
    ["", "IIII", "VV", "IC", "XM", "MMMM", "iv", "X I", " X", "ABC", "IXI", "VX"],
)
def test_from_roman_rejects_non_canonical(numeral):
    with pytest.raises(ValueError):
        from_roman(numeral)


def test_round_trip_every_value():
    for n in range(1, 4000):
        assert from_roman(to_roman(n)) == n
