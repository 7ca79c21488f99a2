//! Turning receipts and verification results into JSON values and human-readable text.

use possig::{CertificateInfo, Error, ReceiptBody, TbsReceipt, UnverifiedReceipt, VerifiedReceipt};
use serde_json::{Value, json};

/// RFC 3339 UTC rendering of Unix seconds.
pub(crate) fn rfc3339(unix: u64) -> String {
    humantime::format_rfc3339_seconds(std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix))
        .to_string()
}

/// An amount in minor units written with the currency's exponent: 1999 EUR → "19.99".
pub(crate) fn format_amount(amount: u64, exponent: u8) -> String {
    if exponent == 0 {
        return amount.to_string();
    }
    let p = 10u64.pow(u32::from(exponent));
    format!(
        "{}.{:0width$}",
        amount / p,
        amount % p,
        width = usize::from(exponent)
    )
}

pub(crate) fn tbs_json(tbs: &TbsReceipt) -> Value {
    let body = match tbs.body() {
        ReceiptBody::Payment(p) => json!({
            "amount": p.amount(),
            "currency": p.currency(),
            "amount_formatted": format_amount(p.amount(), p.currency_exponent()),
            "card": {"scheme": p.card().scheme(), "bin": p.card().bin(), "last4": p.card().last4()},
            "entry_mode": p.entry_mode().name(),
            "authorization_code": p.authorization_code(),
            "rrn": p.rrn(),
            "cardholder_verification": p.cardholder_verification().name(),
            "original": p.original().map(hex::encode),
            "signature_image": p.signature_image().map(hex::encode),
        }),
        ReceiptBody::Copy(c) => {
            json!({"original": hex::encode(c.original()), "reprint_number": c.reprint_number()})
        }
        ReceiptBody::Resign(r) => {
            json!({"original": hex::encode(r.original()), "signature_image": hex::encode(r.signature_image())})
        }
        _ => json!({}),
    };
    json!({
        "version": tbs.version(),
        "signer_key_id": hex::encode(tbs.signer_key_id()),
        "merchant_id": tbs.merchant_id(),
        "terminal_id": tbs.terminal_id(),
        "counter": tbs.counter(),
        "previous": hex::encode(tbs.previous()),
        "issued_at": rfc3339(tbs.issued_at()),
        "kind": tbs.kind().name(),
        "body": body,
        "extensions": tbs.extensions().iter().map(|e| json!({
            "id": e.id().to_string(), "critical": e.critical(), "value": hex::encode(e.value())
        })).collect::<Vec<_>>(),
    })
}

pub(crate) fn receipt_json(r: &UnverifiedReceipt) -> Value {
    json!({
        "digest": hex::encode(r.digest()),
        "tbs": tbs_json(r.tbs()),
        "signature": hex::encode(r.signature()),
        "attachments": r.attachments().iter().map(|a| json!({"type": "signatureStrokes", "bytes": a.data().len()})).collect::<Vec<_>>(),
        "signature_strokes": r.signature_strokes().map(|s| json!({
            "width": s.width(), "height": s.height(),
            "strokes": s.strokes().iter().map(|st| st.iter().map(|&(x, y)| [x, y]).collect::<Vec<_>>()).collect::<Vec<_>>()
        })),
    })
}

fn cert_json(c: &CertificateInfo) -> Value {
    json!({
        "role": c.role().name(), "subject": c.subject(), "issuer": c.issuer(), "serial": c.serial_hex(),
        "not_before": rfc3339(c.not_before()), "not_after": rfc3339(c.not_after()), "sha256": hex::encode(c.sha256()),
    })
}

pub(crate) fn error_json(e: &Error) -> Value {
    let mut v = json!({"code": e.code(), "message": e.to_string()});
    let extra = match e {
        Error::Malformed { what, offset } | Error::TrailingData { what, offset } => {
            json!({"structure": what.code(), "offset": offset})
        }
        Error::InvalidField { field } => json!({"field": field.code()}),
        Error::LimitExceeded { limit, actual } => json!({"limit": limit.code(), "actual": actual}),
        Error::ChainInvalid { depth, reason } => json!({"depth": depth, "reason": reason.code()}),
        Error::CertificateExpired { depth } | Error::CertificateNotYetValid { depth } => {
            json!({"depth": depth})
        }
        Error::Revoked { depth, revoked_at } => {
            json!({"depth": depth, "revoked_at": rfc3339(*revoked_at)})
        }
        Error::WrongRecoveryId { expected, found } => json!({"expected": expected, "found": found}),
        Error::UnknownSigner { key_id } => json!({"key_id": hex::encode(key_id)}),
        Error::UnsupportedVersion { version } => json!({"version": version}),
        Error::UnsupportedAlgorithm { what } => json!({"where": what.code()}),
        Error::AttachmentDigestMismatch { index } | Error::UnknownCriticalExtension { index } => {
            json!({"index": index})
        }
        _ => json!({}),
    };
    if let (Some(obj), Some(extra)) = (v.as_object_mut(), extra.as_object()) {
        obj.extend(extra.clone());
    }
    v
}

