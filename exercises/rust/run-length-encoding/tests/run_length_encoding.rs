use run_length_encoding::{decode, encode, DecodeError};

#[test]
fn encode_empty_string() {
    assert_eq!(encode(""), "");
}

#[test]
#[ignore]
fn encode_without_repeats_is_unchanged() {
    assert_eq!(encode("abcXYZ"), "abcXYZ");
}

#[test]
#[ignore]
fn encode_runs_of_several_lengths() {
    assert_eq!(encode("WWWWBWWcccccccccccc"), "4WB2W12c");
}

#[test]
#[ignore]
fn encode_counts_whitespace_and_punctuation() {
    assert_eq!(encode("  hi!! ...x"), "2 hi2! 3.x");
}

#[test]
#[ignore]
fn encode_counts_unicode_characters_not_bytes() {
    assert_eq!(encode("ééé€ßß🦀🦀🦀"), "3é€2ß3🦀");
}

#[test]
#[ignore]
fn encode_case_sensitive() {
    assert_eq!(encode("aAaa"), "aA2a");
}

#[test]
#[ignore]
fn decode_empty_string() {
    assert_eq!(decode(""), Ok(String::new()));
}

#[test]
#[ignore]
fn decode_multi_digit_counts() {
    assert_eq!(decode("12xy3z"), Ok("xxxxxxxxxxxxyzzz".to_string()));
}

#[test]
#[ignore]
fn decode_unicode() {
    assert_eq!(decode("3é2 🦀"), Ok("ééé  🦀".to_string()));
}

#[test]
#[ignore]
fn decode_leading_zeros_in_count() {
    assert_eq!(decode("03a1b"), Ok("aaab".to_string()));
}

#[test]
#[ignore]
fn decode_zero_count_is_an_error() {
    assert_eq!(decode("2a00b"), Err(DecodeError::ZeroCount));
}

#[test]
#[ignore]
fn decode_trailing_count_is_an_error() {
    assert_eq!(decode("3a4"), Err(DecodeError::DanglingCount));
}

#[test]
#[ignore]
fn round_trip_long_input() {
    let input = format!("{}{}{}", "x".repeat(1000), "y", "ü".repeat(250));
    let encoded = encode(&input);
    assert_eq!(encoded, "1000xy250ü");
    assert_eq!(decode(&encoded), Ok(input));
}
