//! GF(p) for P-256's prime `p = 2²⁵⁶ − 2²²⁴ + 2¹⁹² + 2⁹⁶ − 1`, in the Montgomery domain
//! (`a·2²⁵⁶ mod p`), always fully reduced, so equality is limb equality.
//!
//! Two sources, chosen by measurement (docs/BENCHMARKS.md, "Field"):
//!
//! - **fiat-crypto** (`p256_64`, formally verified generated code) for everything but
//!   multiplication: addition, subtraction, negation, selection, and the conversions.
//! - **Our Montgomery multiplication**, specialised to P-256's prime: fiat's is slower on the
//!   project's machines (docs/BENCHMARKS.md, group `field`). It comes in two flavours that
//!   differ only in the final subtraction: [`Fe::mul`] selects it with fiat's `cmovznz`,
//!   [`Fe::mul_vartime`] branches (batch verification, public data).
//!   - Where the machine multiplies 64×64→128 bits: 64-bit words, the CIOS loop, and a
//!     squaring of its own. The reduction multiplier is the low word `m` itself (`−p⁻¹ ≡ 1`
//!     modulo the word) and `m·p = m·2⁹⁶ − m + m·p₃·2¹⁹²`: one multiplication per word.
//!   - Where pointers are 32 bits wide (wasm32, microcontrollers), which have no such
//!     instruction: 32-bit words, the product as carry-free column sums of split 64-bit
//!     partial products, and a reduction without multiplication (`m·p` is `m` added and
//!     subtracted at four shifted words, from the shape of `p`).
//!
//!   The tests check every flavour and both word sizes against fiat's verified `p256_64` and
//!   `p256_32` multiplications.
//!
//! **Inlining**: the field operations (and the point steps of `ct`) are `#[inline(always)]`
//! on native targets, where the scalar multiplications run faster with every limb operation
//! inlined. On wasm32 the attribute is left off: the browser module is downloaded by every
//! receipt viewer, and inlining every 32-bit-word multiplication into each scalar
//! multiplication made it several hundred kilobytes larger. Inlining changes no instruction's
//! dependence on secret values.
//!
//! **Constant time**: everything but the functions named `*_vartime` (and [`PartialEq`], for
//! tests and public values) runs in time independent of the values: straight-line limb
//! arithmetic, selections by mask, exponentiation chains of fixed shape, comparisons returning
//! [`Choice`].

use core::fmt;
use core::ops::{Add, Mul, Neg, Sub};

use subtle::{Choice, ConditionallySelectable, ConstantTimeEq, CtOption};

/// fiat-crypto's P-256 field code with 64-bit limbs (wasm32 has 64-bit integers; only its
/// 64×64→128-bit multiplication, used by the conversions alone, is slow there).
mod words {
    pub(super) use fiat_crypto::p256_64::{
        fiat_p256_add as add, fiat_p256_from_bytes as from_bytes,
        fiat_p256_from_montgomery as from_montgomery,
        fiat_p256_montgomery_domain_field_element as Mont,
        fiat_p256_non_montgomery_domain_field_element as Plain, fiat_p256_nonzero as nonzero,
        fiat_p256_opp as opp, fiat_p256_selectznz as selectznz, fiat_p256_sub as sub,
        fiat_p256_to_bytes as to_bytes, fiat_p256_to_montgomery as to_montgomery,
    };
    /// Limbs of an element, little-endian.
    pub(super) type Limbs = [u64; 4];
}

use words::{Limbs, Mont, Plain};

/// p, big-endian.
const P_BYTES: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
];

/// An element of GF(p), in the Montgomery domain, fully reduced.
#[derive(Clone, Copy)]
pub struct Fe(Limbs);

// The operations as methods taking the right operand by reference (the operator traits below
// forward to them): the arithmetic reads as the formulas it implements.
#[allow(clippy::should_implement_trait)]
impl Fe {
    /// 0.
    pub const ZERO: Fe = Fe([0; 4]);
    /// 1.
    pub const ONE: Fe =
        Fe::from_be_hex("0000000000000000000000000000000000000000000000000000000000000001");
    /// The curve's `b` (`y² = x³ − 3x + b`).
    pub const B: Fe =
        Fe::from_be_hex("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");

