//! The text form never panics, and is canonical: whatever decodes re-encodes to exactly the
//! input (surrounding whitespace aside), so one byte string has one text form.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(bytes) = possig::printable::text::decode(text) {
        assert_eq!(
            possig::printable::text::encode(&bytes),
            text.trim_matches(|c: char| c.is_ascii_whitespace())
        );
    }
    let _ = possig::UnverifiedReceipt::from_text(text);
});
