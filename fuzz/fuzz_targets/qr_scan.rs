//! QR scanning of arbitrary images never panics (rqrr runs behind catch_unwind; image decoding
//! is bounded by the pixel limit).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = possig::printable::qr::scan(data);
});