    /// From 64 hex digits (big-endian) of a value below p, at compile time: constants and the
    /// generated base table. An invalid digit or a value `≥ p` stops the build.
    #[allow(clippy::panic, clippy::indexing_slicing)] // const evaluation: a panic is a compile error
    pub const fn from_be_hex(hex: &str) -> Fe {
        let hex = hex.as_bytes();
        assert!(hex.len() == 64, "64 hex digits");
        let mut be = [0u8; 32];
        let mut i = 0;
        while i < 64 {
            let d = match hex[i] {
                c @ b'0'..=b'9' => c - b'0',
                c @ b'a'..=b'f' => c - b'a' + 10,
                c @ b'A'..=b'F' => c - b'A' + 10,
                _ => panic!("not a hex digit"),
            };
            be[i / 2] |= d << (4 * (1 - i % 2));
            i += 1;
        }
        // Lexicographic comparison with p (public constants: variable time is fine).
        let mut j = 0;
        while j < 32 && be[j] == P_BYTES[j] {
            j += 1;
        }
        assert!(j < 32 && be[j] < P_BYTES[j], "value not below p");
        Fe::from_be_unchecked(&be)
    }

    /// The plain (non-Montgomery) limbs of a big-endian value.
    #[allow(clippy::indexing_slicing)] // fixed-size arrays, loop counters below their length
    const fn from_be_unchecked_plain(be: &[u8; 32]) -> Limbs {
        let mut le = [0u8; 32];
        let mut i = 0;
        while i < 32 {
            le[i] = be[31 - i];
            i += 1;
        }
        let mut plain: Limbs = Fe::ZERO.0;
        words::from_bytes(&mut plain, &le);
        plain
    }

    /// The element of a big-endian value known to be below p.
    const fn from_be_unchecked(be: &[u8; 32]) -> Fe {
        let mut out = Mont(Fe::ZERO.0);
        words::to_montgomery(&mut out, &Plain(Fe::from_be_unchecked_plain(be)));
        Fe(out.0)
    }

