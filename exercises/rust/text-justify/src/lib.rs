/// Why a text could not be justified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JustifyError {
    /// The requested width is zero.
    ZeroWidth,
    /// A word is longer than the line width; holds that word.
    WordTooLong(String),
}

/// Breaks `text` into lines of exactly `width` characters, fully justified.
pub fn justify(text: &str, width: usize) -> Result<Vec<String>, JustifyError> {
    todo!("justify {} bytes to width {width}", text.len())
}