/// The outcome of verifying one file.
pub(crate) fn outcome_json(file: &str, result: &Result<VerifiedReceipt, Error>) -> Value {
    match result {
        Ok(v) => json!({
            "file": file,
            "outcome": if v.warnings().is_empty() { "valid" } else { "valid_with_warnings" },
            "warnings": v.warnings().iter().map(|w| json!({"code": w.code(), "message": w.to_string()})).collect::<Vec<_>>(),
            "receipt": receipt_json(v.receipt()),
            "path": v.path().iter().map(cert_json).collect::<Vec<_>>(),
        }),
        Err(e) => json!({"file": file, "outcome": "invalid", "error": error_json(e)}),
    }
}

/// One-line human summary of a receipt: kind, amount, merchant/terminal, counter, time.
pub(crate) fn summary(tbs: &TbsReceipt) -> String {
    let what = match tbs.body() {
        ReceiptBody::Payment(p) => format!(
            "{} {} {} {} ****{} cvm={}",
            tbs.kind().name(),
            format_amount(p.amount(), p.currency_exponent()),
            p.currency(),
            p.card().scheme(),
            p.card().last4(),
            p.cardholder_verification().name()
        ),
        ReceiptBody::Copy(c) => format!(
            "copy #{} of {}",
            c.reprint_number(),
            &hex::encode(c.original())[..16]
        ),
        ReceiptBody::Resign(r) => format!("resign of {}", &hex::encode(r.original())[..16]),
        _ => tbs.kind().name().to_string(),
    };
    format!(
        "{what} | {}/{} #{} {}",
        tbs.merchant_id(),
        tbs.terminal_id(),
        tbs.counter(),
        rfc3339(tbs.issued_at())
    )
}

pub(crate) fn show_human(r: &UnverifiedReceipt) -> String {
    let t = r.tbs();
    let mut s = String::new();
    s.push_str("UNVERIFIED receipt (run `possig verify` to check it)\n");
    let mut line = |k: &str, v: String| s.push_str(&format!("  {k:<24} {v}\n"));
    line("digest", hex::encode(r.digest()));
    line("kind", t.kind().name().to_string());
    line("merchant", t.merchant_id().to_string());
    line("terminal", t.terminal_id().to_string());
    line("counter", t.counter().to_string());
    line("previous", hex::encode(t.previous()));
    line("issued at", rfc3339(t.issued_at()));
    line("signer key id", hex::encode(t.signer_key_id()));
    match t.body() {
        ReceiptBody::Payment(p) => {
            line(
                "amount",
                format!(
                    "{} {}",
                    format_amount(p.amount(), p.currency_exponent()),
                    p.currency()
                ),
            );
            line(
                "card",
                format!(
                    "{} {}…{}",
                    p.card().scheme(),
                    p.card().bin(),
                    p.card().last4()
                ),
            );
            line("entry mode", p.entry_mode().name().to_string());
            line(
                "authorization code",
                p.authorization_code().unwrap_or("-").to_string(),
            );
            line("rrn", p.rrn().to_string());
            line(
                "cardholder verification",
                p.cardholder_verification().name().to_string(),
            );
            if let Some(o) = p.original() {
                line("original", hex::encode(o));
            }
        }
        ReceiptBody::Copy(c) => {
            line("original", hex::encode(c.original()));
            line("reprint number", c.reprint_number().to_string());
        }
        ReceiptBody::Resign(rs) => {
            line("original", hex::encode(rs.original()));
            line("signature image", hex::encode(rs.signature_image()));
        }
        _ => {}
    }
    for e in t.extensions() {
        line(
            "extension",
            format!(
                "{} critical={} {} bytes",
                e.id(),
                e.critical(),
                e.value().len()
            ),
        );
    }
    line("attachments", r.attachments().len().to_string());
    if let Some(st) = r.signature_strokes() {
        line(
            "handwritten signature",
            format!(
                "{} strokes on {}x{}",
                st.strokes().len(),
                st.width(),
                st.height()
            ),
        );
    }
    s
}
