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
    if width == 0 {
        return Err(JustifyError::ZeroWidth);
    }
    let words: Vec<(&str, usize)> = text.split_whitespace().map(|w| (w, w.chars().count())).collect();
    if let Some((w, _)) = words.iter().find(|(_, len)| *len > width) {
        return Err(JustifyError::WordTooLong(w.to_string()));
    }

    // Greedy grouping into lines.
    let mut lines: Vec<&[(&str, usize)]> = Vec::new();
    let mut start = 0;
    while start < words.len() {
        let mut end = start + 1;
        let mut used = words[start].1;
        while end < words.len() && used + 1 + words[end].1 <= width {
            used += 1 + words[end].1;
            end += 1;
        }
        lines.push(&words[start..end]);
        start = end;
    }

    let last = lines.len().saturating_sub(1);
    Ok(lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let mut out = String::new();
            if i == last || line.len() == 1 {
                for (k, (w, _)) in line.iter().enumerate() {
                    if k > 0 {
                        out.push(' ');
                    }
                    out.push_str(w);
                }
            } else {
                let letters: usize = line.iter().map(|(_, n)| n).sum();
                let gaps = line.len() - 1;
                let spaces = width - letters;
                for (k, (w, _)) in line.iter().enumerate() {
                    if k > 0 {
                        let extra = usize::from(k - 1 < spaces % gaps);
                        out.extend(std::iter::repeat_n(' ', spaces / gaps + extra));
                    }
                    out.push_str(w);
                }
            }
            let len = out.chars().count();
            out.extend(std::iter::repeat_n(' ', width - len));
            out
        })
        .collect())
}