    /// From 32 big-endian bytes, if the value is below p. Constant time (the range check is a
    /// borrow chain); the [`CtOption`] is the caller's to open.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_possible_wrap,
        clippy::cast_sign_loss,
        reason = "the low word of a double-width product or sum, and 0/1 flags, by design"
    )]
    pub fn from_bytes(be: &[u8; 32]) -> CtOption<Fe> {
        // be − p borrows exactly when be < p.
        let mut borrow = 0u16;
        for (b, p) in be.iter().zip(P_BYTES).rev() {
            let t = u16::from(*b)
                .wrapping_sub(u16::from(p))
                .wrapping_sub(borrow);
            borrow = (t >> 8) & 1;
        }
        let below = Choice::from(borrow as u8);
        // Reduce an out-of-range value with a dummy (p itself would break fiat's precondition).
        let mut safe = *be;
        for (s, z) in safe.iter_mut().zip([0u8; 32]) {
            *s = u8::conditional_select(&z, s, below);
        }
        CtOption::new(Fe::from_be_unchecked(&safe), below)
    }

    /// The canonical value, 32 big-endian bytes.
    pub fn to_bytes(self) -> [u8; 32] {
        let mut plain = Plain(Fe::ZERO.0);
        words::from_montgomery(&mut plain, &Mont(self.0));
        let mut le = [0u8; 32];
        words::to_bytes(&mut le, &plain.0);
        le.reverse();
        le
    }

    /// `self · rhs`.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_possible_wrap,
        clippy::cast_sign_loss,
        reason = "the low word of a double-width product or sum, and 0/1 flags, by design"
    )]
    pub fn mul(self, rhs: &Fe) -> Fe {
        let (r, carry) = mont_mul_unreduced(&self.0, &rhs.0);
        // r < 2p: subtract p when the carry is set or r ≥ p, selected by mask.
        let (d, borrow) = sub_p(&r);
        let keep = (!carry & borrow) as u8;
        let mut out: Limbs = [0; 4];
        words::selectznz(&mut out, keep, &d, &r);
        Fe(out)
    }

    /// `self²`.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_possible_wrap,
        clippy::cast_sign_loss,
        reason = "the low word of a double-width product or sum, and 0/1 flags, by design"
    )]
    pub fn square(self) -> Fe {
        let (r, carry) = mont_sqr_unreduced(&self.0);
        let (d, borrow) = sub_p(&r);
        let keep = (!carry & borrow) as u8;
        let mut out: Limbs = [0; 4];
        words::selectznz(&mut out, keep, &d, &r);
        Fe(out)
    }

    /// `self + rhs`.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn add(self, rhs: &Fe) -> Fe {
        let mut out = Mont(Fe::ZERO.0);
        words::add(&mut out, &Mont(self.0), &Mont(rhs.0));
        Fe(out.0)
    }

    /// `self − rhs`.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn sub(self, rhs: &Fe) -> Fe {
        let mut out = Mont(Fe::ZERO.0);
        words::sub(&mut out, &Mont(self.0), &Mont(rhs.0));
        Fe(out.0)
    }

    /// `−self`.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn neg(self) -> Fe {
        let mut out = Mont(Fe::ZERO.0);
        words::opp(&mut out, &Mont(self.0));
        Fe(out.0)
    }

    /// `2·self`.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn double(self) -> Fe {
        self.add(&self)
    }

    /// Whether `self = 0`.
    pub fn is_zero(self) -> Choice {
        let mut any = 0u64;
        words::nonzero(&mut any, &self.0);
        any.ct_eq(&0)
    }

    /// Whether `self = 0`, in variable time (public values only).
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn is_zero_vartime(self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }

    /// Whether the canonical value is odd.
    pub fn is_odd(self) -> Choice {
        let mut plain = Plain(Fe::ZERO.0);
        words::from_montgomery(&mut plain, &Mont(self.0));
        Choice::from((plain.0.first().copied().unwrap_or(0) & 1) as u8)
    }

    /// `self^(2ⁿ)`.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn sqn(self, n: usize) -> Fe {
        let mut x = self;
        for _ in 0..n {
            x = x.square();
        }
        x
    }

    /// `self⁻¹`, and 0 for 0: `self^(p−2)` by a fixed addition chain (255 squarings, 12
    /// multiplications), constant time.
    pub fn invert(self) -> Fe {
        // p − 2 = ffffffff 00000001 00000000 00000000 00000000 ffffffff ffffffff fffffffd.
        let t111 = self.mul(&self.mul(&self.square()).square());
        let t111111 = t111.mul(&t111.sqn(3));
        let x15 = t111111.sqn(6).mul(&t111111).sqn(3).mul(&t111);
        let x16 = x15.square().mul(&self);
        let i53 = x16.sqn(16).mul(&x16).sqn(15);
        let x47 = x15.mul(&i53);
        x47.mul(&i53.sqn(17).mul(&self).sqn(143).mul(&x47).sqn(47))
            .sqn(2)
            .mul(&self)
    }

    /// A square root of `self`, if it is a square: `self^((p+1)/4)` (p ≡ 3 mod 4), then
    /// checked; constant time.
    pub fn sqrt(self) -> CtOption<Fe> {
        let s = self.sqrt_chain(Fe::mul, Fe::square);
        CtOption::new(s, s.square().ct_eq(&self))
    }

    /// `self^((p+1)/4)` by a fixed addition chain (253 squarings, 7 multiplications) over the
    /// given multiplication and squaring: the constant-time ones or the variable-time ones.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn sqrt_chain(self, mul: impl Fn(Fe, &Fe) -> Fe, square: impl Fn(Fe) -> Fe) -> Fe {
        let sqn = |x: Fe, n: usize| (0..n).fold(x, |x, _| square(x));
        let t11 = mul(self, &square(self));
        let t1111 = mul(t11, &sqn(t11, 2));
        let t8 = mul(t1111, &sqn(t1111, 4));
        let x16 = mul(sqn(t8, 8), &t8);
        let s = mul(sqn(x16, 16), &x16);
        let s = mul(sqn(s, 32), &self);
        let s = mul(sqn(s, 96), &self);
        sqn(s, 94)
    }
}

/// p in the limbs of [`Fe`], little-endian.
const P_LIMBS: Limbs = Fe::from_be_unchecked_plain(&P_BYTES);

