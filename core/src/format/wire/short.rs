//! DER string types for the receipt's short fields, stored inline.
//!
//! A receipt has a dozen short fields (digests, the signature, ids, card and currency codes).
//! `der`'s owned `OctetString`, `PrintableString` and `String` put each on the heap, so a
//! decoded receipt cost 13 allocations, and a journal frees them on another thread than the one
//! that made them. These types keep a field of up to its capacity inline and spill to the heap
//! only beyond it, so a receipt within the specified sizes allocates only its TBS copy.
//!
//! Decoding and encoding delegate to `der`'s borrowed types (`OctetStringRef`,
//! `PrintableStringRef`, `Utf8StringRef`), so what is accepted and every error (kind and
//! position) are `der`'s, as with the owned types they replace (checked by the tests below).
//! Sizes are not checked here: the format's rules check them, with their own errors.

use der::asn1::{OctetStringRef, PrintableStringRef, Utf8StringRef};
use der::{DecodeValue, EncodeValue, FixedTag, Header, Length, Reader, Tag, Writer};
use smallvec::SmallVec;
use smol_str::SmolStr;

/// An `OCTET STRING` kept inline up to `N` bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ShortOctets<const N: usize>(SmallVec<[u8; N]>);

/// A `Digest` or `ReceiptDigest` (`OCTET STRING (SIZE(32))`), inline.
pub(crate) type DigestOctets = ShortOctets<32>;

/// The signature `r ‖ s ‖ v` (`OCTET STRING (SIZE(65))`), inline.
pub(crate) type SignatureOctets = ShortOctets<65>;

impl<const N: usize> ShortOctets<N> {
    /// The bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl<const N: usize> From<&[u8]> for ShortOctets<N> {
    fn from(bytes: &[u8]) -> Self {
        ShortOctets(SmallVec::from_slice(bytes))
    }
}

impl<'a, const N: usize> DecodeValue<'a> for ShortOctets<N> {
    type Error = der::Error;

    fn decode_value<R: Reader<'a>>(reader: &mut R, header: Header) -> der::Result<Self> {
        let bytes = <&OctetStringRef>::decode_value(reader, header)?;
        Ok(Self::from(bytes.as_bytes()))
    }
}

impl<const N: usize> EncodeValue for ShortOctets<N> {
    fn value_len(&self) -> der::Result<Length> {
        Length::try_from(self.0.len())
    }

    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        writer.write(&self.0)
    }
}

impl<const N: usize> FixedTag for ShortOctets<N> {
    const TAG: Tag = Tag::OctetString;
}

/// Defines a string type of one ASN.1 string tag, kept in a [`SmolStr`] (inline up to 23
/// bytes: every card, currency and reference field, and ids of up to 23 characters).
macro_rules! short_string {
    ($(#[$doc:meta])* $name:ident, $reference:ident, $tag:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub(crate) struct $name(SmolStr);

        impl $name {
            /// The text.
            pub(crate) fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl<'a> DecodeValue<'a> for $name {
            type Error = der::Error;

            fn decode_value<R: Reader<'a>>(reader: &mut R, header: Header) -> der::Result<Self> {
                let s = $reference::decode_value(reader, header)?;
                Ok($name(SmolStr::new(s.as_str())))
            }
        }

        impl EncodeValue for $name {
            fn value_len(&self) -> der::Result<Length> {
                Length::try_from(self.0.len())
            }

            fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
                writer.write(self.0.as_bytes())
            }
        }

        impl FixedTag for $name {
            const TAG: Tag = $tag;
        }
    };
}

short_string!(
    /// A `PrintableString`, inline up to 23 bytes.
    ShortPrintable,
    PrintableStringRef,
    Tag::PrintableString
);

short_string!(
    /// A `UTF8String`, inline up to 23 bytes.
    ShortUtf8,
    Utf8StringRef,
    Tag::Utf8String
);

impl ShortPrintable {
    /// Checks `s` against `PrintableString`'s character set.
    ///
    /// # Errors
    /// `der`'s error for a character outside the set.
    pub(crate) fn new(s: &str) -> der::Result<Self> {
        PrintableStringRef::new(s)?;
        Ok(ShortPrintable(SmolStr::new(s)))
    }
}

impl From<&str> for ShortUtf8 {
    /// Every Rust string is a valid `UTF8String` value.
    fn from(s: &str) -> Self {
        ShortUtf8(SmolStr::new(s))
    }
}

#[cfg(test)]
mod tests {
    //! Differential tests: each short type accepts, refuses and encodes exactly as the `der`
    //! type it replaces, errors (kind and position) included, on every one-byte change and
    //! every truncation of a field inside a `SEQUENCE`.
    use super::*;
    use der::asn1::{OctetString, PrintableString};
    use der::{Decode, Encode, Sequence};

    #[derive(Debug, PartialEq, Eq, Sequence)]
    struct Old {
        before: u64,
        octets: OctetString,
        printable: PrintableString,
        utf8: String,
        #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
        tagged: Option<OctetString>,
    }

    #[derive(Debug, PartialEq, Eq, Sequence)]
    struct New {
        before: u64,
        octets: DigestOctets,
        printable: ShortPrintable,
        utf8: ShortUtf8,
        #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
        tagged: Option<DigestOctets>,
    }

    fn sample(octets: &[u8], printable: &str, utf8: &str) -> Vec<u8> {
        Old {
            before: 7,
            octets: OctetString::new(octets).unwrap(),
            printable: PrintableString::new(printable).unwrap(),
            utf8: utf8.to_string(),
            tagged: Some(OctetString::new(octets).unwrap()),
        }
        .to_der()
        .unwrap()
    }

    /// Both decodings of `der` agree: the same fields, or the same error.
    fn agree(der: &[u8]) {
        let old = Old::from_der(der);
        let new = New::from_der(der);
        match (&old, &new) {
            (Ok(o), Ok(n)) => {
                assert_eq!(o.octets.as_bytes(), n.octets.as_bytes());
                assert_eq!(o.printable.as_str(), n.printable.as_str());
                assert_eq!(o.utf8, n.utf8.as_str());
                assert_eq!(
                    o.tagged.as_ref().map(OctetString::as_bytes),
                    n.tagged.as_ref().map(ShortOctets::as_bytes)
                );
                assert_eq!(n.to_der().unwrap(), der, "decode → encode is the identity");
            }
            (Err(o), Err(n)) => assert_eq!(o, n, "on {der:02x?}"),
            _ => panic!("old {old:?} and new {new:?} differ on {der:02x?}"),
        }
    }

    #[test]
    fn short_types_decode_and_fail_as_der_does() {
        let inputs = [
            sample(&[0xab; 32], "VISA", "term-ok"),
            // Beyond the inline capacities: spilled to the heap, same bytes.
            sample(&[0x5a; 40], &"A".repeat(30), &"é".repeat(20)),
            sample(&[], "", ""),
        ];
        let mut checked = 0;
        for der in &inputs {
            agree(der);
            for i in 0..der.len() {
                for bit in 0..8 {
                    let mut changed = der.clone();
                    changed[i] ^= 1 << bit;
                    agree(&changed);
                    checked += 1;
                }
                agree(&der[..i]);
            }
        }
        assert!(checked > 1000);
    }

    #[test]
    fn new_checks_the_character_set() {
        assert!(ShortPrintable::new("ABC 123").is_ok());
        assert_eq!(
            ShortPrintable::new("a@b").unwrap_err(),
            PrintableString::new("a@b").unwrap_err()
        );
        assert_eq!(ShortUtf8::from("é").as_str(), "é");
    }
}
