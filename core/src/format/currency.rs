//! ISO 4217 currencies: which codes the format accepts, their minor-unit exponents, and
//! amounts written with them.

use core::fmt;

/// The active ISO 4217 currencies that have a minor unit, with its exponent, sorted by code.
/// Generated from the `iso_currency` crate (a test checks that they agree, both ways), and kept
/// here so that the format's rules need neither `std` nor a lookup table built at run time.
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("AOA", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AWG", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BBD", 2),
    ("BDT", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BIF", 0),
    ("BMD", 2),
    ("BND", 2),
    ("BOB", 2),
    ("BOV", 2),
    ("BRL", 2),
    ("BSD", 2),
    ("BTN", 2),
    ("BWP", 2),
    ("BYN", 2),
    ("BZD", 2),
    ("CAD", 2),
    ("CDF", 2),
    ("CHE", 2),
    ("CHF", 2),
    ("CHW", 2),
    ("CLF", 4),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("COU", 2),
    ("CRC", 2),
    ("CUC", 2),
    ("CUP", 2),
    ("CVE", 2),
    ("CZK", 2),
    ("DJF", 0),
    ("DKK", 2),
    ("DOP", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("ERN", 2),
    ("ETB", 2),
    ("EUR", 2),
    ("FJD", 2),
    ("FKP", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GHS", 2),
    ("GIP", 2),
    ("GMD", 2),
    ("GNF", 0),
    ("GTQ", 2),
    ("GYD", 2),
    ("HKD", 2),
    ("HNL", 2),
    ("HRK", 2),
    ("HTG", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("IRR", 2),
    ("ISK", 0),
    ("JMD", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KGS", 2),
    ("KHR", 2),
    ("KMF", 0),
    ("KPW", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KYD", 2),
    ("KZT", 2),
    ("LAK", 2),
    ("LBP", 2),
    ("LKR", 2),
    ("LRD", 2),
    ("LSL", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MGA", 2),
    ("MKD", 2),
    ("MMK", 2),
    ("MNT", 2),
    ("MOP", 2),
    ("MRU", 2),
    ("MUR", 2),
    ("MVR", 2),
    ("MWK", 2),
    ("MXN", 2),
    ("MXV", 2),
    ("MYR", 2),
    ("MZN", 2),
    ("NAD", 2),
    ("NGN", 2),
    ("NIO", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PAB", 2),
    ("PEN", 2),
    ("PGK", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SBD", 2),
    ("SCR", 2),
    ("SDG", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("SHP", 2),
    ("SLE", 2),
    ("SLL", 2),
    ("SOS", 2),
    ("SRD", 2),
    ("SSP", 2),
    ("STN", 2),
    ("SVC", 2),
    ("SYP", 2),
    ("SZL", 2),
    ("THB", 2),
    ("TJS", 2),
    ("TMT", 2),
    ("TND", 3),
    ("TOP", 2),
    ("TRY", 2),
    ("TTD", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("USN", 2),
    ("UYI", 0),
    ("UYU", 2),
    ("UYW", 4),
    ("UZS", 2),
    ("VED", 2),
    ("VES", 2),
    ("VND", 0),
    ("VUV", 0),
    ("WST", 2),
    ("XAD", 2),
    ("XAF", 0),
    ("XCD", 2),
    ("XCG", 2),
    ("XOF", 0),
    ("XPF", 0),
    ("YER", 2),
    ("ZAR", 2),
    ("ZMW", 2),
    ("ZWG", 2),
    ("ZWL", 2),
];

/// The minor-unit exponent of an active ISO 4217 currency that has one.
pub fn currency_exponent(code: &str) -> Option<u8> {
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let i = CURRENCIES.binary_search_by(|(c, _)| (*c).cmp(code)).ok()?;
    CURRENCIES.get(i).map(|(_, e)| *e)
}

/// An amount in minor units of a currency, written with the currency's exponent:
/// `Amount { minor: 1999, currency: "EUR" }` displays as `19.99 EUR`, 1500 JPY as `1500 JPY`.
/// (A code that is not a currency with a minor unit displays with exponent 0.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Amount<'a> {
    /// Minor units (cents for EUR).
    pub minor: u64,
    /// ISO 4217 alphabetic code.
    pub currency: &'a str,
}

impl fmt::Display for Amount<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exp = currency_exponent(self.currency).unwrap_or(0);
        let unit = 10u64.pow(u32::from(exp));
        if exp == 0 {
            write!(f, "{} {}", self.minor, self.currency)
        } else {
            write!(
                f,
                "{}.{:0w$} {}",
                self.minor / unit,
                self.minor % unit,
                self.currency,
                w = usize::from(exp)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Amount;

    #[test]
    fn amounts_use_the_currency_exponent() {
        let shown = |minor, currency| Amount { minor, currency }.to_string();
        assert_eq!(shown(1999, "EUR"), "19.99 EUR");
        assert_eq!(shown(5, "EUR"), "0.05 EUR");
        assert_eq!(shown(1500, "JPY"), "1500 JPY");
        assert_eq!(shown(1234, "BHD"), "1.234 BHD");
        assert_eq!(shown(u64::MAX, "EUR"), "184467440737095516.15 EUR");
    }
}

#[cfg(test)]
mod table_tests {
    use iso_currency::{Currency, IntoEnumIterator};

    #[test]
    fn the_table_is_iso_currency_s() {
        let mut from_crate: Vec<(&str, u8)> = Currency::iter()
            .filter_map(|c| {
                c.exponent()
                    .map(|e| (c.code(), u8::try_from(e).unwrap_or(u8::MAX)))
            })
            .collect();
        from_crate.sort_unstable();
        assert_eq!(super::CURRENCIES, from_crate.as_slice());
        assert_eq!(super::currency_exponent("EUR"), Some(2));
        assert_eq!(super::currency_exponent("JPY"), Some(0));
        assert_eq!(super::currency_exponent("KWD"), Some(3));
        assert_eq!(super::currency_exponent("XAU"), None);
        assert_eq!(super::currency_exponent("eur"), None);
    }
}