/// `a·b·2⁻²⁵⁶` before the final subtraction: a value below `2p` as four limbs and the carry
/// of its 2²⁵⁶ bit (0 or 1). 64-bit words with 128-bit products, by the CIOS loop of
/// Montgomery multiplication: since `−p⁻¹ ≡ 1 (mod 2⁶⁴)`, the reduction multiplier is the low
/// word itself, and the shape of `p` leaves one multiplication in each reduction step. Every
/// step fits the double width: `(2⁶⁴−1)² + 2·(2⁶⁴−1) = 2¹²⁸−1`.
/// Straight-line arithmetic: no branch, no secret index.
#[cfg(all(target_pointer_width = "64", not(feature = "words32")))]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
#[allow(clippy::indexing_slicing, clippy::needless_range_loop)] // fixed sizes, loop counters
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "the low word of a double-width product or sum, and 0/1 flags, by design"
)]
fn mont_mul_unreduced(a: &Limbs, b: &Limbs) -> (Limbs, u64) {
    let mut t = [0u64; 6];
    for i in 0..4 {
        let mut carry = 0u128;
        for j in 0..4 {
            let s = u128::from(t[j]) + u128::from(a[j]) * u128::from(b[i]) + carry;
            t[j] = s as u64;
            carry = s >> 64;
        }
        let s = u128::from(t[4]) + carry;
        t[4] = s as u64;
        t[5] = (s >> 64) as u64;
        // m = t[0]·(−p⁻¹) = t[0]; adding m·p clears t[0], then shift one word.
        let mut above = [t[1], t[2], t[3]];
        let carry = add_m_p(t[0], &mut above);
        let [t1, t2, t3] = above;
        let s = u128::from(t[4]) + carry;
        t = [t1, t2, t3, s as u64, t[5] + (s >> 64) as u64, 0];
    }
    ([t[0], t[1], t[2], t[3]], t[4])
}

/// One step of Montgomery reduction on 64-bit words: `m·p` added to the word `m` (which it
/// clears exactly) and to the three `words` above it, as `words + m·p·2⁻⁶⁴`; returns the carry
/// into the next word. With `p = 2²⁵⁶ − 2²²⁴ + 2¹⁹² + 2⁹⁶ − 1`,
/// `m·p = m·2⁹⁶ − m + m·p₃·2¹⁹²` (`p₃ = 2⁶⁴ − 2³² + 1`, p's top limb): `m·2³²` and `m·2⁻³²`
/// land in the first two words and `m·p₃` in the third, one multiplication instead of four.
#[cfg(all(target_pointer_width = "64", not(feature = "words32")))]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
#[allow(
    clippy::cast_possible_truncation,
    reason = "the low word of a double-width sum, by design"
)]
fn add_m_p(m: u64, words: &mut [u64; 3]) -> u128 {
    let [w0, w1, w2] = *words;
    let s0 = u128::from(w0) + u128::from(m << 32);
    let s1 = u128::from(w1) + u128::from(m >> 32) + (s0 >> 64);
    let s2 = u128::from(w2) + u128::from(m) * u128::from(P_LIMBS[3]) + (s1 >> 64);
    *words = [s0 as u64, s1 as u64, s2 as u64];
    s2 >> 64
}

/// [`mont_mul_unreduced`] of `a·a`, with the product computed once per pair of limbs (10
/// multiplications instead of 16), then reduced word by word (separated operand scanning).
#[cfg(all(target_pointer_width = "64", not(feature = "words32")))]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
#[allow(clippy::indexing_slicing, clippy::needless_range_loop)] // fixed sizes, loop counters
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "the low word of a double-width product or sum, and 0/1 flags, by design"
)]
fn mont_sqr_unreduced(a: &Limbs) -> (Limbs, u64) {
    let mut t = [0u64; 8];
    // The cross products aᵢ·aⱼ (i < j), then doubled: below 2⁵¹¹, so no bit is lost.
    for i in 0..4 {
        let mut carry = 0u128;
        for j in i + 1..4 {
            let s = u128::from(t[i + j]) + u128::from(a[i]) * u128::from(a[j]) + carry;
            t[i + j] = s as u64;
            carry = s >> 64;
        }
        t[i + 4] = carry as u64;
    }
    let mut top = 0u64;
    for w in t.iter_mut().skip(1) {
        let v = *w;
        *w = (v << 1) | top;
        top = v >> 63;
    }
    // The squares aᵢ².
    let mut carry = 0u128;
    for i in 0..4 {
        let sq = u128::from(a[i]) * u128::from(a[i]);
        let lo = u128::from(t[2 * i]) + (sq & u128::from(u64::MAX)) + carry;
        t[2 * i] = lo as u64;
        let hi = u128::from(t[2 * i + 1]) + (sq >> 64) + (lo >> 64);
        t[2 * i + 1] = hi as u64;
        carry = hi >> 64;
    }
    // Four reduction rounds: t += m·p·2⁶⁴ⁱ with m = tᵢ (−p⁻¹ ≡ 1), carries kept for the next.
    let mut above = 0u64;
    for i in 0..4 {
        let mut words = [t[i + 1], t[i + 2], t[i + 3]];
        let carry = add_m_p(t[i], &mut words);
        [t[i + 1], t[i + 2], t[i + 3]] = words;
        t[i] = 0;
        let s = u128::from(t[i + 4]) + carry + u128::from(above);
        t[i + 4] = s as u64;
        above = (s >> 64) as u64;
    }
    ([t[4], t[5], t[6], t[7]], above)
}

