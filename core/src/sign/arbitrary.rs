//! `arbitrary::Arbitrary` for the builder inputs (feature `arbitrary`), for structure-aware
//! fuzzing: values are mostly well-formed (so fuzzing reaches signing and verification), and
//! one in sixteen text fields is an arbitrary string (so the format's rules are fuzzed too).

use arbitrary::{Arbitrary, Result, Unstructured};

use crate::format::wire::{CardholderVerification, EntryMode, ReceiptKind};
use crate::sign::builder::{DayClose, Payment, TotalSpec};

/// Active ISO 4217 codes with exponents 0, 2 and 3, and one that is not a currency.
const CURRENCIES: [&str; 7] = ["EUR", "USD", "JPY", "GBP", "CHF", "BHD", "XXX"];
const SCHEMES: [&str; 4] = ["VISA", "MASTERCARD", "AMEX", "GIROCARD"];
const DIGITS: &[u8] = b"0123456789";
const UPPER_ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A string of `min..=max` characters of `alphabet`, or (one time in sixteen) any string.
fn text(u: &mut Unstructured<'_>, alphabet: &[u8], min: usize, max: usize) -> Result<String> {
    if u.ratio(1, 16)? {
        return u.arbitrary();
    }
    let len = u.int_in_range(min..=max)?;
    (0..len)
        .map(|_| u.choose(alphabet).map(|&c| char::from(c)))
        .collect()
}

fn one_of(u: &mut Unstructured<'_>, list: &[&str]) -> Result<String> {
    if u.ratio(1, 16)? {
        return u.arbitrary();
    }
    u.choose(list).map(|s| (*s).to_string())
}

macro_rules! arbitrary_enum {
    ($t:ty, [$($v:ident),+ $(,)?]) => {
        impl<'a> Arbitrary<'a> for $t {
            fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
                Ok(*u.choose(&[$(<$t>::$v),+])?)
            }
        }
    };
}

arbitrary_enum!(
    ReceiptKind,
    [
        Sale, Refund, Void, Preauth, Completion, Copy, Resign, Recovery, DayClose
    ]
);
arbitrary_enum!(EntryMode, [Chip, Contactless, Magstripe, Manual, Ecommerce]);
arbitrary_enum!(
    CardholderVerification,
    [None, Pin, Signature, Pending, ConsumerDevice]
);

impl<'a> Arbitrary<'a> for Payment {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let bin_len = *u.choose(&[6, 8])?;
        Ok(Payment {
            amount: u.arbitrary()?,
            currency: one_of(u, &CURRENCIES)?,
            scheme: one_of(u, &SCHEMES)?,
            bin: text(u, DIGITS, bin_len, bin_len)?,
            last4: text(u, DIGITS, 4, 4)?,
            entry_mode: u.arbitrary()?,
            authorization_code: if u.arbitrary()? {
                Some(text(u, UPPER_ALNUM, 1, 8)?)
            } else {
                None
            },
            rrn: text(u, ALNUM, 1, 12)?,
            cardholder_verification: u.arbitrary()?,
            original: u.arbitrary()?,
        })
    }
}

impl<'a> Arbitrary<'a> for TotalSpec {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(TotalSpec {
            kind: u.arbitrary()?,
            currency: one_of(u, &CURRENCIES)?,
            count: u.arbitrary()?,
            amount: u.arbitrary()?,
        })
    }
}

impl<'a> Arbitrary<'a> for DayClose {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(DayClose {
            batch_number: u.arbitrary()?,
            first_counter: u.arbitrary()?,
            count: u.arbitrary()?,
            totals: u.arbitrary()?,
            root: u.arbitrary()?,
        })
    }
}
