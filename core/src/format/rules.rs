//! The format's rules beyond the ASN.1 structure: field sizes, character sets, which body goes
//! with which kind, no card numbers anywhere. Applied identically when building and decoding.

use crate::error::{Error, Field, Limit};
use crate::format::currency::currency_exponent;
use crate::format::wire::{
    CardholderVerification, PaymentBody, ReceiptBody, ReceiptKind, TbsReceipt,
};
use crate::limits::{MAX_AMOUNT, MAX_COUNTER, MAX_EXTENSION_VALUE, MAX_EXTENSIONS, MAX_TEXT_FIELD};
use crate::prelude::*;

/// True if `text` looks like it contains a full card number: a digit run (spaces and dashes
/// inside the run allowed) of 13–19 digits that starts like a card network's number (2–6) and
/// passes the Luhn check. Runs longer than 19 digits are searched for such a number inside.
///
/// Runs every receipt's text fields, so it allocates nothing: it keeps the last [`KEPT`] digits
/// of the current run and checks each window as soon as its run shows which windows count.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "a decimal digit is below 10"
)]
pub(crate) fn looks_like_pan(text: &str) -> bool {
    const PAN: core::ops::RangeInclusive<usize> = 13..=19;
    // Most fields have fewer digits than the shortest card number: no run can be one.
    // (`char::to_digit(10)` below accepts only the ASCII digits counted here.)
    if text.bytes().filter(u8::is_ascii_digit).count() < *PAN.start() {
        return false;
    }
    let mut kept = [0u8; KEPT];
    // Length of the current digit run.
    let mut run = 0usize;
    // A sentinel ends the last run.
    for ch in text.chars().chain(core::iter::once('\0')) {
        if let Some(d) = ch.to_digit(10) {
            let d = d as u8;
            if run < KEPT {
                if let Some(slot) = kept.get_mut(run) {
                    *slot = d;
                }
            } else {
                kept.copy_within(1.., 0);
                if let Some(last) = kept.last_mut() {
                    *last = d;
                }
            }
            run += 1;
            // A run longer than 19 digits: every window of a card number's length counts.
            // At 20 digits, all windows so far; past that, the windows ending at this digit.
            let found = if run == KEPT {
                PAN.clone().any(|len| kept.windows(len).any(pan_like))
            } else if run > KEPT {
                PAN.clone()
                    .any(|len| kept.get(KEPT - len..).is_some_and(pan_like))
            } else {
                false
            };
            if found {
                return true;
            }
        } else if ch == ' ' || ch == '-' {
            continue;
        } else {
            // A run of a card number's length counts as a whole.
            if PAN.contains(&run) && kept.get(..run).is_some_and(pan_like) {
                return true;
            }
            run = 0;
        }
    }
    false
}

/// Digits of a run that [`looks_like_pan`] keeps: a whole run of up to 19, or in a longer run
/// the first 20 (every window among them is checked when the run reaches 20), then the last 20.
const KEPT: usize = 20;

fn pan_like(digits: &[u8]) -> bool {
    matches!(digits.first(), Some(2..=6)) && luhn_ok(digits)
}

fn luhn_ok(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d);
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

fn text_field(s: &str, field: Field) -> Result<(), Error> {
    let n = s.chars().count();
    if n > MAX_TEXT_FIELD {
        return Err(Error::limit(Limit::TextField, n));
    }
    if n == 0 || s.chars().any(char::is_control) || s.trim() != s {
        return Err(Error::field(field));
    }
    if looks_like_pan(s) {
        return Err(Error::field(Field::PossiblePan));
    }
    Ok(())
}

fn digits(s: &str, lens: &[usize], field: Field) -> Result<(), Error> {
    if !lens.contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::field(field));
    }
    Ok(())
}

fn charset(s: &str, max: usize, field: Field, ok: impl Fn(u8) -> bool) -> Result<(), Error> {
    if s.is_empty() || s.len() > max || !s.bytes().all(ok) {
        return Err(Error::field(field));
    }
    if looks_like_pan(s) {
        return Err(Error::field(Field::PossiblePan));
    }
    Ok(())
}

fn digest32(d: Option<&[u8]>, field: Field) -> Result<(), Error> {
    match d {
        Some(d) if d.len() == 32 => Ok(()),
        _ => Err(Error::field(field)),
    }
}

