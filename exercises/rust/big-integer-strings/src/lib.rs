use std::cmp::Ordering;

/// Errors of the big-integer operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BigError {
    /// An operand is not a valid integer; holds that operand exactly as given.
    InvalidNumber(String),
    /// The divisor of `divide` is zero.
    DivisionByZero,
}

pub fn add(a: &str, b: &str) -> Result<String, BigError> {
    todo!("{a} + {b}")
}

pub fn subtract(a: &str, b: &str) -> Result<String, BigError> {
    todo!("{a} - {b}")
}

pub fn multiply(a: &str, b: &str) -> Result<String, BigError> {
    todo!("{a} * {b}")
}

/// Returns `(quotient, remainder)`.
pub fn divide(a: &str, b: &str) -> Result<(String, String), BigError> {
    todo!("{a} / {b}")
}

pub fn compare(a: &str, b: &str) -> Result<Ordering, BigError> {
    todo!("compare {a} with {b}")
}
