/// Why a run-length encoded string could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The input ends with a count that has no character after it.
    DanglingCount,
    /// A count whose value is zero.
    ZeroCount,
}

/// Compresses `input` by replacing each run of two or more equal characters
/// with the run length followed by the character.
pub fn encode(input: &str) -> String {
    let mut out = String::new();
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        let mut run = 1usize;
        while chars.peek() == Some(&c) {
            chars.next();
            run += 1;
        }
        if run > 1 {
            out.push_str(&run.to_string());
        }
        out.push(c);
    }
    out
}

/// Reverses [`encode`].
pub fn decode(input: &str) -> Result<String, DecodeError> {
    let mut out = String::new();
    let mut count: Option<usize> = None;
    for c in input.chars() {
        if let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
            count = Some(count.unwrap_or(0) * 10 + d as usize);
            continue;
        }
        match count.take() {
            Some(0) => return Err(DecodeError::ZeroCount),
            Some(n) => out.extend(std::iter::repeat_n(c, n)),
            None => out.push(c),
        }
    }
    if count.is_some() {
        return Err(DecodeError::DanglingCount);
    }
    Ok(out)
}