pub(crate) fn check_payment(kind: ReceiptKind, p: &PaymentBody) -> Result<(), Error> {
    if p.amount() > MAX_AMOUNT {
        return Err(Error::field(Field::Amount));
    }
    if currency_exponent(p.currency()).is_none() {
        return Err(Error::field(Field::Currency));
    }
    let card = p.card();
    charset(card.scheme(), 16, Field::CardScheme, |b| {
        b.is_ascii_uppercase() || b.is_ascii_digit() || b == b' ' || b == b'-'
    })?;
    digits(card.bin(), &[6, 8], Field::CardBin)?;
    digits(card.last4(), &[4], Field::CardLast4)?;
    if let Some(code) = p.authorization_code() {
        charset(code, 8, Field::AuthorizationCode, |b| {
            b.is_ascii_uppercase() || b.is_ascii_digit()
        })?;
    }
    charset(p.rrn(), 12, Field::Rrn, |b| b.is_ascii_alphanumeric())?;
    match (kind.needs_original(), p.original()) {
        (true, d) => digest32(d, Field::Original)?,
        (false, None) => {}
        (false, Some(_)) => return Err(Error::field(Field::Original)),
    }
    match (p.cardholder_verification(), p.signature_image()) {
        (CardholderVerification::Signature, d) => digest32(d, Field::SignatureImage)?,
        (_, None) => {}
        (_, Some(_)) => return Err(Error::field(Field::SignatureImage)),
    }
    Ok(())
}

fn check_day_close(counter: u64, d: &crate::format::wire::DayCloseBody) -> Result<(), Error> {
    let bad = Error::field(Field::DayClose);
    if d.batch_number() == 0
        || d.first_counter().checked_add(d.count()) != Some(counter)
        || d.root().len() != 32
    {
        return Err(bad);
    }
    if d.totals().len() > crate::limits::MAX_TOTALS {
        return Err(Error::limit(Limit::Totals, d.totals().len()));
    }
    for t in d.totals() {
        if !t.kind().is_payment()
            || currency_exponent(t.currency()).is_none()
            || t.count() == 0
            || t.amount() > MAX_AMOUNT
        {
            return Err(bad);
        }
    }
    let key = |t: &crate::format::wire::Total| (t.kind() as u32, t.currency().to_string());
    if d.totals()
        .windows(2)
        .any(|w| matches!(w, [a, b] if key(a) >= key(b)))
    {
        return Err(bad);
    }
    Ok(())
}

