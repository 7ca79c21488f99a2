//! Affine points, shared by the constant-time ([`crate::ct`]) and variable-time
//! ([`crate::vartime`]) arithmetic. Conversions here are constant time unless named otherwise.

use p256::elliptic_curve::point::AffineCoordinates;
use p256::{AffinePoint, FieldBytes};
use subtle::{Choice, ConditionallySelectable, CtOption};

use crate::field::Fe;

/// A point of P-256 other than the identity, `(x, y)` with `y² = x³ − 3x + b`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Affine {
    pub(crate) x: Fe,
    pub(crate) y: Fe,
}

impl Affine {
    /// The point `(x, y)`, unchecked: for the generated base table only.
    pub(crate) const fn new_unchecked(x: Fe, y: Fe) -> Self {
        Affine { x, y }
    }

    /// The generator `G`.
    pub const GENERATOR: Affine = Affine {
        x: Fe::from_be_hex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"),
        y: Fe::from_be_hex("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"),
    };

    /// From p256's type; `None` for the identity (it has no affine coordinates).
    pub fn from_p256(p: &AffinePoint) -> Option<Affine> {
        if bool::from(p.is_identity()) {
            return None;
        }
        let x = Option::<Fe>::from(Fe::from_bytes(&p.x().into()))?;
        let y = Option::<Fe>::from(Fe::from_bytes(&p.y().into()))?;
        Some(Affine { x, y })
    }

    /// p256's type (which checks that the point is on the curve, in variable time).
    pub fn to_p256(&self) -> AffinePoint {
        let (x, y) = (
            FieldBytes::from(self.x.to_bytes()),
            FieldBytes::from(self.y.to_bytes()),
        );
        Option::<AffinePoint>::from(AffinePoint::from_coordinates(&x, &y))
            .unwrap_or(AffinePoint::IDENTITY)
    }

    /// The point with x-coordinate `x` (big-endian) and the given parity of `y`, if there is
    /// one, in **variable time** (public inputs: batch verification's `R`).
    pub fn decompress_vartime(x: &[u8; 32], y_is_odd: bool) -> Option<Affine> {
        let x = Option::<Fe>::from(Fe::from_bytes(x))?;
        let y2 = x
            .square_vartime()
            .mul_vartime(&x)
            .sub_vartime(&x.double_vartime().add_vartime(&x))
            .add_vartime(&Fe::B);
        let y = y2.sqrt_vartime()?;
        let y = if bool::from(y.is_odd()) == y_is_odd {
            y
        } else {
            y.neg()
        };
        Some(Affine { x, y })
    }

    /// The point with x-coordinate `x` (big-endian) and the given parity of `y`, if there is
    /// one. Constant time.
    pub fn decompress(x: &[u8; 32], y_is_odd: Choice) -> CtOption<Affine> {
        Fe::from_bytes(x).and_then(|x| {
            // y² = x³ − 3x + b
            let y2 = x.square().mul(&x).sub(&x.double().add(&x)).add(&Fe::B);
            y2.sqrt().map(|y| {
                let flip = y.is_odd() ^ y_is_odd;
                Affine {
                    x,
                    y: Fe::conditional_select(&y, &y.neg(), flip),
                }
            })
        })
    }

    /// `−P`.
    pub fn neg(&self) -> Affine {
        Affine {
            x: self.x,
            y: self.y.neg(),
        }
    }

    /// The x-coordinate, 32 big-endian bytes.
    pub fn x_bytes(&self) -> [u8; 32] {
        self.x.to_bytes()
    }

    /// Whether `y` is odd.
    pub fn y_is_odd(&self) -> Choice {
        self.y.is_odd()
    }

    /// Whether the point is on the curve (variable time; tests and public inputs).
    pub fn is_on_curve_vartime(&self) -> bool {
        let rhs = self
            .x
            .square()
            .mul(&self.x)
            .sub(&self.x.double().add(&self.x))
            .add(&Fe::B);
        self.y.square() == rhs
    }
}

impl ConditionallySelectable for Affine {
    #[inline(always)]
    fn conditional_select(a: &Self, b: &Self, choice: Choice) -> Self {
        Affine {
            x: Fe::conditional_select(&a.x, &b.x, choice),
            y: Fe::conditional_select(&a.y, &b.y, choice),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use p256::elliptic_curve::point::DecompressPoint;
    use p256::{ProjectivePoint, Scalar};

    #[test]
    fn conversions_and_decompression_match_p256() {
        assert_eq!(
            Affine::from_p256(&AffinePoint::GENERATOR),
            Some(Affine::GENERATOR)
        );
        assert_eq!(Affine::from_p256(&AffinePoint::IDENTITY), None);
        for k in 1..100u64 {
            let p = (ProjectivePoint::GENERATOR * Scalar::from(k * k * 7919)).to_affine();
            let ours = Affine::from_p256(&p).unwrap();
            assert!(ours.is_on_curve_vartime());
            assert_eq!(ours.to_p256(), p);
            for odd in [false, true] {
                let theirs: Option<AffinePoint> =
                    AffinePoint::decompress(&p.x(), u8::from(odd).into()).into();
                let mine: Option<Affine> =
                    Affine::decompress(&p.x().into(), Choice::from(u8::from(odd))).into();
                assert_eq!(mine, theirs.and_then(|t| Affine::from_p256(&t)), "k = {k}");
                assert_eq!(Affine::decompress_vartime(&p.x().into(), odd), mine);
            }
        }
        // An x with no point: p256 and we agree.
        let mut x = [0u8; 32];
        let none = (0u8..50)
            .find(|&i| {
                x[31] = i;
                bool::from(AffinePoint::decompress(&x.into(), 0.into()).is_none())
            })
            .unwrap();
        x[31] = none;
        assert!(bool::from(
            Affine::decompress(&x, Choice::from(0)).is_none()
        ));
        assert!(bool::from(
            Affine::decompress(&[0xff; 32], Choice::from(0)).is_none()
        ));
    }
}
