//! X.501 names as RFC 4514 text (a certificate's subject and issuer in the views).
//!
//! The same text as x509-cert's `Display` for the attribute types a terminal PKI uses, written
//! here because that `Display` looks every type up in const-oid's whole OID database: linking
//! it puts some 200 KB of OID names into the browser module. A type outside [`SHORT_NAMES`]
//! is written as RFC 4514 allows for any type, its dotted OID and the DER value in hex.

use core::fmt::Write as _;

use der::asn1::{Ia5StringRef, PrintableStringRef, TeletexStringRef, Utf8StringRef};
use der::{Encode, Tag, Tagged};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::Name;

/// Attribute types by OID with the name RFC 4514 text uses for them: const-oid's shortest
/// name, upper-cased (a test compares every entry with the database).
pub(crate) const SHORT_NAMES: [(&str, &str); 17] = [
    ("2.5.4.3", "CN"),
    ("2.5.4.4", "SN"),
    ("2.5.4.5", "SERIALNUMBER"),
    ("2.5.4.6", "C"),
    ("2.5.4.7", "L"),
    ("2.5.4.8", "ST"),
    ("2.5.4.9", "STREET"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("2.5.4.12", "TITLE"),
    ("2.5.4.42", "GN"),
    ("2.5.4.43", "INITIALS"),
    ("2.5.4.44", "GENERATIONQUALIFIER"),
    ("2.5.4.46", "DNQUALIFIER"),
    ("2.5.4.65", "PSEUDONYM"),
    ("0.9.2342.19200300.100.1.1", "UID"),
    ("0.9.2342.19200300.100.1.25", "DC"),
];

fn short_name(oid: &const_oid::ObjectIdentifier) -> Option<&'static str> {
    let dotted = oid.to_string();
    SHORT_NAMES
        .iter()
        .find(|(o, _)| *o == dotted)
        .map(|(_, n)| *n)
}

fn text_value(atv: &AttributeTypeAndValue) -> Option<&str> {
    let v = &atv.value;
    match v.tag() {
        Tag::PrintableString => PrintableStringRef::try_from(v).ok().map(|s| s.as_str()),
        Tag::Utf8String => Utf8StringRef::try_from(v).ok().map(|s| s.as_str()),
        Tag::Ia5String => Ia5StringRef::try_from(v).ok().map(|s| s.as_str()),
        Tag::TeletexString => TeletexStringRef::try_from(v).ok().map(|s| s.as_str()),
        _ => None,
    }
}

fn write_atv(out: &mut String, atv: &AttributeTypeAndValue) -> core::fmt::Result {
    if let (Some(key), Some(val)) = (short_name(&atv.oid), text_value(atv)) {
        write!(out, "{key}=")?;
        let mut chars = val.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '#' if i == 0 => out.push_str("\\#"),
                ' ' if i == 0 || chars.peek().is_none() => out.push_str("\\ "),
                '"' | '+' | ',' | ';' | '<' | '>' | '\\' => write!(out, "\\{c}")?,
                '\x00'..='\x1f' | '\x7f' => write!(out, "\\{:02x}", c as u8)?,
                _ => out.push(c),
            }
        }
    } else {
        let value = atv.value.to_der().map_err(|_| core::fmt::Error)?;
        write!(out, "{}=#{}", atv.oid, hex::encode(value))?;
    }
    Ok(())
}

/// `name` as RFC 4514 text: RDNs last to first, separated by `,`; the attributes of one RDN
/// by `+`.
pub(crate) fn rfc4514(name: &Name) -> String {
    let mut out = String::new();
    let rdns: &Vec<_> = name.as_ref().as_ref();
    for (i, rdn) in rdns.iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, atv) in rdn.as_ref().iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            // Writing to a String fails only for a value that does not re-encode, which a
            // decoded certificate's cannot; the text then ends where it failed.
            if write_atv(&mut out, atv).is_err() {
                return out;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

    use super::*;
    use core::str::FromStr;
    use der::Decode;

    #[test]
    fn short_names_are_the_databases() {
        for (oid, name) in SHORT_NAMES {
            let oid = const_oid::ObjectIdentifier::new(oid).unwrap();
            // The rule of x509-cert's `Display`: the shortest of the database's names.
            let db = const_oid::db::DB
                .find_names_for_oid(oid)
                .min_by_key(|n| n.len())
                .unwrap();
            assert_eq!(db.to_ascii_uppercase(), name, "{oid}");
        }
    }

    #[test]
    fn text_equals_x509_certs_display() {
        let names = [
            "CN=possig Test Terminal T-100,O=possig Test,C=DE",
            "CN=a\\,b\\+c\\\\d,OU=\\#x\\ ,O=Q\\;R\\<S\\>,L=Köln,ST=NRW,STREET=Main St 1",
            "UID=u1+CN=multi,DC=example,DC=com,SERIALNUMBER=1234,TITLE=t,SN=s,GIVENNAME=g",
            "INITIALS=i,GENERATIONQUALIFIER=III,DNQUALIFIER=q,PSEUDONYM=p,C=FR",
            "1.2.3.4=#0c0141,CN=unknown type",
        ];
        for text in names {
            let parsed = x509_cert::name::RdnSequence::from_str(text)
                .unwrap_or_else(|e| panic!("{text}: {e}"));
            let der = parsed.to_der().unwrap();
            let name = Name::from_der(&der).unwrap();
            assert_eq!(rfc4514(&name), name.to_string(), "{text}");
        }
        let empty = Name::from_der(&[0x30, 0x00]).unwrap();
        assert_eq!(
            (rfc4514(&empty), empty.to_string()),
            (String::new(), String::new())
        );
    }

    #[test]
    fn fixture_certificates_read_as_before() {
        for pem in [
            include_str!("../../tests/fixtures/pki/root.pem"),
            include_str!("../../tests/fixtures/pki/intermediate.pem"),
            include_str!("../../tests/fixtures/pki/term-ok.pem"),
        ] {
            let (_, der) = rustls_pki_types::pem::from_buf(&mut pem.as_bytes())
                .unwrap()
                .unwrap();
            let cert = x509_cert::Certificate::from_der(&der).unwrap();
            let tbs = cert.tbs_certificate();
            for name in [tbs.subject(), tbs.issuer()] {
                assert!(!name.is_empty());
                assert_eq!(rfc4514(name), name.to_string());
            }
        }
    }
}