/// [`mont_sqr_unreduced`] with 32-bit words and 64-bit products (no 64×64→128-bit
/// multiplication on these machines: a `u128` product is a library call there).
#[cfg(any(not(target_pointer_width = "64"), feature = "words32"))]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn mont_sqr_unreduced(a: &Limbs) -> (Limbs, u64) {
    let (r, carry) = reduce_columns(&sqr_columns(&split(a)));
    (join(&r), u64::from(carry))
}

/// [`mont_mul_unreduced`] with 32-bit words and 64-bit products.
#[cfg(any(not(target_pointer_width = "64"), feature = "words32"))]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn mont_mul_unreduced(a: &Limbs, b: &Limbs) -> (Limbs, u64) {
    let (r, carry) = reduce_columns(&mul_columns(&split(a), &split(b)));
    (join(&r), u64::from(carry))
}

/// The product `a·b` of two 8-word numbers as 16 column sums, `a·b = Σ col[k]·2³²ᵏ`: each
/// 64-bit partial product is split, its low half into its own column and its high half into
/// the next. A column gathers at most 16 halves, so it stays below 2³⁶ and no carry is
/// propagated while multiplying (the reduction does it once).
#[cfg_attr(
    all(target_pointer_width = "64", not(feature = "words32")),
    allow(dead_code)
)]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
#[allow(clippy::indexing_slicing, clippy::needless_range_loop)] // fixed sizes, loop counters
fn mul_columns(a: &[u32; 8], b: &[u32; 8]) -> [u64; 16] {
    let mut col = [0u64; 16];
    for i in 0..8 {
        for j in 0..8 {
            let p = u64::from(a[i]) * u64::from(b[j]);
            col[i + j] += p & 0xffff_ffff;
            col[i + j + 1] += p >> 32;
        }
    }
    col
}

/// [`mul_columns`] of `a·a`: the 28 cross products once, the columns doubled (below 2³⁷),
/// then the 8 squares (below 2³⁸).
#[cfg_attr(
    all(target_pointer_width = "64", not(feature = "words32")),
    allow(dead_code)
)]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
#[allow(clippy::indexing_slicing, clippy::needless_range_loop)] // fixed sizes, loop counters
fn sqr_columns(a: &[u32; 8]) -> [u64; 16] {
    let mut col = [0u64; 16];
    for i in 0..8 {
        for j in i + 1..8 {
            let p = u64::from(a[i]) * u64::from(a[j]);
            col[i + j] += p & 0xffff_ffff;
            col[i + j + 1] += p >> 32;
        }
    }
    for c in &mut col {
        *c <<= 1;
    }
    for i in 0..8 {
        let p = u64::from(a[i]) * u64::from(a[i]);
        col[2 * i] += p & 0xffff_ffff;
        col[2 * i + 1] += p >> 32;
    }
    col
}

/// Montgomery reduction of column sums (each below 2³⁸, of a value `T < p²`): `T·2⁻²⁵⁶ mod p`
/// as a value below `2p`, eight words and the carry of its 2²⁵⁶ bit (0 or 1).
///
/// Word by word from the bottom: the word is made exact (its carry moves up), and
/// `m·p·2³²ⁱ` is added with `m` the word itself, since `−p⁻¹ ≡ 1 (mod 2³²)`. With
/// `p = 2²⁵⁶ − 2²²⁴ + 2¹⁹² + 2⁹⁶ − 1`, that addition clears word `i` and adds or subtracts `m`
/// at words `i + 3`, `i + 6`, `i + 7` and `i + 8`: no multiplication. The columns are signed
/// (a subtraction may leave one negative); an arithmetic shift carries a negative column
/// correctly, and every column stays below 2⁴⁰ in magnitude. The result is
/// `(T + M·p)/2²⁵⁶ < (p² + 2²⁵⁶·p)/2²⁵⁶ < 2p`, so the last carry is 0 or 1.
#[cfg_attr(
    all(target_pointer_width = "64", not(feature = "words32")),
    allow(dead_code)
)]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
#[allow(clippy::indexing_slicing)] // fixed sizes, loop counters
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "columns below 2³⁸ as signed words, low halves of words, and a carry of 0 or 1"
)]
fn reduce_columns(col: &[u64; 16]) -> ([u32; 8], u32) {
    let mut c: [i64; 16] = core::array::from_fn(|k| col[k] as i64);
    for i in 0..8 {
        let m = c[i] & 0xffff_ffff;
        c[i + 1] += c[i] >> 32;
        c[i + 3] += m;
        c[i + 6] += m;
        c[i + 7] -= m;
        c[i + 8] += m;
    }
    let mut out = [0u32; 8];
    let mut carry = 0i64;
    for (o, v) in out.iter_mut().zip(&c[8..]) {
        let v = *v + carry;
        *o = v as u32;
        carry = v >> 32;
    }
    (out, carry as u32)
}

