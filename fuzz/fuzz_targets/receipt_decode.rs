//! Receipt decoding never panics; whatever decodes re-encodes to the same bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = possig::UnverifiedReceipt::from_der(data) {
        assert_eq!(
            r.to_der().expect("re-encode"),
            data,
            "decode -> encode is not byte-identical"
        );
        let _ = r.to_text();
    }
});
