//! The captured handwritten signature: a compact vector stroke format.
//!
//! ```asn1
//! SignatureStrokes ::= SEQUENCE {
//!   width    INTEGER (1..65535),            -- canvas size in device units
//!   height   INTEGER (1..65535),
//!   strokes  SEQUENCE SIZE(1..64) OF Stroke
//! }
//! Stroke ::= OCTET STRING (SIZE(4..MAX))    -- packed points, see below
//! ```
//! A stroke is one pen-down trace. Its first point is `x`, `y` as big-endian `u16`. Each next
//! point is a delta `dx`, `dy` as two signed bytes in −127..=127, or, when a delta does not fit,
//! the escape byte `0x80` followed by the absolute `x`, `y` as big-endian `u16`. The escape is
//! only allowed when needed, so every stroke list has exactly one encoding. Every point must lie
//! inside the canvas (`x < width`, `y < height`).

use der::asn1::OctetString;
use der::{Decode, Encode, Sequence};

use crate::error::{Error, Field, Limit, Structure};
use crate::limits::{MAX_ATTACHMENT_SIZE, MAX_STROKE_POINTS, MAX_STROKES};
use crate::prelude::*;

const ESCAPE: u8 = 0x80;

#[derive(Sequence)]
struct StrokesWire {
    width: u16,
    height: u16,
    strokes: Vec<OctetString>,
}

/// A captured handwritten signature: a canvas and its pen-down strokes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Strokes {
    width: u16,
    height: u16,
    strokes: Vec<Vec<(u16, u16)>>,
}

fn fits(d: i32) -> bool {
    (-127..=127).contains(&d)
}

impl Strokes {
    /// Builds a signature from points in canvas units.
    ///
    /// # Errors
    /// [`Error::LimitExceeded`] for too many strokes or points, [`Error::InvalidField`]
    /// (`Strokes`) for an empty canvas, an empty stroke or a point outside the canvas.
    pub fn new(width: u16, height: u16, strokes: Vec<Vec<(u16, u16)>>) -> Result<Self, Error> {
        let s = Strokes {
            width,
            height,
            strokes,
        };
        s.check()?;
        Ok(s)
    }

    fn check(&self) -> Result<(), Error> {
        if self.strokes.len() > MAX_STROKES {
            return Err(Error::limit(Limit::Strokes, self.strokes.len()));
        }
        let points: usize = self.strokes.iter().map(Vec::len).sum();
        if points > MAX_STROKE_POINTS {
            return Err(Error::limit(Limit::StrokePoints, points));
        }
        let inside = |&(x, y): &(u16, u16)| x < self.width && y < self.height;
        if self.width == 0
            || self.height == 0
            || self.strokes.is_empty()
            || self
                .strokes
                .iter()
                .any(|s| s.is_empty() || !s.iter().all(inside))
        {
            return Err(Error::field(Field::Strokes));
        }
        Ok(())
    }

    /// Canvas width.
    pub fn width(&self) -> u16 {
        self.width
    }
    /// Canvas height.
    pub fn height(&self) -> u16 {
        self.height
    }
    /// The strokes, each a list of `(x, y)` points.
    pub fn strokes(&self) -> &[Vec<(u16, u16)>] {
        &self.strokes
    }

    /// Encodes as `SignatureStrokes` DER.
    ///
    /// # Errors
    /// [`Error::LimitExceeded`] if the encoding exceeds [`MAX_ATTACHMENT_SIZE`].
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_possible_wrap,
        clippy::cast_sign_loss,
        reason = "deltas are range-checked to fit i8 and stored as two's-complement bytes"
    )]
    pub fn to_der(&self) -> Result<Vec<u8>, Error> {
        let mut strokes = Vec::with_capacity(self.strokes.len());
        for stroke in &self.strokes {
            let mut buf = Vec::with_capacity(4 + 2 * stroke.len());
            let mut prev: Option<(u16, u16)> = None;
            for &(x, y) in stroke {
                let (dx, dy) = match prev {
                    Some((px, py)) => (i32::from(x) - i32::from(px), i32::from(y) - i32::from(py)),
                    None => (i32::MAX, 0),
                };
                if prev.is_some() && fits(dx) && fits(dy) {
                    buf.push(dx as i8 as u8);
                    buf.push(dy as i8 as u8);
                } else {
                    if prev.is_some() {
                        buf.push(ESCAPE);
                    }
                    buf.extend_from_slice(&x.to_be_bytes());
                    buf.extend_from_slice(&y.to_be_bytes());
                }
                prev = Some((x, y));
            }
            strokes
                .push(OctetString::new(buf).map_err(|e| Error::malformed(Structure::Strokes, e))?);
        }
        let der = StrokesWire {
            width: self.width,
            height: self.height,
            strokes,
        }
        .to_der()
        .map_err(|e| Error::malformed(Structure::Strokes, e))?;
        if der.len() > MAX_ATTACHMENT_SIZE {
            return Err(Error::limit(Limit::AttachmentSize, der.len()));
        }
        Ok(der)
    }

    /// Decodes and validates `SignatureStrokes` DER.
    ///
    /// # Errors
    /// [`Error::Malformed`] / [`Error::TrailingData`] for bad DER, [`Error::LimitExceeded`] and
    /// [`Error::InvalidField`] (`Strokes`) as for [`Strokes::new`], and for non-canonical packing.
    pub fn from_der(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() > MAX_ATTACHMENT_SIZE {
            return Err(Error::limit(Limit::AttachmentSize, bytes.len()));
        }
        let wire =
            StrokesWire::from_der(bytes).map_err(|e| Error::malformed(Structure::Strokes, e))?;
        if wire.strokes.len() > MAX_STROKES {
            return Err(Error::limit(Limit::Strokes, wire.strokes.len()));
        }
        let mut total = 0usize;
        let mut strokes = Vec::with_capacity(wire.strokes.len());
        for packed in &wire.strokes {
            let points = unpack(packed.as_bytes())?;
            total += points.len();
            if total > MAX_STROKE_POINTS {
                return Err(Error::limit(Limit::StrokePoints, total));
            }
            strokes.push(points);
        }
        Strokes::new(wire.width, wire.height, strokes)
    }
}

