//! ISO 4217 currencies: which codes the format accepts, their minor-unit exponents, and
//! amounts written with them.

use core::fmt;

/// The minor-unit exponent of an active ISO 4217 currency that has one (from `iso_currency`).
pub fn currency_exponent(code: &str) -> Option<u8> {
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let c = iso_currency::Currency::from_code(code)?;
    c.exponent().and_then(|e| u8::try_from(e).ok())
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
