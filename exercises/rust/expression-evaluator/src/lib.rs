/// Everything that can go wrong while evaluating an expression.
/// Positions are 0-based indexes counted in `char`s, not bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    Empty,
    UnexpectedChar { pos: usize, ch: char },
    UnexpectedToken { pos: usize },
    UnexpectedEnd,
    DivisionByZero,
    NegativeExponent,
    Overflow,
}

/// Evaluates an integer arithmetic expression.
pub fn evaluate(expr: &str) -> Result<i64, EvalError> {
    todo!("evaluate {expr:?}")
}
