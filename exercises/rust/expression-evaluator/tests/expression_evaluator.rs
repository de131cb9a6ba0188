use expression_evaluator::{evaluate, EvalError};

#[test]
fn single_number() {
    assert_eq!(evaluate("42"), Ok(42));
    assert_eq!(evaluate("007"), Ok(7));
}

#[test]
fn precedence_of_multiplication_over_addition() {
    assert_eq!(evaluate("1 + 2 * 3"), Ok(7));
    assert_eq!(evaluate("(1 + 2) * 3"), Ok(9));
    assert_eq!(evaluate("2*3+4*5-6/2"), Ok(23));
}

#[test]
fn left_associativity() {
    assert_eq!(evaluate("10 - 2 - 3"), Ok(5));
    assert_eq!(evaluate("100 / 10 / 5"), Ok(2));
    assert_eq!(evaluate("100 % 7 % 3"), Ok(2));
    assert_eq!(evaluate("2 * 9 / 4"), Ok(4));
}

#[test]
fn power_is_right_associative_and_binds_tighter_than_unary_minus() {
    assert_eq!(evaluate("2 ^ 3 ^ 2"), Ok(512));
    assert_eq!(evaluate("-2 ^ 2"), Ok(-4));
    assert_eq!(evaluate("(-2) ^ 2"), Ok(4));
    assert_eq!(evaluate("(-2) ^ 3"), Ok(-8));
    assert_eq!(evaluate("2 ^ +3 * 2"), Ok(16));
    assert_eq!(evaluate("0 ^ 0"), Ok(1));
    assert_eq!(evaluate("0 ^ 2"), Ok(0));
}

#[test]
fn repeated_and_embedded_signs() {
    assert_eq!(evaluate("--3"), Ok(3));
    assert_eq!(evaluate("2 * -3"), Ok(-6));
    assert_eq!(evaluate("2 - -3"), Ok(5));
    assert_eq!(evaluate("-+-+4"), Ok(4));
    assert_eq!(evaluate("-(1 + 2) * 3"), Ok(-9));
}

#[test]
fn division_truncates_toward_zero_and_remainder_follows_dividend() {
    assert_eq!(evaluate("7 / -2"), Ok(-3));
    assert_eq!(evaluate("-7 / 2"), Ok(-3));
    assert_eq!(evaluate("-7 % 3"), Ok(-1));
    assert_eq!(evaluate("7 % -3"), Ok(1));
}

#[test]
fn whitespace_of_any_kind_is_ignored() {
    assert_eq!(evaluate(" \t1\n+\r\n2 \u{3000}* 3 "), Ok(7));
}

#[test]
fn empty_input() {
    assert_eq!(evaluate(""), Err(EvalError::Empty));
    assert_eq!(evaluate(" \n\t "), Err(EvalError::Empty));
}

#[test]
fn invalid_characters_report_char_positions() {
    assert_eq!(evaluate("1 $ 2"), Err(EvalError::UnexpectedChar { pos: 2, ch: '$' }));
    assert_eq!(evaluate("é + 1"), Err(EvalError::UnexpectedChar { pos: 0, ch: 'é' }));
    assert_eq!(evaluate("1 + ü + x"), Err(EvalError::UnexpectedChar { pos: 4, ch: 'ü' }));
    assert_eq!(evaluate("ßß + 1.5"), Err(EvalError::UnexpectedChar { pos: 0, ch: 'ß' }));
    assert_eq!(evaluate("12 + ３"), Err(EvalError::UnexpectedChar { pos: 5, ch: '３' }));
    // tokenizing the whole input comes before parsing it
    assert_eq!(evaluate(") + 2 @"), Err(EvalError::UnexpectedChar { pos: 6, ch: '@' }));
}

#[test]
fn misplaced_tokens() {
    assert_eq!(evaluate("2 3"), Err(EvalError::UnexpectedToken { pos: 2 }));
    assert_eq!(evaluate("1 +* 2"), Err(EvalError::UnexpectedToken { pos: 3 }));
    assert_eq!(evaluate("()"), Err(EvalError::UnexpectedToken { pos: 1 }));
    assert_eq!(evaluate(")"), Err(EvalError::UnexpectedToken { pos: 0 }));
    assert_eq!(evaluate("*2"), Err(EvalError::UnexpectedToken { pos: 0 }));
    assert_eq!(evaluate("(1 + 2))"), Err(EvalError::UnexpectedToken { pos: 7 }));
    assert_eq!(evaluate("2 (3)"), Err(EvalError::UnexpectedToken { pos: 2 }));
    assert_eq!(evaluate("ä+1 1"), Err(EvalError::UnexpectedChar { pos: 0, ch: 'ä' }));
    assert_eq!(evaluate("«1»"), Err(EvalError::UnexpectedChar { pos: 0, ch: '«' }));
    assert_eq!(evaluate("(é)"), Err(EvalError::UnexpectedChar { pos: 1, ch: 'é' }));
    assert_eq!(evaluate("ö"), Err(EvalError::UnexpectedChar { pos: 0, ch: 'ö' }));
}

