//! Jacobian points in **variable time**, for batch verification only (every input there is
//! public): `x = X/Z²`, `y = Y/Z³`, identity `Z = 0`, with the `a = −3` formulas of the
//! Explicit-Formulas Database and a branch for each special case (identity, `P = ±Q`), so
//! every formula here is complete. Signing and single verification never use it: they use
//! [`crate::ct`].

use crate::field::Fe;
use crate::point::Affine;

/// A point in Jacobian coordinates.
#[derive(Clone, Copy, Debug)]
pub struct Jacobian {
    x: Fe,
    y: Fe,
    z: Fe,
}

impl Jacobian {
    /// The identity.
    pub const IDENTITY: Jacobian = Jacobian {
        x: Fe::ONE,
        y: Fe::ONE,
        z: Fe::ZERO,
    };

    /// Whether this is the identity.
    pub fn is_identity(&self) -> bool {
        self.z.is_zero_vartime()
    }

    /// `P` with `Z = 1`.
    pub fn from_affine(p: &Affine) -> Jacobian {
        Jacobian {
            x: p.x,
            y: p.y,
            z: Fe::ONE,
        }
    }

    /// dbl-2001-b (a = −3): 3M + 5S.
    pub fn double(&self) -> Jacobian {
        if self.is_identity() || self.y.is_zero_vartime() {
            return Jacobian::IDENTITY;
        }
        let delta = self.z.square_vartime();
        let gamma = self.y.square_vartime();
        let beta = self.x.mul_vartime(&gamma);
        let t = self
            .x
            .sub_vartime(&delta)
            .mul_vartime(&self.x.add_vartime(&delta));
        let alpha = t.double_vartime().add_vartime(&t);
        let beta4 = beta.double_vartime().double_vartime();
        let x3 = alpha.square_vartime().sub_vartime(&beta4.double_vartime());
        let z3 = self
            .y
            .add_vartime(&self.z)
            .square_vartime()
            .sub_vartime(&gamma)
            .sub_vartime(&delta);
        let gamma2_8 = gamma
            .square_vartime()
            .double_vartime()
            .double_vartime()
            .double_vartime();
        let y3 = alpha
            .mul_vartime(&beta4.sub_vartime(&x3))
            .sub_vartime(&gamma2_8);
        Jacobian {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// madd-2007-bl (Z2 = 1): 7M + 4S.
    pub fn add_affine(&self, q: &Affine) -> Jacobian {
        if self.is_identity() {
            return Jacobian::from_affine(q);
        }
        let z1z1 = self.z.square_vartime();
        let u2 = q.x.mul_vartime(&z1z1);
        let s2 = q.y.mul_vartime(&self.z).mul_vartime(&z1z1);
        let h = u2.sub_vartime(&self.x);
        let r = s2.sub_vartime(&self.y).double_vartime();
        if h.is_zero_vartime() {
            return if r.is_zero_vartime() {
                Jacobian::from_affine(q).double()
            } else {
                Jacobian::IDENTITY
            };
        }
        let hh = h.square_vartime();
        let i = hh.double_vartime().double_vartime();
        let j = h.mul_vartime(&i);
        let v = self.x.mul_vartime(&i);
        let x3 = r
            .square_vartime()
            .sub_vartime(&j)
            .sub_vartime(&v.double_vartime());
        let y3 = r
            .mul_vartime(&v.sub_vartime(&x3))
            .sub_vartime(&self.y.mul_vartime(&j).double_vartime());
        let z3 = self
            .z
            .add_vartime(&h)
            .square_vartime()
            .sub_vartime(&z1z1)
            .sub_vartime(&hh);
        Jacobian {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// `P − Q` for an affine `Q`.
    pub fn sub_affine(&self, q: &Affine) -> Jacobian {
        self.add_affine(&q.neg())
    }

    /// `−P` (the identity stays the identity).
    pub fn neg(&self) -> Jacobian {
        Jacobian {
            x: self.x,
            y: self.y.neg(),
            z: self.z,
        }
    }

    /// add-2007-bl: 11M + 5S.
    pub fn add(&self, q: &Jacobian) -> Jacobian {
        if self.is_identity() {
            return *q;
        }
        if q.is_identity() {
            return *self;
        }
        let z1z1 = self.z.square_vartime();
        let z2z2 = q.z.square_vartime();
        let u1 = self.x.mul_vartime(&z2z2);
        let u2 = q.x.mul_vartime(&z1z1);
        let s1 = self.y.mul_vartime(&q.z).mul_vartime(&z2z2);
        let s2 = q.y.mul_vartime(&self.z).mul_vartime(&z1z1);
        let h = u2.sub_vartime(&u1);
        let r = s2.sub_vartime(&s1).double_vartime();
        if h.is_zero_vartime() {
            return if r.is_zero_vartime() {
                self.double()
            } else {
                Jacobian::IDENTITY
            };
        }
        let i = h.double_vartime().square_vartime();
        let j = h.mul_vartime(&i);
        let v = u1.mul_vartime(&i);
        let x3 = r
            .square_vartime()
            .sub_vartime(&j)
            .sub_vartime(&v.double_vartime());
        let y3 = r
            .mul_vartime(&v.sub_vartime(&x3))
            .sub_vartime(&s1.mul_vartime(&j).double_vartime());
        let z3 = self
            .z
            .add_vartime(&q.z)
            .square_vartime()
            .sub_vartime(&z1z1)
            .sub_vartime(&z2z2)
            .mul_vartime(&h);
        Jacobian {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// The affine coordinates; `None` for the identity.
    pub fn to_affine(&self) -> Option<Affine> {
        if self.is_identity() {
            return None;
        }
        let zi = self.z.invert();
        let zi2 = zi.square_vartime();
        Some(Affine {
            x: self.x.mul_vartime(&zi2),
            y: self.y.mul_vartime(&zi2).mul_vartime(&zi),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use p256::elliptic_curve::group::Group;
    use p256::{AffinePoint, ProjectivePoint, Scalar};

    fn point(k: u64) -> AffinePoint {
        (ProjectivePoint::GENERATOR * Scalar::from(k).square().square()).to_affine()
    }

    fn ours(k: u64) -> Affine {
        Affine::from_p256(&point(k)).unwrap()
    }

    #[test]
    fn point_operations_match_p256() {
        for k in 1..60u64 {
            let (a, b) = (point(k), point(k + 1000));
            let (ja, ab) = (Jacobian::from_affine(&ours(k)), ours(k + 1000));
            let expect = |p: ProjectivePoint| Affine::from_p256(&p.to_affine());
            assert_eq!(
                ja.add_affine(&ab).to_affine(),
                expect(ProjectivePoint::from(a) + b)
            );
            assert_eq!(
                ja.sub_affine(&ab).to_affine(),
                expect(ProjectivePoint::from(a) - b)
            );
            assert_eq!(
                ja.double().to_affine(),
                expect(ProjectivePoint::from(a).double())
            );
            // Full additions of non-normalised points, and the special cases.
            let jb = Jacobian::from_affine(&ab).double().add_affine(&ab);
            let b3 = ProjectivePoint::from(b) * Scalar::from(3u64);
            assert_eq!(
                ja.double().add(&jb).to_affine(),
                expect(ProjectivePoint::from(a).double() + b3)
            );
            assert_eq!(
                ja.add_affine(&ours(k)).to_affine(),
                expect(ProjectivePoint::from(a).double())
            );
            assert_eq!(
                ja.double().add(&ja.double()).to_affine(),
                expect(ProjectivePoint::from(a).double().double())
            );
            assert!(ja.add_affine(&ours(k).neg()).is_identity());
            assert!(ja.add(&Jacobian::from_affine(&ours(k).neg())).is_identity());
            assert!(ja.add(&ja.neg()).is_identity());
            assert_eq!(Jacobian::IDENTITY.add(&ja).to_affine(), Some(ours(k)));
            assert_eq!(ja.add(&Jacobian::IDENTITY).to_affine(), Some(ours(k)));
            assert_eq!(
                Jacobian::IDENTITY.add_affine(&ours(k)).to_affine(),
                Some(ours(k))
            );
            assert!(Jacobian::IDENTITY.double().is_identity());
        }
    }
}