#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "deltas are range-checked to fit i8 and stored as two's-complement bytes"
)]
fn unpack(mut b: &[u8]) -> Result<Vec<(u16, u16)>, Error> {
    let bad = Error::field(Field::Strokes);
    let abs = |b: &[u8]| -> Option<(u16, u16)> {
        match b {
            [x0, x1, y0, y1, ..] => Some((
                u16::from_be_bytes([*x0, *x1]),
                u16::from_be_bytes([*y0, *y1]),
            )),
            _ => None,
        }
    };
    let first = abs(b).ok_or(bad)?;
    b = b.get(4..).ok_or(bad)?;
    let mut points = vec![first];
    let mut cur = first;
    while let [d0, rest @ ..] = b {
        let next = if *d0 == ESCAPE {
            let p = abs(rest).ok_or(bad)?;
            let (dx, dy) = (
                i32::from(p.0) - i32::from(cur.0),
                i32::from(p.1) - i32::from(cur.1),
            );
            if fits(dx) && fits(dy) {
                return Err(bad); // escape used where a delta fits: not canonical
            }
            b = rest.get(4..).ok_or(bad)?;
            p
        } else {
            let [d1, rest2 @ ..] = rest else {
                return Err(bad);
            };
            let x = i32::from(cur.0) + i32::from(*d0 as i8);
            let y = i32::from(cur.1) + i32::from(*d1 as i8);
            b = rest2;
            (
                u16::try_from(x).map_err(|_| bad)?,
                u16::try_from(y).map_err(|_| bad)?,
            )
        };
        if points.len() >= MAX_STROKE_POINTS {
            return Err(Error::limit(Limit::StrokePoints, points.len() + 1));
        }
        points.push(next);
        cur = next;
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_escapes() {
        let s = Strokes::new(
            1000,
            400,
            vec![
                vec![(10, 10), (20, 15), (900, 390), (899, 389)],
                vec![(5, 5)],
            ],
        )
        .unwrap();
        let der = s.to_der().unwrap();
        assert_eq!(Strokes::from_der(&der).unwrap(), s);
    }

    #[test]
    fn rejects_non_canonical_escape_and_outside_points() {
        let s = Strokes::new(100, 100, vec![vec![(1, 1), (2, 2)]]).unwrap();
        let mut der = s.to_der().unwrap();
        // Replace the delta (1,1) by an escape to (2,2): same points, other encoding.
        let n = der.len();
        der.truncate(n - 2);
        der.extend_from_slice(&[0x80, 0, 2, 0, 2]);
        der[1] += 3; // outer length
        let pos = der.iter().position(|&b| b == 0x04).unwrap();
        der[pos + 1] += 3; // octet string length
        let seq_pos = pos - 2;
        der[seq_pos + 1] += 3; // SEQUENCE OF length
        assert_eq!(Strokes::from_der(&der), Err(Error::field(Field::Strokes)));
        assert_eq!(
            Strokes::new(10, 10, vec![vec![(10, 0)]]),
            Err(Error::field(Field::Strokes))
        );
        assert_eq!(
            Strokes::new(10, 10, vec![vec![(0, 0)]; MAX_STROKES + 1]),
            Err(Error::limit(Limit::Strokes, MAX_STROKES + 1))
        );
    }
}