#[test]
fn token_positions_count_chars_not_bytes() {
    // the whitespace before the misplaced token is multi-byte
    assert_eq!(evaluate("1\u{3000}\u{3000}2"), Err(EvalError::UnexpectedToken { pos: 3 }));
    assert_eq!(evaluate("(1)\u{a0}\u{a0})"), Err(EvalError::UnexpectedToken { pos: 5 }));
}

#[test]
fn running_out_of_input() {
    assert_eq!(evaluate("1 +"), Err(EvalError::UnexpectedEnd));
    assert_eq!(evaluate("(1 + 2"), Err(EvalError::UnexpectedEnd));
    assert_eq!(evaluate("-"), Err(EvalError::UnexpectedEnd));
    assert_eq!(evaluate("2 ^"), Err(EvalError::UnexpectedEnd));
    assert_eq!(evaluate("(((("), Err(EvalError::UnexpectedEnd));
}

#[test]
fn division_by_zero() {
    assert_eq!(evaluate("1 / 0"), Err(EvalError::DivisionByZero));
    assert_eq!(evaluate("5 % (3 - 3)"), Err(EvalError::DivisionByZero));
    assert_eq!(evaluate("0 / 5"), Ok(0));
}

#[test]
fn negative_exponent() {
    assert_eq!(evaluate("2 ^ -1"), Err(EvalError::NegativeExponent));
    assert_eq!(evaluate("2 ^ (0 - 1)"), Err(EvalError::NegativeExponent));
    assert_eq!(evaluate("2 ^ -3 ^ 2"), Err(EvalError::NegativeExponent));
}

#[test]
fn errors_are_reported_in_phase_and_evaluation_order() {
    assert_eq!(evaluate("(1 / 0) + 2 ^ -1"), Err(EvalError::DivisionByZero));
    assert_eq!(evaluate("2 ^ -1 + 1 / 0"), Err(EvalError::NegativeExponent));
    assert_eq!(evaluate("1 / 0 +"), Err(EvalError::UnexpectedEnd));
    assert_eq!(evaluate("99999999999999999999 )"), Err(EvalError::UnexpectedToken { pos: 21 }));
    assert_eq!(evaluate("2 ^ 64 / 0"), Err(EvalError::Overflow));
    assert_eq!(evaluate("1 / 0 * 99999999999999999999"), Err(EvalError::DivisionByZero));
}

#[test]
fn limits_of_i64() {
    assert_eq!(evaluate("9223372036854775807"), Ok(i64::MAX));
    assert_eq!(evaluate("9223372036854775808"), Err(EvalError::Overflow));
    assert_eq!(evaluate("-9223372036854775808"), Err(EvalError::Overflow));
    assert_eq!(evaluate("-9223372036854775807 - 1"), Ok(i64::MIN));
    assert_eq!(evaluate("9223372036854775807 + 1"), Err(EvalError::Overflow));
    assert_eq!(evaluate("-(-9223372036854775807 - 1)"), Err(EvalError::Overflow));
    assert_eq!(evaluate("(-9223372036854775807 - 1) / -1"), Err(EvalError::Overflow));
    assert_eq!(evaluate("(-9223372036854775807 - 1) % -1"), Err(EvalError::Overflow));
    assert_eq!(evaluate("4294967296 * 4294967296"), Err(EvalError::Overflow));
    assert_eq!(evaluate("00000000000000000000000000042"), Ok(42));
}

#[test]
fn large_powers() {
    assert_eq!(evaluate("2 ^ 62"), Ok(1 << 62));
    assert_eq!(evaluate("2 ^ 63"), Err(EvalError::Overflow));
    assert_eq!(evaluate("-2 ^ 63"), Err(EvalError::Overflow));
    assert_eq!(evaluate("(-2) ^ 63"), Ok(i64::MIN));
    assert_eq!(evaluate("3 ^ 39"), Ok(4052555153018976267));
    assert_eq!(evaluate("3 ^ 40"), Err(EvalError::Overflow));
    assert_eq!(evaluate("1 ^ 10000000000"), Ok(1));
    assert_eq!(evaluate("(-1) ^ 9999999999"), Ok(-1));
    assert_eq!(evaluate("0 ^ 9223372036854775807"), Ok(0));
    assert_eq!(evaluate("10 ^ 18"), Ok(1_000_000_000_000_000_000));
}

#[test]
fn deeply_nested_parentheses() {
    let expr = format!("{}1 + 1{}", "(".repeat(200), ")".repeat(200));
    assert_eq!(evaluate(&expr), Ok(2));
    let unclosed = format!("{}1", "(".repeat(200));
    assert_eq!(evaluate(&unclosed), Err(EvalError::UnexpectedEnd));
}
