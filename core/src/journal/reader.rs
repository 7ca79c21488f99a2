//! Streaming journal reader and writer.
//!
//! A journal is a concatenation of `SignedReceipt` DER values (self-delimiting). The reader
//! works on any [`Read`], keeps at most one record plus a small window in memory, reports the
//! byte offset of bytes that are not a record, and continues after them.

use std::io::{self, Read, Write};

use crate::limits::MAX_RECEIPT_SIZE;
use crate::verify::receipt::UnverifiedReceipt;

/// One item of a journal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JournalItem {
    /// A DER-framed record (not yet decoded: decoding errors are reported by verification).
    Record {
        /// Byte offset of the record in the input.
        offset: u64,
        /// The record's bytes (`SEQUENCE` header included).
        der: Vec<u8>,
    },
    /// Bytes that are not a record (corruption); reading resumed at the next plausible record.
    Garbage {
        /// Byte offset of the first unreadable byte.
        offset: u64,
        /// How many bytes were skipped.
        len: u64,
    },
}

/// Reads a journal from any [`Read`] with bounded memory (one record of at most
/// [`MAX_RECEIPT_SIZE`] bytes plus a read-ahead window).
#[derive(Debug)]
pub struct JournalReader<R> {
    inner: R,
    buf: Vec<u8>,
    start: usize,
    offset: u64,
    eof: bool,
}

/// Read-ahead chunk size: 64 KiB keeps system calls rare without holding much memory.
const CHUNK: usize = 64 * 1024;

/// Parses a DER `SEQUENCE` header at the start of `b`: `(header_len, content_len)`, `None` if
/// `b` is too short to tell, `Some(Err(()))` if it cannot start a receipt.
fn header(b: &[u8]) -> Option<Result<(usize, usize), ()>> {
    let (&tag, rest) = b.split_first()?;
    if tag != 0x30 {
        return Some(Err(()));
    }
    let (&first, rest) = rest.split_first()?;
    if first < 0x80 {
        return Some(Ok((2, usize::from(first))));
    }
    let n = usize::from(first & 0x7f);
    // A receipt is at most 16 KiB: two length bytes at most; DER lengths are minimal.
    if n == 0 || n > 2 {
        return Some(Err(()));
    }
    let bytes = rest.get(..n)?;
    let len = bytes
        .iter()
        .fold(0usize, |acc, &x| (acc << 8) | usize::from(x));
    let minimal = match n {
        1 => len >= 0x80,
        _ => bytes.first().is_some_and(|&x| x != 0) && len > 0xff,
    };
    if !minimal || len + 2 + n > MAX_RECEIPT_SIZE {
        return Some(Err(()));
    }
    Some(Ok((2 + n, len)))
}

/// Whether a record plausibly starts at the beginning of `b`: `SEQUENCE { SEQUENCE { INTEGER 1`.
fn plausible_start(b: &[u8]) -> bool {
    let Some(Ok((h, _))) = header(b) else {
        return false;
    };
    let Some(inner) = b.get(h..) else {
        return false;
    };
    let Some(Ok((h2, _))) = header(inner) else {
        return false;
    };
    inner.get(h2..h2 + 3) == Some(&[0x02, 0x01, 0x01])
}

impl<R: Read> JournalReader<R> {
    /// Wraps a reader.
    pub fn new(inner: R) -> Self {
        JournalReader {
            inner,
            buf: Vec::with_capacity(CHUNK),
            start: 0,
            offset: 0,
            eof: false,
        }
    }

    fn available(&self) -> &[u8] {
        self.buf.get(self.start..).unwrap_or(&[])
    }

    /// Ensures at least `n` bytes are buffered unless the input ends first.
    fn fill(&mut self, n: usize) -> io::Result<()> {
        while self.available().len() < n && !self.eof {
            if self.start > 0 {
                self.buf.drain(..self.start);
                self.start = 0;
            }
            let old = self.buf.len();
            self.buf.resize(old + CHUNK.max(n), 0);
            let got = loop {
                match self.inner.read(self.buf.get_mut(old..).unwrap_or(&mut [])) {
                    Ok(k) => break k,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        self.buf.truncate(old);
                        return Err(e);
                    }
                }
            };
            self.buf.truncate(old + got);
            self.eof = got == 0;
        }
        Ok(())
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
        self.offset += n as u64;
    }

    /// Skips garbage up to the next plausible record start (or the end of input).
    fn skip_garbage(&mut self) -> io::Result<JournalItem> {
        let offset = self.offset;
        let mut skipped = 0u64;
        loop {
            // One byte at least: we are here because the current position is not a record.
            self.consume(1);
            skipped += 1;
            self.fill(16)?;
            let a = self.available();
            if a.is_empty() || plausible_start(a) {
                return Ok(JournalItem::Garbage {
                    offset,
                    len: skipped,
                });
            }
        }
    }

    /// The next item, `Ok(None)` at the end of the input.
    ///
    /// # Errors
    /// Only I/O errors of the underlying reader.
    pub fn next_item(&mut self) -> io::Result<Option<JournalItem>> {
        self.fill(16)?;
        if self.available().is_empty() {
            return Ok(None);
        }
        match header(self.available()) {
            Some(Ok((h, len))) => {
                self.fill(h + len)?;
                let a = self.available();
                if a.len() < h + len {
                    // Truncated final record.
                    let n = a.len();
                    let offset = self.offset;
                    self.consume(n);
                    return Ok(Some(JournalItem::Garbage {
                        offset,
                        len: n as u64,
                    }));
                }
                let der = a.get(..h + len).unwrap_or(&[]).to_vec();
                let offset = self.offset;
                self.consume(h + len);
                Ok(Some(JournalItem::Record { offset, der }))
            }
            Some(Err(())) => self.skip_garbage().map(Some),
            None => {
                // Fewer bytes than a header at the end of input.
                let n = self.available().len();
                let offset = self.offset;
                self.consume(n);
                Ok(Some(JournalItem::Garbage {
                    offset,
                    len: n as u64,
                }))
            }
        }
    }
}

