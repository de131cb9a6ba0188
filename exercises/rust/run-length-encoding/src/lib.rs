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
    todo!("encode {input:?}")
}

/// Reverses [`encode`].
pub fn decode(input: &str) -> Result<String, DecodeError> {
    todo!("decode {input:?}")
}
