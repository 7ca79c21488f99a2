//! Object identifiers kept as their DER content bytes.
//!
//! `const-oid` limits arcs to 32 bits, which excludes the X.667 `2.25.<UUID>` arc possig uses,
//! so OIDs are held as validated, minimal base-128 bytes and compared byte-wise.

use core::fmt;

use der::{DecodeValue, EncodeValue, FixedTag, Header, Length, Reader, Tag, Writer};

use crate::error::{Error, Field, Limit};
use crate::limits::MAX_OID_LEN;
use crate::prelude::*;

/// An object identifier (any arc size), stored as its DER content octets.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Oid(Vec<u8>);

/// DER content of possig's arc `2.25.310374712369937010286059107323289227386`
/// (UUID e97ffec8-ecfe-45a7-bc77-1f46853f507a, minted for this project per X.667).
const ARC: [u8; 20] = [
    0x69, 0x83, 0xd2, 0xff, 0xff, 0xb2, 0x9d, 0xcf, 0xf2, 0x96, 0xcf, 0xbc, 0xbb, 0xc7, 0xe8, 0xe8,
    0xa9, 0xfd, 0xa0, 0x7a,
];

fn under_arc(suffix: &[u8]) -> Oid {
    let mut v = ARC.to_vec();
    v.extend_from_slice(suffix);
    Oid(v)
}

impl Oid {
    /// Whether this is `{possig <suffix>}`, compared in place (no allocation: this runs for
    /// every receipt and certificate path).
    fn is_under_arc(&self, suffix: &[u8]) -> bool {
        self.0.strip_prefix(&ARC[..]) == Some(suffix)
    }

    /// Whether this is [`Oid::key_rotation`].
    pub(crate) fn is_key_rotation(&self) -> bool {
        self.is_under_arc(&[3, 1])
    }

    /// Whether this is [`Oid::eku_receipt_signing`] (the trust store's check: `std`).
    #[cfg(feature = "std")]
    pub(crate) fn is_eku_receipt_signing(&self) -> bool {
        self.is_under_arc(&[2, 1])
    }

    /// Validates DER content octets: non-empty, at most [`MAX_OID_LEN`], each sub-identifier
    /// minimal (no leading `0x80`) and terminated.
    ///
    /// # Errors
    /// [`Error::LimitExceeded`] above the size limit, [`Error::InvalidField`]
    /// (`ObjectIdentifier`) for any other encoding fault.
    pub fn from_der_content(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() > MAX_OID_LEN {
            return Err(Error::limit(Limit::ObjectIdentifier, bytes.len()));
        }
        let mut at_start = true;
        for &b in bytes {
            if at_start && b == 0x80 {
                return Err(Error::field(Field::ObjectIdentifier));
            }
            at_start = b & 0x80 == 0;
        }
        if bytes.is_empty() || !at_start {
            return Err(Error::field(Field::ObjectIdentifier));
        }
        Ok(Oid(bytes.to_vec()))
    }

    /// The DER content octets.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The possig project arc, `2.25.310374712369937010286059107323289227386`.
    pub fn possig_arc() -> Oid {
        Oid(ARC.to_vec())
    }

    /// `{possig 1 1}`: the ASN.1 module `PossigReceipt-2026`.
    pub fn module() -> Oid {
        under_arc(&[1, 1])
    }

    /// `{possig 2 1}`: extended key usage "possig receipt signing", required in terminal certificates.
    pub fn eku_receipt_signing() -> Oid {
        under_arc(&[2, 1])
    }

    /// `{possig 3 1}`: receipt extension `KeyRotation` (a new key's first receipt names the
    /// previous key's last receipt).
    pub fn key_rotation() -> Oid {
        under_arc(&[3, 1])
    }

    /// `{possig 3 n}`: arc for receipt extensions.
    pub fn extension(n: u8) -> Oid {
        if n < 0x80 {
            under_arc(&[3, n])
        } else {
            under_arc(&[3, 0x81, n & 0x7f])
        }
    }
}

impl fmt::Display for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Sub-identifiers wider than 128 bits cannot occur within MAX_OID_LEN... except via long
        // runs; print them saturated with a marker rather than wrong digits.
        let mut first = true;
        let mut acc: u128 = 0;
        let mut overflow = false;
        for &b in &self.0 {
            overflow |= acc >> 121 != 0;
            acc = (acc << 7) | u128::from(b & 0x7f);
            if b & 0x80 == 0 {
                if first {
                    let (a, rest) = match acc {
                        0..=39 => (0, acc),
                        40..=79 => (1, acc - 40),
                        _ => (2, acc - 80),
                    };
                    write!(f, "{a}.{rest}")?;
                    first = false;
                } else if overflow {
                    f.write_str(".?")?;
                } else {
                    write!(f, ".{acc}")?;
                }
                acc = 0;
                overflow = false;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Oid({self})")
    }
}

impl FixedTag for Oid {
    const TAG: Tag = Tag::ObjectIdentifier;
}

impl<'a> DecodeValue<'a> for Oid {
    type Error = der::Error;
    fn decode_value<R: Reader<'a>>(reader: &mut R, header: Header) -> der::Result<Self> {
        let len = usize::try_from(header.length())?;
        if len > MAX_OID_LEN {
            return Err(reader.error(der::ErrorKind::Overlength));
        }
        let mut buf = [0u8; MAX_OID_LEN];
        let bytes = buf.get_mut(..len).ok_or(der::ErrorKind::Overlength)?;
        reader.read_into(bytes)?;
        Oid::from_der_content(bytes).map_err(|_| {
            reader.error(der::ErrorKind::Value {
                tag: Tag::ObjectIdentifier,
            })
        })
    }
}

impl EncodeValue for Oid {
    fn value_len(&self) -> der::Result<Length> {
        Length::try_from(self.0.len())
    }
    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        writer.write(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arc_prints_as_the_uuid_integer() {
        assert_eq!(
            Oid::eku_receipt_signing().to_string(),
            "2.25.310374712369937010286059107323289227386.2.1"
        );
    }

    #[test]
    fn in_place_comparisons_match_the_constructors() {
        assert!(Oid::key_rotation().is_key_rotation());
        assert!(Oid::eku_receipt_signing().is_eku_receipt_signing());
        for other in [
            Oid::module(),
            Oid::possig_arc(),
            Oid::extension(2),
            Oid::extension(200),
        ] {
            assert!(!other.is_key_rotation() && !other.is_eku_receipt_signing());
        }
        assert!(!Oid::key_rotation().is_eku_receipt_signing());
        // The same suffix under another arc is not ours.
        let foreign = Oid::from_der_content(&[0x2b, 0x06, 3, 1]).ok();
        assert!(foreign.is_some_and(|o| !o.is_key_rotation()));
    }

    #[test]
    fn rejects_non_minimal_and_unterminated() {
        assert_eq!(
            Oid::from_der_content(&[0x2a, 0x80, 0x01]),
            Err(Error::field(Field::ObjectIdentifier))
        );
        assert_eq!(
            Oid::from_der_content(&[0x2a, 0x81]),
            Err(Error::field(Field::ObjectIdentifier))
        );
        assert_eq!(
            Oid::from_der_content(&[]),
            Err(Error::field(Field::ObjectIdentifier))
        );
        assert_eq!(
            Oid::from_der_content(&[0x01; 33]),
            Err(Error::limit(Limit::ObjectIdentifier, 33))
        );
    }
}
