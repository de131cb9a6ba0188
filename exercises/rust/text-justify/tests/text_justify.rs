use text_justify::{justify, JustifyError};

fn lines(v: &[&str]) -> Result<Vec<String>, JustifyError> {
    Ok(v.iter().map(|s| s.to_string()).collect())
}

#[test]
fn classic_example() {
    assert_eq!(
        justify("This is an example of text justification.", 16),
        lines(&["This    is    an", "example  of text", "justification.  "])
    );
}

#[test]
fn long_word_alone_on_a_line_is_left_aligned() {
    assert_eq!(
        justify("What must be acknowledgment shall be", 16),
        lines(&["What   must   be", "acknowledgment  ", "shall be        "])
    );
}

#[test]
fn uneven_spaces_go_to_the_leftmost_gaps() {
    // 10 letters on a 17-wide line: 7 spaces over 3 gaps -> 3, 2, 2
    assert_eq!(
        justify("abc de fgh ij klmnop", 17),
        lines(&["abc   de  fgh  ij", "klmnop           "])
    );
    // 4 letters on a 12-wide line: 8 spaces over 3 gaps -> 3, 3, 2
    assert_eq!(justify("a b c d efghijklmn", 12), lines(&["a   b   c  d", "efghijklmn  "]));
}

#[test]
fn words_that_fill_the_line_exactly() {
    assert_eq!(justify("aaaa bbbb cccc", 9), lines(&["aaaa bbbb", "cccc     "]));
    assert_eq!(justify("exact", 5), lines(&["exact"]));
}

#[test]
fn last_line_is_not_stretched() {
    assert_eq!(
        justify("The quick brown fox jumps over the lazy dog", 20),
        lines(&["The  quick brown fox", "jumps  over the lazy", "dog                 "])
    );
}

#[test]
fn single_line_text_is_treated_as_last_line() {
    assert_eq!(justify("two words", 20), lines(&["two words           "]));
}

#[test]
fn any_whitespace_separates_words() {
    assert_eq!(
        justify("  one\ttwo\n\nthree\u{a0}four\r\n five  ", 10),
        lines(&["one    two", "three four", "five      "])
    );
}

#[test]
fn widths_count_characters_not_bytes() {
    assert_eq!(
        justify("naïve café über straße", 11),
        lines(&["naïve  café", "über straße"])
    );
    assert_eq!(justify("日本語 の 文章 です", 7), lines(&["日本語   の", "文章 です  "]));
}

#[test]
fn width_of_one() {
    assert_eq!(justify("a b c", 1), lines(&["a", "b", "c"]));
}

#[test]
fn punctuation_sticks_to_words() {
    assert_eq!(
        justify("Hello, world! (Yes.)", 13),
        lines(&["Hello, world!", "(Yes.)       "])
    );
}

#[test]
fn empty_and_blank_text() {
    assert_eq!(justify("", 10), Ok(vec![]));
    assert_eq!(justify(" \n\t ", 10), Ok(vec![]));
}

#[test]
fn zero_width_is_an_error_even_for_empty_text() {
    assert_eq!(justify("", 0), Err(JustifyError::ZeroWidth));
    assert_eq!(justify("a", 0), Err(JustifyError::ZeroWidth));
}

#[test]
fn first_word_longer_than_width_is_reported() {
    assert_eq!(
        justify("short enormous gigantic", 7),
        Err(JustifyError::WordTooLong("enormous".to_string()))
    );
    assert_eq!(justify("ééééé", 4), Err(JustifyError::WordTooLong("ééééé".to_string())));
    assert_eq!(justify("ééééé", 5), lines(&["ééééé"]));
}

#[test]
fn many_lines_keep_exact_width() {
    let text = "lorem ipsum dolor sit amet consectetur adipiscing elit ".repeat(200);
    let result = justify(&text, 23).unwrap();
    assert!(result.iter().all(|l| l.chars().count() == 23));
    let rejoined: Vec<&str> = result.iter().flat_map(|l| l.split_whitespace()).collect();
    let original: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(rejoined, original);
    for line in &result[..result.len() - 1] {
        if line.split_whitespace().count() > 1 {
            assert!(!line.starts_with(' ') && !line.ends_with(' '), "{line:?}");
        }
    }
    assert_eq!(result[0], "lorem  ipsum  dolor sit");
    assert_eq!(result[1], "amet        consectetur");
    assert_eq!(result[3], "ipsum  dolor  sit  amet");
}
