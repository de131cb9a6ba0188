class ExpressionError(ValueError):
    """Raised when an expression is malformed."""


def evaluate(expression: str) -> "int | float":
    raise NotImplementedError("implement evaluate")
