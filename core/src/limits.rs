//! Named limits on untrusted input. Every number says why it is that number.
//!
//! Limits are checked before the data they bound is allocated or processed.

/// Largest `SignedReceipt` accepted, attachments included: 16 KiB. A typical receipt is about
/// 450 bytes and a captured signature about 1–3 KiB; 16 KiB is 5× the largest we have seen and
/// bounds the work an attacker can cause per record in a journal of millions.
pub const MAX_RECEIPT_SIZE: usize = 16 * 1024;

/// Attachments per receipt: 4. Today only one (the captured signature) is defined; the rest is
/// room for future types without letting a record carry an unbounded list.
pub const MAX_ATTACHMENTS: usize = 4;

/// Bytes of one attachment's data: 12 KiB, which keeps a full receipt under [`MAX_RECEIPT_SIZE`].
pub const MAX_ATTACHMENT_SIZE: usize = 12 * 1024;

/// Strokes in one captured signature: 64. Real signatures have 1–15 pen-down strokes.
pub const MAX_STROKES: usize = 64;

/// Points across all strokes of one captured signature: 4096. A signature pad samples at
/// ~100 Hz; 4096 points is 40 s of continuous writing.
pub const MAX_STROKE_POINTS: usize = 4096;

/// Extensions per receipt: 16. None are defined yet in v1; 16 is room without abuse.
pub const MAX_EXTENSIONS: usize = 16;

/// Bytes of one extension value: 1 KiB. Extensions carry references and flags, not documents.
pub const MAX_EXTENSION_VALUE: usize = 1024;

/// Characters of a merchant or terminal id: 64. Acquirer ids are 8–15 characters; 64 leaves
/// room for readable ids without making receipts large.
pub const MAX_TEXT_FIELD: usize = 64;

/// Bytes of an object identifier's DER content: 32. Our own 2.25 UUID arc needs 22–23 bytes.
pub const MAX_OID_LEN: usize = 32;

/// Certificates in a path, terminal and root included: 5. Payment PKIs use 3
/// (root, terminal CA, terminal); 5 allows two more intermediates.
pub const MAX_CHAIN_DEPTH: usize = 5;

/// Bytes of one certificate: 16 KiB. An ECDSA P-256 certificate is well under 2 KiB.
pub const MAX_CERTIFICATE_SIZE: usize = 16 * 1024;

/// Bytes of one CRL: 16 MiB, about 300,000 revoked serials: more than any terminal fleet.
pub const MAX_CRL_SIZE: usize = 16 * 1024 * 1024;

/// Bytes of one PEM input (a bundle of certificates or CRLs): 64 MiB, enough for
/// [`MAX_TRUST_CERTIFICATES`] certificates plus CRLs in base64.
pub const MAX_PEM_SIZE: usize = 64 * 1024 * 1024;

/// Certificates in one trust store: 100,000 (a large acquirer's terminal fleet).
pub const MAX_TRUST_CERTIFICATES: usize = 100_000;

/// Largest amount in minor units and largest counter: 2^53 − 1, so every binding (a JavaScript
/// `number` included) represents the value exactly.
pub const MAX_AMOUNT: u64 = (1 << 53) - 1;

/// Largest counter: 2^53 − 1, see [`MAX_AMOUNT`]. At 1,000 receipts a second that is 285,000 years.
pub const MAX_COUNTER: u64 = (1 << 53) - 1;

/// Totals in one `dayClose`: 64 (kind, currency) pairs: five payment kinds in up to a dozen
/// currencies, which is more than any terminal accepts.
pub const MAX_TOTALS: usize = 64;

/// Characters of a receipt's text form: 24,640. Base45 turns 2 bytes into 3 characters, so
/// [`MAX_RECEIPT_SIZE`] bytes need 24,576 characters; the prefix and 59 characters of
/// surrounding whitespace fit in the rest. Longer input is refused before decoding.
pub const MAX_TEXT_FORM: usize = MAX_RECEIPT_SIZE / 2 * 3 + 64;

/// Pixels of an image scanned for a QR code: 40 million (a 50-megapixel photo is refused; a
/// phone screenshot or a 12-megapixel photo is not). Bounds the decoder's memory (one byte per
/// pixel once greyscale) and time.
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;

/// Precomputed key tables kept per trust store for the single-receipt path: 2048, about
/// 65 MiB (33,280 bytes each: 65 × 8 affine points of 64 bytes). A fleet larger than that
/// still verifies correctly: keys beyond it are verified as a first receipt is, and bulk verification
/// (`verify_many`) needs no table at all.
pub const MAX_KEY_TABLES: usize = 2048;
