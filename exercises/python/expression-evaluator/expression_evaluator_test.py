import pytest

from expression_evaluator import ExpressionError, evaluate


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("42", 42),
        ("007", 7),
        ("1 + 2", 3),
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 - 4 - 3", 3),
        ("8 / 4 / 2", 1),
        ("2 * 3 + 4 * 5", 26),
        ("2 ^ 10", 1024),
        ("2 ^ 3 ^ 2", 512),
        ("(2 ^ 3) ^ 2", 64),
        ("((((5))))", 5),
        ("\t1\n+\n2 ", 3),
    ],
)
def test_integer_results(expression, expected):
    result = evaluate(expression)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("-3", -3),
        ("--3", 3),
        ("+3", 3),
        ("-+-3", 3),
        ("2 * -3", -6),
        ("2 - -3", 5),
        ("-(2 + 3)", -5),
        ("-2 ^ 2", -4),
        ("(-2) ^ 2", 4),
        ("-2 ^ 3", -8),
        ("2 ^ -2 ^ 2", 0.0625),
    ],
)
def test_unary_operators(expression, expected):
    assert evaluate(expression) == expected


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("7 / 2", 3.5),
        ("1 / 3", 1 / 3),
        ("2 ^ -1", 0.5),
        ("0.1 + 0.2", 0.3),
        ("3.25 * 2", 6.5),
        ("1 - 0.9", 0.1),
    ],
)
def test_fractional_results(expression, expected):
    result = evaluate(expression)
    assert result == expected
    assert type(result) is float


@pytest.mark.parametrize("expression, expected", [("1/3*3", 1), ("2.5 * 2", 5), ("0.1 * 10", 1), ("7/7", 1)])
def test_exact_arithmetic_gives_whole_numbers(expression, expected):
    result = evaluate(expression)
    assert result == expected
    assert type(result) is int


def test_zero_to_the_zero_is_one():
    assert evaluate("0 ^ 0") == 1


def test_large_numbers_are_exact():
    assert evaluate("2 ^ 100 + 1") == 2**100 + 1
    assert evaluate("99999999999999999999 * 99999999999999999999") == 99999999999999999999**2


def test_long_expression():
    expression = " + ".join(str(i) for i in range(1, 2001))
    assert evaluate(expression) == 2000 * 2001 // 2


@pytest.mark.parametrize("expression", ["1 / 0", "1 / (2 - 2)", "0 ^ -1", "5 / 0.0"])
def test_division_by_zero(expression):
    with pytest.raises(ZeroDivisionError):
        evaluate(expression)


@pytest.mark.parametrize(
    "expression",
    [
        "",
        "   ",
        "1 +",
        "* 2",
        "1 + * 2",
        "()",
        "(1 + 2",
        "1 + 2)",
        ")(",
        "2 3",
        "2(3)",
        "(1)(2)",
        "1.",
        ".5",
        "1.2.3",
        "1 2",
        "2 % 3",
        "x + 1",
        "4 ^ 0.5",
        "1 ^",
        "١ + 1",
    ],
)
def test_malformed_expressions(expression):
    with pytest.raises(ExpressionError):
        evaluate(expression)
