from fractions import Fraction


class ExpressionError(ValueError):
    """Raised when an expression is malformed."""


_OPERATORS = set("+-*/^()")


def _tokenize(text):
    tokens = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in " \t\r\n":
            i += 1
        elif ch in _OPERATORS:
            tokens.append(ch)
            i += 1
        elif ch.isascii() and ch.isdigit():
            start = i
            while i < n and text[i].isascii() and text[i].isdigit():
                i += 1
            if i < n and text[i] == ".":
                i += 1
                frac_start = i
                while i < n and text[i].isascii() and text[i].isdigit():
                    i += 1
                if i == frac_start:
                    raise ExpressionError(f"malformed number at position {start}")
            if i < n and text[i] == ".":
                raise ExpressionError(f"malformed number at position {start}")
            tokens.append(Fraction(text[start:i]))
        else:
            raise ExpressionError(f"unexpected character {ch!r} at position {i}")
    return tokens


class _Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.pos = 0

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self):
        tok = self.peek()
        self.pos += 1
        return tok

    def parse(self):
        if not self.tokens:
            raise ExpressionError("empty expression")
        value = self.sum()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected token {self.peek()!r}")
        return value

    def sum(self):
        value = self.product()
        while self.peek() in ("+", "-"):
            op = self.take()
            rhs = self.product()
            value = value + rhs if op == "+" else value - rhs
        return value

    def product(self):
        value = self.unary()
        while self.peek() in ("*", "/"):
            op = self.take()
            rhs = self.unary()
            if op == "*":
                value = value * rhs
            else:
                if rhs == 0:
                    raise ZeroDivisionError("division by zero")
                value = value / rhs
        return value

    def unary(self):
        tok = self.peek()
        if tok == "-":
            self.take()
            return -self.unary()
        if tok == "+":
            self.take()
            return self.unary()
        return self.power()

    def power(self):
        base = self.atom()
        if self.peek() == "^":
            self.take()
            exponent = self.unary()  # right-associative, may carry unary signs
            if exponent.denominator != 1:
                raise ExpressionError("exponent must be an integer")
            if base == 0 and exponent < 0:
                raise ZeroDivisionError("zero raised to a negative power")
            return base ** int(exponent)
        return base

    def atom(self):
        tok = self.take()
        if isinstance(tok, Fraction):
            return tok
        if tok == "(":
            value = self.sum()
            if self.take() != ")":
                raise ExpressionError("missing closing parenthesis")
            return value
        if tok is None:
            raise ExpressionError("unexpected end of expression")
        raise ExpressionError(f"unexpected token {tok!r}")


def evaluate(expression: str) -> "int | float":
    result = _Parser(_tokenize(expression)).parse()
    if result.denominator == 1:
        return int(result)
    return float(result)
