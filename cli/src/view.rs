//! Human-readable text of receipts and results; `--json` serializes `possig::view` values.

use possig::view::OutcomeView;
use possig::{Amount, ReceiptBody, TbsReceipt, UnverifiedReceipt};
use serde::Serialize;

/// RFC 3339 UTC rendering of Unix seconds (possig's [`possig::UnixTime`]).
pub(crate) fn rfc3339(unix: u64) -> String {
    possig::UnixTime(unix).to_string()
}

/// One file's outcome in `possig verify --json`: the file, then possig's [`OutcomeView`].
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct FileOutcome {
    /// The receipt file, as named on the command line.
    pub(crate) file: String,
    #[serde(flatten)]
    pub(crate) outcome: OutcomeView,
}

/// One-line human summary of a receipt: kind, amount, merchant/terminal, counter, time.
pub(crate) fn summary(tbs: &TbsReceipt) -> String {
    let what = match tbs.body() {
        ReceiptBody::Payment(p) => format!(
            "{} {} {} ****{} cvm={}",
            tbs.kind().name(),
            Amount {
                minor: p.amount(),
                currency: p.currency()
            },
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
                Amount {
                    minor: p.amount(),
                    currency: p.currency(),
                }
                .to_string(),
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
