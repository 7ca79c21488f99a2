//! The wire format: the ASN.1 types of a receipt (DER, quoted in each type's documentation),
//! the rules beyond the ASN.1 structure, object identifiers, the captured handwritten
//! signature, currencies and the exact received bytes that signatures cover.

pub(crate) mod currency;
pub mod merkle;
pub(crate) mod oid;
pub(crate) mod raw;
pub(crate) mod rules;
pub(crate) mod strokes;
pub(crate) mod wire;