/// Four 64-bit limbs as eight 32-bit words, little-endian.
#[cfg_attr(
    all(target_pointer_width = "64", not(feature = "words32")),
    allow(dead_code)
)]
#[allow(clippy::indexing_slicing)] // i < 8
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "the low word of a double-width product or sum, and 0/1 flags, by design"
)]
fn split(x: &Limbs) -> [u32; 8] {
    core::array::from_fn(|i| (x[i / 2] >> (32 * (i % 2))) as u32)
}

/// The first eight 32-bit words as four 64-bit limbs.
#[cfg_attr(
    all(target_pointer_width = "64", not(feature = "words32")),
    allow(dead_code)
)]
#[allow(clippy::indexing_slicing)] // i < 4, words.len() ≥ 8
fn join(words: &[u32]) -> Limbs {
    core::array::from_fn(|i| u64::from(words[2 * i]) | (u64::from(words[2 * i + 1]) << 32))
}

/// `r − p` and its borrow (1 when `r < p`), straight-line.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn sub_p(r: &Limbs) -> (Limbs, u64) {
    let mut d: Limbs = [0; 4];
    let mut borrow = 0u64;
    for ((d, x), p) in d.iter_mut().zip(r).zip(P_LIMBS) {
        let (d1, b1) = x.overflowing_sub(p);
        let (d2, b2) = d1.overflowing_sub(borrow);
        *d = d2;
        borrow = u64::from(b1 | b2);
    }
    (d, borrow)
}

/// **Variable-time** Montgomery multiplication: [`Fe::mul`] with a branch for the final
/// subtraction (taken rarely), for batch verification's hot loops.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn mont_mul_vartime(a: &Limbs, b: &Limbs) -> Limbs {
    let (r, carry) = mont_mul_unreduced(a, b);
    if carry != 0 || !less_than_p(&r) {
        sub_p(&r).0
    } else {
        r
    }
}

/// Whether little-endian limbs are below p (variable time).
fn less_than_p(l: &Limbs) -> bool {
    for (x, p) in l.iter().zip(P_LIMBS).rev() {
        if *x != p {
            return *x < p;
        }
    }
    false
}

// The variable-time operations, for public values only (batch verification).
impl Fe {
    /// `self · rhs`, **variable time**.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn mul_vartime(self, rhs: &Fe) -> Fe {
        Fe(mont_mul_vartime(&self.0, &rhs.0))
    }

    /// `self²`, **variable time**.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn square_vartime(self) -> Fe {
        Fe(mont_mul_vartime(&self.0, &self.0))
    }

    /// `self + rhs`, **variable time** (a branch for the final subtraction).
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn add_vartime(self, rhs: &Fe) -> Fe {
        let mut r: Limbs = [0; 4];
        let mut carry = false;
        for ((r, a), b) in r.iter_mut().zip(self.0).zip(rhs.0) {
            let (s1, c1) = a.overflowing_add(b);
            let (s2, c2) = s1.overflowing_add(u64::from(carry));
            *r = s2;
            carry = c1 | c2;
        }
        if carry || !less_than_p(&r) {
            r = sub_p(&r).0;
        }
        Fe(r)
    }

    /// `self − rhs`, **variable time** (a branch for the correction).
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn sub_vartime(self, rhs: &Fe) -> Fe {
        let mut r: Limbs = [0; 4];
        let mut borrow = false;
        for ((r, a), b) in r.iter_mut().zip(self.0).zip(rhs.0) {
            let (d1, b1) = a.overflowing_sub(b);
            let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
            *r = d2;
            borrow = b1 | b2;
        }
        if borrow {
            // r + p (mod 2²⁵⁶)
            let mut carry = false;
            for (r, p) in r.iter_mut().zip(P_LIMBS) {
                let (s1, c1) = r.overflowing_add(p);
                let (s2, c2) = s1.overflowing_add(u64::from(carry));
                *r = s2;
                carry = c1 | c2;
            }
        }
        Fe(r)
    }

    /// `2·self`, **variable time**.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn double_vartime(self) -> Fe {
        self.add_vartime(&self)
    }

    /// [`Fe::sqrt`] in **variable time**: the same chain over [`Fe::mul_vartime`] (the largest
    /// cost of recovering `R` in batch verification).
    pub fn sqrt_vartime(self) -> Option<Fe> {
        let s = self.sqrt_chain(Fe::mul_vartime, Fe::square_vartime);
        (s.square_vartime() == self).then_some(s)
    }
}

