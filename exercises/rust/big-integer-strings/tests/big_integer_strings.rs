use big_integer_strings::{add, compare, divide, multiply, subtract, BigError};
use std::cmp::Ordering;

fn ok(s: &str) -> Result<String, BigError> {
    Ok(s.to_string())
}

fn invalid(s: &str) -> BigError {
    BigError::InvalidNumber(s.to_string())
}

#[test]
fn add_small_numbers() {
    assert_eq!(add("2", "3"), ok("5"));
    assert_eq!(add("999", "1"), ok("1000"));
    assert_eq!(add("0", "0"), ok("0"));
}

#[test]
fn add_with_signs() {
    assert_eq!(add("-5", "3"), ok("-2"));
    assert_eq!(add("5", "-3"), ok("2"));
    assert_eq!(add("-5", "-3"), ok("-8"));
    assert_eq!(add("+007", "-7"), ok("0"));
    assert_eq!(add("-1000", "1"), ok("-999"));
}

#[test]
fn output_is_canonical() {
    assert_eq!(add("-0", "0"), ok("0"));
    assert_eq!(add("+0000", "-000"), ok("0"));
    assert_eq!(add("000123", "+0"), ok("123"));
    assert_eq!(subtract("-0050", "-0050"), ok("0"));
    assert_eq!(multiply("-0", "5"), ok("0"));
    assert_eq!(multiply("-12", "0"), ok("0"));
}

#[test]
fn add_beyond_u128() {
    assert_eq!(
        add("115792089237316195423570985008687907853269984665640564039457584007913129639935", "1"),
        ok("115792089237316195423570985008687907853269984665640564039457584007913129639936")
    );
    assert_eq!(
        add("-115792089237316195423570985008687907853269984665640564039457584007913129639936", "115792089237316195423570985008687907853269984665640564039457584007913129639935"),
        ok("-1")
    );
}

#[test]
fn subtract_numbers() {
    assert_eq!(subtract("1000", "1"), ok("999"));
    assert_eq!(subtract("1", "1000"), ok("-999"));
    assert_eq!(subtract("-1", "-1000"), ok("999"));
    assert_eq!(subtract("10000000000000000000000000000", "1"), ok("9999999999999999999999999999"));
    assert_eq!(subtract("-99999999999999999999", "1"), ok("-100000000000000000000"));
}

#[test]
fn multiply_with_sign_rules() {
    assert_eq!(multiply("6", "7"), ok("42"));
    assert_eq!(multiply("-6", "7"), ok("-42"));
    assert_eq!(multiply("6", "-7"), ok("-42"));
    assert_eq!(multiply("-6", "-7"), ok("42"));
    assert_eq!(multiply("123456789", "-1000"), ok("-123456789000"));
}

#[test]
fn multiply_large_numbers() {
    let nines = "9".repeat(120);
    let pattern = "123456789".repeat(9);
    assert_eq!(
        multiply(&nines, &pattern),
        ok("123456789123456789123456789123456789123456789123456789123456789123456789123456788999999999999999999999999999999999999999876543210876543210876543210876543210876543210876543210876543210876543210876543211")
    );
}

#[test]
fn factorial_of_sixty_by_repeated_multiplication() {
    let mut acc = "1".to_string();
    for i in 2..=60 {
        acc = multiply(&acc, &i.to_string()).unwrap();
    }
    assert_eq!(acc, "8320987112741390144276341183223364380754172606361245952449277696409600000000000000");
}

#[test]
fn divide_truncates_toward_zero() {
    let pair = |q: &str, r: &str| Ok((q.to_string(), r.to_string()));
    assert_eq!(divide("7", "2"), pair("3", "1"));
    assert_eq!(divide("-7", "2"), pair("-3", "-1"));
    assert_eq!(divide("7", "-2"), pair("-3", "1"));
    assert_eq!(divide("-7", "-2"), pair("3", "-1"));
    assert_eq!(divide("-6", "3"), pair("-2", "0"));
    assert_eq!(divide("3", "-7"), pair("0", "3"));
    assert_eq!(divide("-3", "7"), pair("0", "-3"));
    assert_eq!(divide("0", "-5"), pair("0", "0"));
    assert_eq!(divide("+100", "0010"), pair("10", "0"));
}

#[test]
fn divide_large_numbers() {
    assert_eq!(
        divide(
            "-2582249878086908589655919172003011874329705792829223512830659356540647622016841194629645353280137831435903171972747505721",
            "515377520732011331036461129765621272702107522001"
        ),
        Ok((
            "-5010404556293483040106943769070728625229091929459397282198193996505089954".to_string(),
            "-400255949175689384256581143336338121986208427767".to_string()
        ))
    );
}

#[test]
fn divide_thousands_of_digits() {
    // (10^2000 + 7)^2 + 5 divided by -(10^2000 + 7)
    let base = format!("1{}7", "0".repeat(1999));
    let square = multiply(&base, &base).unwrap();
    let dividend = add(&square, "5").unwrap();
    let divisor = format!("-{base}");
    assert_eq!(divide(&dividend, &divisor), Ok((format!("-{base}"), "5".to_string())));
    let (q, r) = divide(&dividend, "-3").unwrap();
    assert_eq!(add(&multiply(&q, "-3").unwrap(), &r).unwrap(), dividend);
    assert_eq!(r, "0");
}

#[test]
fn division_by_zero() {
    assert_eq!(divide("5", "0"), Err(BigError::DivisionByZero));
    assert_eq!(divide("5", "-000"), Err(BigError::DivisionByZero));
    assert_eq!(divide("0", "+0"), Err(BigError::DivisionByZero));
}

#[test]
fn compare_numbers() {
    assert_eq!(compare("-10", "-9"), Ok(Ordering::Less));
    assert_eq!(compare("-0", "+000"), Ok(Ordering::Equal));
    assert_eq!(compare("0010", "10"), Ok(Ordering::Equal));
    assert_eq!(compare("100", "99"), Ok(Ordering::Greater));
    assert_eq!(compare("-1", "0"), Ok(Ordering::Less));
    assert_eq!(compare("123456789012345678901234567890", "123456789012345678901234567891"), Ok(Ordering::Less));
    assert_eq!(compare("-123456789012345678901234567890", "-123456789012345678901234567891"), Ok(Ordering::Greater));
}

#[test]
fn invalid_operands_are_reported_verbatim() {
    for bad in ["", "-", "+", "+-1", "--1", " 1", "1 ", "1_000", "1e5", "0x1F", "3.0", "٣", "１２", "12a"] {
        assert_eq!(add(bad, "1"), Err(invalid(bad)), "operand {bad:?}");
        assert_eq!(compare("1", bad), Err(invalid(bad)), "operand {bad:?}");
    }
}

#[test]
fn first_invalid_operand_is_reported() {
    assert_eq!(subtract("one", "two"), Err(invalid("one")));
    assert_eq!(multiply("7", "seven"), Err(invalid("seven")));
    assert_eq!(divide("x", "0"), Err(invalid("x")));
    assert_eq!(divide("0", "-"), Err(invalid("-")));
}
