//! The printable text form of a receipt: `PSR1:` followed by the Base45 (RFC 9285) encoding of
//! the receipt's DER **without attachments**.
//!
//! Every character is in the QR code alphanumeric set (`0-9 A-Z space $ % * + - . / :`), so the
//! text form is also the payload of the receipt's QR code (see the `qr` feature), which then
//! uses the dense alphanumeric mode. A receipt without attachments still verifies.
//!
//! Reading is strict: the prefix is exact (upper case), and each Base45 group must decode to a
//! value in range (RFC 9285 §4.2), including the final pair (at most 255), so a byte string has
//! exactly one text form. Surrounding whitespace (spaces, tabs, line breaks) is ignored; this
//! is unambiguous because a valid Base45 string never ends with a space (a space as the last
//! character of a group would make it out of range).

use crate::error::{Error, Limit, TextProblem};
use crate::limits::MAX_TEXT_FORM;
use crate::prelude::*;
use crate::verify::receipt::UnverifiedReceipt;

/// The prefix of the text form: "possig receipt, text form version 1".
pub const TEXT_PREFIX: &str = "PSR1:";

/// The Base45 alphabet (RFC 9285 §4), in value order.
const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "an index into the 45-character Base45 alphabet"
)]
fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|v| v as u32)
}

/// The first character of `text` outside the QR alphanumeric set (= the Base45 alphabet).
#[cfg(feature = "qr")]
pub(crate) fn first_non_alphanumeric(text: &str) -> Option<usize> {
    text.chars()
        .position(|c| !c.is_ascii() || value_of(c as u8).is_none())
}

/// The text form of any bytes: [`TEXT_PREFIX`] and their Base45 encoding. For a receipt use
/// [`UnverifiedReceipt::to_text`], which leaves the attachments out first.
pub fn encode(der: &[u8]) -> String {
    let mut s = String::with_capacity(TEXT_PREFIX.len() + der.len().div_ceil(2) * 3);
    s.push_str(TEXT_PREFIX);
    s.push_str(&base45::encode(der));
    s
}

/// The bytes of a text form, after strict checks with precise errors.
///
/// # Errors
/// [`Error::LimitExceeded`] ([`Limit::TextForm`]) for input longer than [`MAX_TEXT_FORM`];
/// [`Error::InvalidText`] with the problem and its character offset.
pub fn decode(text: &str) -> Result<Vec<u8>, Error> {
    if text.len() > MAX_TEXT_FORM {
        return Err(Error::limit(Limit::TextForm, text.len()));
    }
    let bytes = text.as_bytes();
    let ws = |c: &u8| c.is_ascii_whitespace();
    let start = bytes.iter().position(|c| !ws(c)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|c| !ws(c)).map_or(start, |e| e + 1);
    let body = bytes.get(start..end).unwrap_or_default();
    let Some(b45) = body.strip_prefix(TEXT_PREFIX.as_bytes()) else {
        return Err(Error::InvalidText {
            problem: TextProblem::Prefix,
            offset: start,
        });
    };
    let base = start + TEXT_PREFIX.len();
    // `text` is a `str`, so byte offsets of ASCII characters are character offsets up to the
    // first non-ASCII character, which is itself the error reported.
    let mut values = Vec::with_capacity(b45.len());
    for (i, &c) in b45.iter().enumerate() {
        match value_of(c) {
            Some(v) => values.push(v),
            None => {
                return Err(Error::InvalidText {
                    problem: TextProblem::Character,
                    offset: text.get(..base + i).map_or(base + i, |p| p.chars().count()),
                });
            }
        }
    }
    if values.len() % 3 == 1 {
        return Err(Error::InvalidText {
            problem: TextProblem::Length,
            offset: base + values.len() - 1,
        });
    }
    for (g, group) in values.chunks(3).enumerate() {
        let (value, max) = match *group {
            [c, d, e] => (c + d * 45 + e * 45 * 45, 0xFFFF),
            [c, d] => (c + d * 45, 0xFF),
            _ => (0, 0),
        };
        if value > max {
            return Err(Error::InvalidText {
                problem: TextProblem::Value,
                offset: base + g * 3,
            });
        }
    }
    base45::decode(b45).map_err(|_| Error::InvalidText {
        problem: TextProblem::Value,
        offset: base,
    })
}