impl<R: Read> Iterator for JournalReader<R> {
    type Item = io::Result<JournalItem>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_item().transpose()
    }
}

/// Appends receipts to a journal.
#[derive(Debug)]
pub struct JournalWriter<W> {
    inner: W,
}

impl<W: Write> JournalWriter<W> {
    /// Wraps a writer (open the file in append mode to extend a journal).
    pub fn new(inner: W) -> Self {
        JournalWriter { inner }
    }

    /// Appends one receipt.
    ///
    /// # Errors
    /// I/O errors; encoding errors (none for receipts this crate decoded or built) as
    /// [`io::ErrorKind::InvalidData`].
    pub fn append(&mut self, receipt: &UnverifiedReceipt) -> io::Result<()> {
        let der = receipt
            .to_der()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        self.inner.write_all(&der)
    }

    /// Appends a receipt given as DER after checking that it decodes (so a journal never
    /// receives bytes that would desynchronise it).
    ///
    /// # Errors
    /// [`io::ErrorKind::InvalidData`] wrapping the [`crate::Error`] if `der` is not a receipt.
    pub fn append_der(&mut self, der: &[u8]) -> io::Result<()> {
        UnverifiedReceipt::from_der(der)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        self.inner.write_all(der)
    }

    /// Flushes and returns the inner writer.
    ///
    /// # Errors
    /// I/O errors of the flush.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.inner.flush()?;
        Ok(self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(n: u8) -> Vec<u8> {
        // SEQUENCE { SEQUENCE { INTEGER 1, OCTET STRING n } }: framed like a receipt.
        vec![0x30, 0x08, 0x30, 0x06, 0x02, 0x01, 0x01, 0x04, 0x01, n]
    }

    fn items(input: &[u8]) -> Vec<JournalItem> {
        JournalReader::new(input).map(|r| r.unwrap()).collect()
    }

    #[test]
    fn splits_records_and_resyncs_after_garbage() {
        let mut j = rec(1);
        j.extend_from_slice(&[0xde, 0xad, 0x30]);
        j.extend(rec(2));
        j.extend(rec(3));
        j.extend_from_slice(&rec(4)[..5]);
        let got = items(&j);
        assert_eq!(got.len(), 5);
        assert_eq!(
            got[0],
            JournalItem::Record {
                offset: 0,
                der: rec(1)
            }
        );
        assert_eq!(got[1], JournalItem::Garbage { offset: 10, len: 3 });
        assert_eq!(
            got[2],
            JournalItem::Record {
                offset: 13,
                der: rec(2)
            }
        );
        assert_eq!(
            got[3],
            JournalItem::Record {
                offset: 23,
                der: rec(3)
            }
        );
        assert_eq!(got[4], JournalItem::Garbage { offset: 33, len: 5 });
    }

    #[test]
    fn one_byte_reads_give_the_same_items() {
        struct Slow<'a>(&'a [u8]);
        impl Read for Slow<'_> {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                match (self.0.split_first(), out.first_mut()) {
                    (Some((b, rest)), Some(o)) => {
                        *o = *b;
                        self.0 = rest;
                        Ok(1)
                    }
                    _ => Ok(0),
                }
            }
        }
        let mut j = Vec::new();
        for i in 0..50u8 {
            j.extend(rec(i));
            if i % 7 == 0 {
                j.extend_from_slice(&[0xff, i]);
            }
        }
        let slow: Vec<JournalItem> = JournalReader::new(Slow(&j)).map(|r| r.unwrap()).collect();
        assert_eq!(slow, items(&j));
        assert_eq!(
            slow.iter()
                .filter(|i| matches!(i, JournalItem::Record { .. }))
                .count(),
            50
        );
    }

    #[test]
    fn oversized_and_non_minimal_lengths_are_garbage() {
        assert!(matches!(header(&[0x30, 0x82, 0x40, 0x01]), Some(Err(()))));
        assert!(matches!(header(&[0x30, 0x81, 0x05]), Some(Err(()))));
        assert!(matches!(header(&[0x30, 0x82, 0x00, 0xff]), Some(Err(()))));
        assert!(matches!(header(&[0x30, 0x80]), Some(Err(()))));
        assert_eq!(header(&[0x30, 0x81, 0x80]), Some(Ok((3, 0x80))));
    }
}