/// Checks every rule of the format on a decoded or freshly built TBS.
pub(crate) fn check_tbs(tbs: &TbsReceipt) -> Result<(), Error> {
    if tbs.version() != crate::VERSION {
        return Err(Error::UnsupportedVersion {
            version: tbs.version(),
        });
    }
    if tbs.signer_key_id().len() != 32 {
        return Err(Error::field(Field::SignerKeyId));
    }
    text_field(tbs.merchant_id(), Field::MerchantId)?;
    text_field(tbs.terminal_id(), Field::TerminalId)?;
    if tbs.counter() > MAX_COUNTER {
        return Err(Error::field(Field::Counter));
    }
    let prev = tbs.previous();
    let zero = prev.iter().all(|&b| b == 0);
    if prev.len() != 32 || zero != (tbs.counter() == 0) {
        return Err(Error::field(Field::Previous));
    }
    match (tbs.kind(), tbs.body()) {
        (k, ReceiptBody::Payment(p)) if k.is_payment() => check_payment(k, p)?,
        (ReceiptKind::Copy, ReceiptBody::Copy(c)) => {
            digest32(Some(c.original()), Field::Original)?;
            if c.reprint_number() == 0 {
                return Err(Error::field(Field::ReprintNumber));
            }
        }
        (ReceiptKind::Resign, ReceiptBody::Resign(r)) => {
            digest32(Some(r.original()), Field::Original)?;
            digest32(Some(r.signature_image()), Field::SignatureImage)?;
        }
        (ReceiptKind::Recovery, ReceiptBody::Recovery(r)) => {
            let end = r.first_counter().checked_add(r.count());
            if r.count() == 0 || end.is_none_or(|e| e > tbs.counter()) || r.root().len() != 32 {
                return Err(Error::field(Field::Recovery));
            }
        }
        (ReceiptKind::DayClose, ReceiptBody::DayClose(d)) => check_day_close(tbs.counter(), d)?,
        _ => return Err(Error::field(Field::Body)),
    }
    let exts = tbs.extensions();
    if let Some(e) = exts.iter().find(|e| e.id().is_key_rotation()) {
        use der::Decode;
        let ok = crate::format::wire::KeyRotation::from_der(e.value()).is_ok_and(|k| {
            k.previous_key_id().len() == 32
                && k.previous_digest().len() == 32
                && k.previous_counter() <= MAX_COUNTER
        });
        if !ok || tbs.counter() != 0 {
            return Err(Error::field(Field::KeyRotation));
        }
    }
    if exts.len() > MAX_EXTENSIONS {
        return Err(Error::limit(Limit::Extensions, exts.len()));
    }
    for e in exts {
        if e.explicit_false() {
            return Err(Error::field(Field::ExtensionCritical));
        }
        if e.value().len() > MAX_EXTENSION_VALUE {
            return Err(Error::limit(Limit::ExtensionValue, e.value().len()));
        }
    }
    // Strictly ascending identifiers (DER content order): one encoding per set of extensions.
    if exts
        .windows(2)
        .any(|w| matches!(w, [a, b] if a.id().as_bytes() >= b.id().as_bytes()))
    {
        return Err(Error::field(Field::ExtensionOrder));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pan_detection() {
        assert!(looks_like_pan("4111111111111111"));
        assert!(looks_like_pan("card 4111 1111 1111 1111 ok"));
        assert!(looks_like_pan("x4111-1111-1111-1111"));
        assert!(!looks_like_pan("4111111111111112"));
        assert!(!looks_like_pan("411111"));
        assert!(!looks_like_pan("MERCHANT-0001"));
        // A long digit run containing a card number is refused.
        assert!(looks_like_pan("1234567890123411111111111111119"));
        // A 15-digit merchant id that passes Luhn but starts like no card network is fine.
        assert!(!looks_like_pan("900000000000008"));
        // A 16-digit run is judged whole: a 13-digit card number inside it does not count
        // (4222222222222 passes Luhn; the run with 999 after it does not).
        assert!(looks_like_pan("4222222222222"));
        assert!(!looks_like_pan("4222222222222999"));
        // In a longer run, a window at its very start or very end counts.
        assert!(looks_like_pan("42222222222229999999"));
        assert!(looks_like_pan("99999999999999999994222222222222"));
    }

    /// The definition, with a vector: what `looks_like_pan` computes without one.
    fn pan_reference(text: &str) -> bool {
        let mut runs: Vec<Vec<u8>> = vec![vec![]];
        for ch in text.chars() {
            match ch.to_digit(10) {
                Some(d) => runs.last_mut().unwrap().push(d as u8),
                None if ch == ' ' || ch == '-' => {}
                None => runs.push(vec![]),
            }
        }
        runs.iter().any(|r| match r.len() {
            13..=19 => pan_like(r),
            n if n > 19 => (13..=19).any(|len| r.windows(len).any(pan_like)),
            _ => false,
        })
    }

    #[test]
    #[allow(clippy::unwrap_used)]
    fn pan_detection_matches_its_definition() {
        // Digit-heavy strings of every length up to 70, from a fixed LCG.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as usize
        };
        let alphabet = [
            '0', '2', '4', '1', '9', '5', '6', ' ', '-', 'x', '3', '7', '8',
        ];
        let mut found = 0;
        for i in 0..200_000 {
            let len = i % 71;
            let s: String = (0..len)
                .map(|_| alphabet[next() % alphabet.len()])
                .collect();
            let want = pan_reference(&s);
            assert_eq!(looks_like_pan(&s), want, "{s:?}");
            found += usize::from(want);
        }
        assert!(found > 1000, "the generator makes card numbers too");
    }

    #[test]
    fn currencies() {
        assert_eq!(currency_exponent("EUR"), Some(2));
        assert_eq!(currency_exponent("JPY"), Some(0));
        assert_eq!(currency_exponent("KWD"), Some(3));
        assert_eq!(currency_exponent("XAU"), None);
        assert_eq!(currency_exponent("eur"), None);
        assert_eq!(currency_exponent("ZZZ"), None);
    }
}
