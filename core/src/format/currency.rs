//! ISO 4217 currencies: which codes the format accepts, and their minor-unit exponents.

/// The minor-unit exponent of an active ISO 4217 currency that has one (from `iso_currency`).
pub fn currency_exponent(code: &str) -> Option<u8> {
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let c = iso_currency::Currency::from_code(code)?;
    c.exponent().and_then(|e| u8::try_from(e).ok())
}