impl Default for Fe {
    fn default() -> Self {
        Fe::ZERO
    }
}

impl ConstantTimeEq for Fe {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.0.ct_eq(&other.0)
    }
}

impl ConditionallySelectable for Fe {
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn conditional_select(a: &Self, b: &Self, choice: Choice) -> Self {
        let mut out: Limbs = Fe::ZERO.0;
        words::selectznz(&mut out, choice.unwrap_u8(), &a.0, &b.0);
        Fe(out)
    }
}

/// Variable-time equality (limbs are canonical): for tests and public values.
impl PartialEq for Fe {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for Fe {}

impl fmt::Debug for Fe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Fe(0x")?;
        for b in self.to_bytes() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

/// The operator traits, forwarding to the methods above.
macro_rules! binary_ops {
    ($($trait:ident $method:ident),*) => {$(
        impl $trait for Fe {
            type Output = Fe;
            #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
            fn $method(self, rhs: Fe) -> Fe {
                Fe::$method(self, &rhs)
            }
        }
    )*};
}

binary_ops!(Add add, Sub sub, Mul mul);

impl Neg for Fe {
    type Output = Fe;
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn neg(self) -> Fe {
        Fe::neg(self)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use p256::elliptic_curve::PrimeField;
    use p256::elliptic_curve::hazmat::FieldArithmetic;

    type Theirs = <p256::NistP256 as FieldArithmetic>::FieldElement;

    /// Deterministic pseudo-random field elements (big-endian bytes below p), and edge values.
    fn samples() -> Vec<[u8; 32]> {
        let mut out = vec![[0u8; 32], {
            let mut one = [0u8; 32];
            one[31] = 1;
            one
        }];
        let mut pm1 = P_BYTES;
        pm1[31] -= 1;
        out.push(pm1);
        let mut pm2 = P_BYTES;
        pm2[31] -= 2;
        out.push(pm2);
        let mut x = 0x0123_4567_89ab_cdefu64;
        for _ in 0..300 {
            let mut b = [0u8; 32];
            for chunk in b.chunks_mut(8) {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                chunk.copy_from_slice(&x.to_be_bytes());
            }
            if b >= P_BYTES {
                b[0] = 0x7f;
            }
            out.push(b);
        }
        out
    }

    fn ours(b: &[u8; 32]) -> Fe {
        Option::<Fe>::from(Fe::from_bytes(b)).unwrap()
    }

    fn theirs(b: &[u8; 32]) -> Theirs {
        Option::<Theirs>::from(Theirs::from_repr((*b).into())).unwrap()
    }

    fn same(a: Fe, b: Theirs) -> bool {
        a.to_bytes() == <[u8; 32]>::from(b.to_repr())
    }

    #[test]
    fn arithmetic_matches_p256() {
        let s = samples();
        for (i, a) in s.iter().enumerate() {
            let (x, y) = (ours(a), theirs(a));
            assert_eq!(x.to_bytes(), *a, "round trip");
            assert!(same(x.square(), y.square()));
            assert!(same(x.neg(), -y));
            assert!(same(x.double(), y.double()));
            let inv: Option<Theirs> = y.invert().into();
            assert!(
                same(x.invert(), inv.unwrap_or(Theirs::ZERO)),
                "inverse of {a:x?}"
            );
            let root: Option<Theirs> = y.sqrt().into();
            let mine: Option<Fe> = x.sqrt().into();
            assert_eq!(mine.is_some(), root.is_some(), "square or not: {a:x?}");
            if let Some(r) = mine {
                assert_eq!(r.square(), x);
            }
            assert_eq!(bool::from(x.is_odd()), a[31] & 1 == 1);
            assert_eq!(bool::from(x.is_zero()), *a == [0; 32]);
            assert_eq!(x.is_zero_vartime(), *a == [0; 32]);
            for b in s.iter().skip(i).take(12) {
                let (u, v) = (ours(b), theirs(b));
                assert!(same(x.mul(&u), y * v));
                assert!(same(x.add(&u), y + v));
                assert!(same(x.sub(&u), y - v));
                assert_eq!(bool::from(x.ct_eq(&u)), a == b);
            }
        }
    }

    /// Our multiplication, both flavours and both word sizes, against fiat-crypto's verified
    /// `p256_64` and `p256_32` multiplications, on every sample pair (edges included).
    #[test]
    fn multiplication_matches_fiats_verified_code() {
        use fiat_crypto::{p256_32 as f32, p256_64 as f64};
        let s = samples();
        for (i, a) in s.iter().enumerate() {
            let x = ours(a);
            assert_eq!(x.square_vartime(), x.square());
            assert_eq!(x.square(), x.mul(&x), "square of {a:x?}");
            assert_eq!(x.sqrt_vartime(), Option::<Fe>::from(x.sqrt()));
            for b in s.iter().skip(i).take(40) {
                let y = ours(b);
                assert_eq!(x.add_vartime(&y), x.add(&y));
                assert_eq!(x.sub_vartime(&y), x.sub(&y));
                assert_eq!(x.double_vartime(), x.double());
                let mut want = f64::fiat_p256_montgomery_domain_field_element([0; 4]);
                f64::fiat_p256_mul(
                    &mut want,
                    &f64::fiat_p256_montgomery_domain_field_element(x.0),
                    &f64::fiat_p256_montgomery_domain_field_element(y.0),
                );
                assert_eq!(x.mul(&y).0, want.0, "{a:x?} · {b:x?}");
                assert_eq!(x.mul_vartime(&y).0, want.0);
                let mut want32 = f32::fiat_p256_montgomery_domain_field_element([0; 8]);
                f32::fiat_p256_mul(
                    &mut want32,
                    &f32::fiat_p256_montgomery_domain_field_element(split(&x.0)),
                    &f32::fiat_p256_montgomery_domain_field_element(split(&y.0)),
                );
                assert_eq!(join(&want32.0), want.0, "fiat's two word sizes");
                for (cols, what) in [
                    (mul_columns(&split(&x.0), &split(&y.0)), "product"),
                    (mul_columns(&split(&x.0), &split(&x.0)), "product a·a"),
                ] {
                    let (r, carry) = reduce_columns(&cols);
                    let (r, carry) = (join(&r), carry);
                    let (d, borrow) = sub_p(&r);
                    let words32 = if carry == 0 && borrow == 1 { r } else { d };
                    let want = if what == "product" {
                        want.0
                    } else {
                        x.square().0
                    };
                    assert_eq!(words32, want, "32-bit words, {what} of {a:x?}, {b:x?}");
                }
                assert_eq!(
                    sqr_columns(&split(&x.0)),
                    mul_columns(&split(&x.0), &split(&x.0)),
                    "32-bit squaring's columns"
                );
            }
        }
    }

    #[test]
    fn decoding_refuses_p_and_above() {
        assert!(bool::from(Fe::from_bytes(&P_BYTES).is_none()));
        assert!(bool::from(Fe::from_bytes(&[0xff; 32]).is_none()));
        let mut pm1 = P_BYTES;
        pm1[31] = 0xfe;
        assert_eq!(ours(&pm1).square(), Fe::ONE, "(p − 1)² = 1");
        assert!(bool::from(Fe::from_bytes(&pm1).is_some()));
        // The constants agree with p256's.
        assert!(same(Fe::ONE, Theirs::ONE));
        let b = hex::decode("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b")
            .unwrap();
        assert_eq!(Fe::B.to_bytes().as_slice(), b.as_slice());
        assert_eq!(Fe::ZERO.invert(), Fe::ZERO);
    }

    #[test]
    fn select_and_equality() {
        let (a, b) = (ours(&samples()[7]), ours(&samples()[8]));
        assert_eq!(Fe::conditional_select(&a, &b, Choice::from(0)), a);
        assert_eq!(Fe::conditional_select(&a, &b, Choice::from(1)), b);
        assert!(bool::from(a.ct_eq(&a)) && !bool::from(a.ct_eq(&b)));
    }
}
