//! Printable forms of a receipt: the `PSR1:` text form, and its QR code (feature `qr`); and
//! [`classify`], which tells what a loaded file is.

#[cfg(feature = "qr")]
pub mod qr;
pub mod text;

#[cfg(feature = "std")]
use crate::journal::{JournalItem, JournalReader};

/// What a loaded input is (see [`classify`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum InputKind {
    /// A text form (`PSR1:` after optional whitespace).
    Text,
    /// A PNG or JPEG image (a photo or screenshot of a QR code).
    Image,
    /// One DER record.
    Receipt,
    /// Several DER records (or a record followed by unreadable bytes): a journal.
    Journal,
    /// None of these.
    Unknown,
}

impl InputKind {
    /// Stable snake_case name.
    pub fn code(self) -> &'static str {
        self.into()
    }
}

#[cfg(feature = "std")]
/// What `data` is, from its first bytes and, for DER, from how many records it holds (at most
/// two are read). Nothing is decoded beyond that: decode with the matching reader.
pub fn classify(data: &[u8]) -> InputKind {
    if data
        .trim_ascii_start()
        .starts_with(text::TEXT_PREFIX.as_bytes())
    {
        return InputKind::Text;
    }
    if data.starts_with(b"\x89PNG") || data.starts_with(&[0xff, 0xd8, 0xff]) {
        return InputKind::Image;
    }
    if data.first() != Some(&0x30) {
        return InputKind::Unknown;
    }
    let mut reader = JournalReader::new(data);
    let mut records = 0;
    while let Ok(Some(item)) = reader.next_item() {
        records += match item {
            JournalItem::Record { .. } => 1,
            JournalItem::Garbage { .. } => 2,
        };
        if records > 1 {
            return InputKind::Journal;
        }
    }
    InputKind::Receipt
}

#[cfg(test)]
mod tests {
    use super::{InputKind, classify};

    #[test]
    fn inputs_are_told_apart() {
        assert_eq!(classify(b"  PSR1:ABC"), InputKind::Text);
        assert_eq!(classify(b"\x89PNG\r\n"), InputKind::Image);
        assert_eq!(classify(&[0xff, 0xd8, 0xff, 0xe0]), InputKind::Image);
        assert_eq!(classify(b"hello"), InputKind::Unknown);
        assert_eq!(classify(b""), InputKind::Unknown);
        let record = [0x30, 0x03, 0x02, 0x01, 0x05];
        assert_eq!(classify(&record), InputKind::Receipt);
        assert_eq!(classify(&[record, record].concat()), InputKind::Journal);
        assert_eq!(
            classify(&[&record[..], &[0xff, 0xff]].concat()),
            InputKind::Journal
        );
        assert_eq!(InputKind::Journal.code(), "journal");
    }
}
