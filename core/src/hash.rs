//! The 32-byte values of receipts and the trust store: SHA-256 [`Digest`]s (of a receipt, of
//! the receipt before it in a chain, of a certificate, of Merkle nodes) and [`KeyId`]s (the
//! SHA-256 of a key's `SubjectPublicKeyInfo` DER). Both are shown, serialized and compared in
//! one way, written here once: 64 lower-case hex digits.

use core::fmt;

/// The first bytes of a hash, in hex.
struct Short<'a>(&'a [u8; 32]);

impl fmt::Display for Short<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; 12];
        let first = self.0.first_chunk::<6>().ok_or(fmt::Error)?;
        hex::encode_to_slice(first, &mut buf).map_err(|_| fmt::Error)?;
        f.write_str(core::str::from_utf8(&buf).map_err(|_| fmt::Error)?)
    }
}

macro_rules! hash_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(pub [u8; 32]);

        impl $name {
            /// The 32 bytes.
            pub const fn to_bytes(self) -> [u8; 32] {
                self.0
            }

            /// The 32 bytes, borrowed.
            pub const fn as_bytes(&self) -> &[u8; 32] {
                &self.0
            }

            /// The first six bytes in hex (12 digits), as people compare them on a screen or
            /// a slip.
            pub fn short(&self) -> impl fmt::Display + '_ {
                Short(&self.0)
            }
        }

        impl From<[u8; 32]> for $name {
            fn from(bytes: [u8; 32]) -> Self {
                $name(bytes)
            }
        }

        impl From<$name> for [u8; 32] {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        /// The value of a 32-byte slice (an error for any other length).
        impl TryFrom<&[u8]> for $name {
            type Error = core::array::TryFromSliceError;
            fn try_from(bytes: &[u8]) -> Result<Self, Self::Error> {
                <[u8; 32]>::try_from(bytes).map($name)
            }
        }

        impl AsRef<[u8]> for $name {
            fn as_ref(&self) -> &[u8] {
                &self.0
            }
        }

        impl core::ops::Deref for $name {
            type Target = [u8; 32];
            fn deref(&self) -> &[u8; 32] {
                &self.0
            }
        }

        impl PartialEq<[u8; 32]> for $name {
            fn eq(&self, other: &[u8; 32]) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for [u8; 32] {
            fn eq(&self, other: &$name) -> bool {
                self == &other.0
            }
        }

        /// 64 lower-case hex digits.
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut buf = [0u8; 64];
                hex::encode_to_slice(self.0, &mut buf).map_err(|_| fmt::Error)?;
                f.write_str(core::str::from_utf8(&buf).map_err(|_| fmt::Error)?)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        /// From 64 hex digits (either case).
        impl core::str::FromStr for $name {
            type Err = hex::FromHexError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let mut bytes = [0u8; 32];
                hex::decode_to_slice(s, &mut bytes)?;
                Ok($name(bytes))
            }
        }

        #[cfg(feature = "arbitrary")]
        impl<'a> arbitrary::Arbitrary<'a> for $name {
            fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
                Ok($name(u.arbitrary()?))
            }
        }

        /// A string of 64 lower-case hex digits.
        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "pattern": "^[0-9a-f]{64}$",
                })
            }
        }

        /// As its [`Display`](fmt::Display) form.
        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    };
}

hash_type!(
    /// A SHA-256 digest: of a receipt (its `SEQUENCE { tbs, signature }` DER, attachments
    /// excluded), of the receipt before it in a key's chain, of a certificate's DER, or of a
    /// Merkle node.
    Digest
);

hash_type!(
    /// A key id: the SHA-256 of a public key's `SubjectPublicKeyInfo` DER, as receipts name
    /// their signer and certificates are looked up.
    KeyId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_as_lower_case_hex_everywhere() {
        let mut bytes = [0u8; 32];
        for (b, v) in bytes.iter_mut().zip(0u8..) {
            *b = v.wrapping_mul(37) ^ 0xa5;
        }
        let d = Digest(bytes);
        let want = hex::encode(bytes);
        assert_eq!(d.to_string(), want);
        assert_eq!(format!("{d:?}"), format!("Digest({want})"));
        assert_eq!(format!("{:?}", KeyId(bytes)), format!("KeyId({want})"));
        #[cfg(feature = "serde")]
        assert_eq!(
            serde_json::to_string(&KeyId(bytes)).ok(),
            Some(format!("\"{want}\""))
        );
        assert_eq!(d, bytes);
        assert_eq!(bytes, d);
        assert_eq!(<[u8; 32]>::from(d), bytes);
        assert_eq!(d.as_ref(), bytes.as_slice());
        assert_eq!(d.short().to_string(), want[..12]);
        assert_eq!(want.parse::<Digest>(), Ok(d));
        assert_eq!(want.to_uppercase().parse::<KeyId>(), Ok(KeyId(bytes)));
        assert!(want[..62].parse::<Digest>().is_err(), "31 bytes");
        assert!(format!("{want}00").parse::<Digest>().is_err(), "33 bytes");
        assert!(want.replacen('a', "g", 1).parse::<KeyId>().is_err());
    }
}
