use std::cmp::Ordering;

/// Errors of the big-integer operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BigError {
    /// An operand is not a valid integer; holds that operand exactly as given.
    InvalidNumber(String),
    /// The divisor of `divide` is zero.
    DivisionByZero,
}

/// Sign and magnitude; the magnitude is little-endian decimal digits without
/// high zeros (zero is the empty vector and is never negative).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Big {
    negative: bool,
    digits: Vec<u8>,
}

impl Big {
    fn parse(s: &str) -> Result<Big, BigError> {
        let invalid = || BigError::InvalidNumber(s.to_string());
        let (negative, body) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        let digits: Vec<u8> = body.bytes().rev().map(|b| b - b'0').collect();
        Ok(Big::new(negative, digits))
    }

    fn new(negative: bool, mut digits: Vec<u8>) -> Big {
        while digits.last() == Some(&0) {
            digits.pop();
        }
        let negative = negative && !digits.is_empty();
        Big { negative, digits }
    }

    fn render(&self) -> String {
        if self.digits.is_empty() {
            return "0".to_string();
        }
        let mut out = String::with_capacity(self.digits.len() + 1);
        if self.negative {
            out.push('-');
        }
        out.extend(self.digits.iter().rev().map(|&d| char::from(b'0' + d)));
        out
    }
}

fn cmp_mag(a: &[u8], b: &[u8]) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.iter().rev().cmp(b.iter().rev()))
}

fn add_mag(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(a.len().max(b.len()) + 1);
    let mut carry = 0u8;
    for i in 0..a.len().max(b.len()) {
        let s = a.get(i).copied().unwrap_or(0) + b.get(i).copied().unwrap_or(0) + carry;
        out.push(s % 10);
        carry = s / 10;
    }
    if carry > 0 {
        out.push(carry);
    }
    out
}

/// `a - b` for `|a| >= |b|`.
fn sub_mag(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(a.len());
    let mut borrow = 0i8;
    for (i, &x) in a.iter().enumerate() {
        let mut d = x as i8 - borrow - b.get(i).copied().unwrap_or(0) as i8;
        borrow = 0;
        if d < 0 {
            d += 10;
            borrow = 1;
        }
        out.push(d as u8);
    }
    while out.last() == Some(&0) {
        out.pop();
    }
    out
}

fn add_big(a: &Big, b: &Big) -> Big {
    if a.negative == b.negative {
        return Big::new(a.negative, add_mag(&a.digits, &b.digits));
    }
    match cmp_mag(&a.digits, &b.digits) {
        Ordering::Less => Big::new(b.negative, sub_mag(&b.digits, &a.digits)),
        _ => Big::new(a.negative, sub_mag(&a.digits, &b.digits)),
    }
}

fn mul_mag(a: &[u8], b: &[u8]) -> Vec<u8> {
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    let mut acc = vec![0u64; a.len() + b.len()];
    for (i, &x) in a.iter().enumerate() {
        for (j, &y) in b.iter().enumerate() {
            acc[i + j] += u64::from(x) * u64::from(y);
        }
    }
    let mut out = Vec::with_capacity(acc.len());
    let mut carry = 0u64;
    for v in acc {
        let s = v + carry;
        out.push((s % 10) as u8);
        carry = s / 10;
    }
    while carry > 0 {
        out.push((carry % 10) as u8);
        carry /= 10;
    }
    out
}

/// Schoolbook long division of magnitudes; `b` is non-empty.
fn divmod_mag(a: &[u8], b: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut quotient = vec![0u8; a.len()];
    let mut rem: Vec<u8> = Vec::new();
    for i in (0..a.len()).rev() {
        rem.insert(0, a[i]);
        while rem.last() == Some(&0) {
            rem.pop();
        }
        let mut q = 0u8;
        while cmp_mag(&rem, b) != Ordering::Less {
            rem = sub_mag(&rem, b);
            q += 1;
        }
        quotient[i] = q;
    }
    (quotient, rem)
}

fn parse_both(a: &str, b: &str) -> Result<(Big, Big), BigError> {
    let x = Big::parse(a)?;
    let y = Big::parse(b)?;
    Ok((x, y))
}

pub fn add(a: &str, b: &str) -> Result<String, BigError> {
    let (x, y) = parse_both(a, b)?;
    Ok(add_big(&x, &y).render())
}

pub fn subtract(a: &str, b: &str) -> Result<String, BigError> {
    let (x, mut y) = parse_both(a, b)?;
    y.negative = !y.negative && !y.digits.is_empty();
    Ok(add_big(&x, &y).render())
}

pub fn multiply(a: &str, b: &str) -> Result<String, BigError> {
    let (x, y) = parse_both(a, b)?;
    Ok(Big::new(x.negative != y.negative, mul_mag(&x.digits, &y.digits)).render())
}

/// Returns `(quotient, remainder)`.
pub fn divide(a: &str, b: &str) -> Result<(String, String), BigError> {
    let (x, y) = parse_both(a, b)?;
    if y.digits.is_empty() {
        return Err(BigError::DivisionByZero);
    }
    let (q, r) = divmod_mag(&x.digits, &y.digits);
    Ok((
        Big::new(x.negative != y.negative, q).render(),
        Big::new(x.negative, r).render(),
    ))
}

pub fn compare(a: &str, b: &str) -> Result<Ordering, BigError> {
    let (x, y) = parse_both(a, b)?;
    Ok(match (x.negative, y.negative) {
        (false, true) => Ordering::Greater,
        (true, false) => Ordering::Less,
        (false, false) => cmp_mag(&x.digits, &y.digits),
        (true, true) => cmp_mag(&y.digits, &x.digits),
    })
}
