//! Printable forms of a receipt: the `PSR1:` text form, and its QR code (feature `qr`).

#[cfg(feature = "qr")]
pub mod qr;
pub mod text;