impl UnverifiedReceipt {
    /// The receipt's text form: [`TEXT_PREFIX`] and the Base45 encoding of its DER without
    /// attachments. The digest and the signature are unchanged, so the text form verifies.
    ///
    /// # Errors
    /// [`Error::Malformed`] only if encoding fails (it does not for decoded receipts).
    pub fn to_text(&self) -> Result<String, Error> {
        Ok(encode(&self.without_attachments().to_der()?))
    }

    /// Reads a receipt from its text form (surrounding whitespace allowed), then decodes it
    /// like [`UnverifiedReceipt::from_der`]. Nothing is verified.
    ///
    /// # Errors
    /// [`Error::InvalidText`] and [`Error::LimitExceeded`] for the text itself, then every
    /// error of [`UnverifiedReceipt::from_der`].
    pub fn from_text(text: &str) -> Result<Self, Error> {
        Self::from_der(&decode(text)?)
    }

    /// Reads a receipt in either form: the text form when the bytes start with
    /// [`TEXT_PREFIX`] (after whitespace), else DER. Bytes that are not UTF-8 in a text form
    /// are reported as a bad character at the first invalid byte. Nothing is verified.
    ///
    /// # Errors
    /// Those of [`UnverifiedReceipt::from_text`] or [`UnverifiedReceipt::from_der`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.trim_ascii_start().starts_with(TEXT_PREFIX.as_bytes()) {
            // The lossy copy keeps every valid character where it was and turns the first
            // invalid byte into U+FFFD, which the text decoder reports as a bad character.
            Self::from_text(&String::from_utf8_lossy(bytes))
        } else {
            Self::from_der(bytes)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> (TextProblem, usize) {
        match decode(text) {
            Err(Error::InvalidText { problem, offset }) => (problem, offset),
            other => panic!("{text:?}: {other:?}"),
        }
    }

    #[test]
    fn rfc9285_examples_and_whitespace() {
        // RFC 9285 §4.3: "AB" -> "BB8", "Hello!!" -> "%69 VD92EX0", "base-45" -> "UJCLQE7W581".
        assert_eq!(encode(b"AB"), "PSR1:BB8");
        assert_eq!(decode("PSR1:%69 VD92EX0").unwrap(), b"Hello!!");
        assert_eq!(decode(" \r\n\tPSR1:UJCLQE7W581 \n").unwrap(), b"base-45");
        assert_eq!(decode("PSR1:").unwrap(), b"");
    }

    #[test]
    fn precise_errors() {
        assert_eq!(err("PSR2:BB8"), (TextProblem::Prefix, 0));
        assert_eq!(err("  psr1:BB8"), (TextProblem::Prefix, 2));
        assert_eq!(err(""), (TextProblem::Prefix, 0));
        assert_eq!(err("PSR1:BB8b"), (TextProblem::Character, 8));
        assert_eq!(err("PSR1:BB\n8"), (TextProblem::Character, 7));
        assert_eq!(err("PSR1:BéB8"), (TextProblem::Character, 6));
        assert_eq!(err("PSR1:BB8B"), (TextProblem::Length, 8));
        // ":::" = 44 + 44·45 + 44·2025 = 91124 > 65535.
        assert_eq!(err("PSR1:BB8:::"), (TextProblem::Value, 8));
        // "GG" = 16 + 16·45 = 736 > 255: the crate would truncate it to one byte silently.
        assert_eq!(err("PSR1:GG"), (TextProblem::Value, 5));
        let long = format!("PSR1:{}", "0".repeat(MAX_TEXT_FORM));
        assert_eq!(
            decode(&long),
            Err(Error::LimitExceeded {
                limit: Limit::TextForm,
                actual: long.len()
            })
        );
    }

    #[test]
    fn every_byte_string_round_trips() {
        for len in 0..40usize {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + len) as u8).collect();
            assert_eq!(decode(&encode(&data)).unwrap(), data);
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(decode(&encode(&all)).unwrap(), all);
    }
}
