//! Regenerates the golden vectors in `core/tests/vectors/` from the committed fixture keys and
//! certificates: one `.der` file per vector and `index.json` with the expected outcome of each.
//!
//! Signing is deterministic (RFC 6979), so rerunning must give identical files; CI checks
//! that with `git diff --exit-code`. Run: `cargo run -p possig --example gen_vectors`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use possig_testkit::fixtures as common;

use std::path::PathBuf;

use common::*;
use possig::journal::{Event, JournalOptions};
use possig::{CardholderVerification as Cvm, Extension, Oid, ReceiptKind, Terminal, VerifyOptions};
use serde_json::json;

struct Vector {
    name: &'static str,
    description: &'static str,
    der: Vec<u8>,
}

fn main() {
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();

    let mut v: Vec<Vector> = Vec::new();
    let mut push = |name, description, der: Vec<u8>| {
        v.push(Vector {
            name,
            description,
            der,
        })
    };

    let mut ok = Chain::new(key("term-ok"), "M-1", "T-OK");
    let sale = ok.sale(Cvm::Pin, 1999, T0);
    push(
        "sale-pin",
        "sale, PIN verified, counter 0",
        sale.to_der().unwrap(),
    );
    let pending = ok.sale(Cvm::Pending, 4250, T0 + 60);
    push(
        "sale-pending",
        "sale whose cardholder did not sign at the terminal",
        pending.to_der().unwrap(),
    );
    let resign = ok.sign(
        ok.builder(ReceiptKind::Resign, T0 + 3600)
            .resign_of(pending.digest())
            .signature_strokes(strokes(5)),
    );
    push(
        "resign",
        "cardholder signature captured later for sale-pending",
        resign.to_der().unwrap(),
    );
    let signed = ok.sale(Cvm::Signature, 12000, T0 + 7200);
    push(
        "sale-signature",
        "sale with a captured handwritten signature attachment",
        signed.to_der().unwrap(),
    );
    push(
        "sale-signature-stripped",
        "sale-signature without its attachment (the QR form): still valid",
        signed.without_attachments().to_der().unwrap(),
    );
    let mut refund_p = payment(Cvm::Pin, 500);
    refund_p.original = Some(sale.digest());
    let refund = ok.sign(
        ok.builder(ReceiptKind::Refund, T0 + 8000)
            .payment(refund_p.clone()),
    );
    push(
        "refund",
        "partial refund of sale-pin",
        refund.to_der().unwrap(),
    );
    let mut void_p = payment(Cvm::None, 12000);
    void_p.original = Some(signed.digest());
    let void = ok.sign(ok.builder(ReceiptKind::Void, T0 + 8100).payment(void_p));
    push("void", "void of sale-signature", void.to_der().unwrap());
    let mut pre_p = payment(Cvm::Pin, 20000);
    pre_p.entry_mode = possig::EntryMode::Contactless;
    let pre = ok.sign(
        ok.builder(ReceiptKind::Preauth, T0 + 9000)
            .payment(pre_p.clone()),
    );
    push(
        "preauth",
        "pre-authorisation, contactless",
        pre.to_der().unwrap(),
    );
    let mut comp_p = pre_p;
    comp_p.amount = 17500;
    comp_p.original = Some(pre.digest());
    let comp = ok.sign(
        ok.builder(ReceiptKind::Completion, T0 + 90000)
            .payment(comp_p),
    );
    push(
        "completion",
        "completion of preauth for a lower amount",
        comp.to_der().unwrap(),
    );
    let copy = ok.sign(
        ok.builder(ReceiptKind::Copy, T0 + 90100)
            .copy_of(sale.digest(), 1),
    );
    push("copy", "first reprint of sale-pin", copy.to_der().unwrap());
    let mut jpy = payment(Cvm::ConsumerDevice, 1500);
    jpy.currency = "JPY".into();
    jpy.entry_mode = possig::EntryMode::Contactless;
    jpy.authorization_code = None;
    let ext = Extension::new(Oid::extension(127), false, b"non-critical test extension").unwrap();
    let sale_ext = ok.sign(
        ok.builder(ReceiptKind::Sale, T0 + 90200)
            .payment(jpy.clone())
            .extension(ext),
    );
    push(
        "sale-noncritical-extension",
        "JPY sale with an unknown non-critical extension (kept)",
        sale_ext.to_der().unwrap(),
    );

    // Invalid: the same chain, deliberately broken.
    let tampered = {
        let mut d = sale.to_der().unwrap();
        let pos = d.windows(2).position(|w| w == [0x02, 0x02]).unwrap(); // amount 1999 = 02 02 07 cf
        d[pos + 3] ^= 0x01;
        d
    };
    push(
        "tampered-amount",
        "sale-pin with its amount changed by one bit",
        tampered,
    );
    push(
        "high-s",
        "sale-pin with s replaced by n - s (and v adjusted)",
        high_s_variant(&sale.to_der().unwrap(), sale.signature()),
    );
    let wrong_v = {
        let d = sale.to_der().unwrap();
        let sig = sale.signature();
        let mut s2 = sig.to_vec();
        s2[64] ^= 1;
        replace_once(&d, sig, &s2)
    };
    push(
        "wrong-v",
        "sale-pin with the recovery id's parity flipped",
        wrong_v,
    );
    let swapped = {
        let d = signed.to_der().unwrap();
        let old = signed.attachments()[0].data().to_vec();
        let new = strokes(4).to_der().unwrap();
        assert_eq!(old.len(), new.len());
        replace_once(&d, &old, &new)
    };
    push(
        "attachment-swapped",
        "sale-signature carrying another signature's strokes",
        swapped,
    );
    let crit = Extension::new(Oid::extension(126), true, b"must be understood").unwrap();
    let crit_r = ok.sign(
        ok.builder(ReceiptKind::Sale, T0 + 90300)
            .payment(jpy)
            .extension(crit),
    );
    push(
        "critical-extension",
        "sale with an unknown critical extension",
        crit_r.to_der().unwrap(),
    );
    let early = Chain::new(key("term-ok"), "M-1", "T-OK").sale(Cvm::Pin, 100, 1_690_000_000);
    push(
        "not-yet-valid",
        "issued in 2023, before term-ok's certificate became valid",
        early.to_der().unwrap(),
    );
    let trailing = {
        let mut d = sale.to_der().unwrap();
        d.push(0);
        d
    };
    push(
        "trailing-byte",
        "sale-pin followed by one extra byte",
        trailing,
    );
    let v2 = {
        let mut d = sale.to_der().unwrap();
        let pos = d.windows(3).position(|w| w == [0x02, 0x01, 0x01]).unwrap();
        d[pos + 2] = 2;
        d
    };
    push("version-2", "sale-pin with version 2", v2);
    let der = sale.to_der().unwrap();
    push(
        "truncated",
        "sale-pin cut in the middle",
        der[..der.len() / 2].to_vec(),
    );
    push(
        "oversize",
        "17 KiB of zeros: above the receipt size limit",
        vec![0u8; 17 * 1024],
    );

    let mut stranger = Chain::new(stranger_key(), "M-9", "T-X");
    push(
        "unknown-signer",
        "signed by a key with no certificate in the store",
        stranger.sale(Cvm::Pin, 100, T0).to_der().unwrap(),
    );
    let mut noeku = Chain::new(key("term-noeku"), "M-1", "T-NOEKU");
    push(
        "no-eku",
        "terminal certificate lacks the receipt-signing EKU",
        noeku.sale(Cvm::Pin, 100, T0).to_der().unwrap(),
    );
    let mut exp = Chain::new(key("term-expired"), "M-1", "T-EXP");
    push(
        "expired-now",
        "issued 2020-06 by a certificate that expired 2021-01: valid with a warning",
        exp.sale(Cvm::Pin, 100, 1_591_000_000).to_der().unwrap(),
    );
    push(
        "expired-at-signing",
        "issued 2022 by the same, already expired, certificate",
        exp.sale(Cvm::Pin, 100, 1_650_000_000).to_der().unwrap(),
    );
    let rev = revocation_time();
    let mut revoked = Chain::new(key("term-revoked"), "M-1", "T-REV");
    push(
        "revoked-after",
        "issued one day before its certificate was revoked: valid with a warning",
        revoked.sale(Cvm::Pin, 100, rev - 86_400).to_der().unwrap(),
    );
    push(
        "revoked-before",
        "issued one hour after its certificate was revoked",
        revoked.sale(Cvm::Pin, 100, rev + 3600).to_der().unwrap(),
    );

    // Journal features, one receipt each.
    let mut outage = Terminal::new(key("term-ok"), "M-2", "T-OUT").unwrap();
    let unsigned = outage
        .record_unsigned(common::sale(&outage, T0, 700))
        .unwrap();
    push(
        "unsigned",
        "a sale recorded unsigned during a signer outage (signature all zero)",
        unsigned.to_der().unwrap(),
    );
    push(
        "recovery",
        "recovery receipt committing to the unsigned record",
        outage.recover(T0 + 60).unwrap().to_der().unwrap(),
    );
    push(
        "day-close",
        "dayClose of the batch (unsigned sale + recovery): Merkle root and totals",
        outage.close_day(T0 + 120).unwrap().to_der().unwrap(),
    );
    let mut rotated = outage.rotate(key("term-ok2")).unwrap();
    push(
        "key-rotation",
        "term-ok2's first receipt, naming term-ok's last receipt (key rotation extension)",
        rotated
            .sign(common::sale(&rotated, T0 + 180, 800))
            .unwrap()
            .to_der()
            .unwrap(),
    );

    // Expected outcomes: computed by the library, reviewed in the diff of index.json.
    let store = store();
    let opts = VerifyOptions::at(NOW);
    let mut entries = Vec::new();
    for vec in &v {
        std::fs::write(out.join(format!("{}.der", vec.name)), &vec.der).unwrap();
        let result =
            possig::UnverifiedReceipt::from_der(&vec.der).and_then(|r| r.verify(&store, &opts));
        let (outcome, code, warnings): (&str, Option<&str>, Vec<&str>) = match &result {
            Ok(r) if r.warnings().is_empty() => ("valid", None, vec![]),
            Ok(r) => (
                "valid_with_warnings",
                None,
                r.warnings().iter().map(|w| w.code()).collect(),
            ),
            Err(e) => ("invalid", Some(e.code()), vec![]),
        };
        entries.push(json!({
            "name": vec.name, "file": format!("{}.der", vec.name), "description": vec.description,
            "outcome": outcome, "code": code, "warnings": warnings,
        }));
    }

    // The injected journal day: expected record outcomes and findings, in order.
    let day = generate_day();
    std::fs::write(out.join("journal-day.bin"), day.records.concat()).unwrap();
    let mut records = Vec::new();
    let mut findings = Vec::new();
    let jopts = JournalOptions::new(opts);
    possig::journal::verify_journal(day.records.concat().as_slice(), &store, &jopts, |e| match e {
        Event::Record(r) => records.push(json!({"index": r.index, "offset": r.offset, "status": r.status, "code": r.code, "warnings": r.warnings})),
        Event::Finding(f) => findings.push(serde_json::to_value(&f).unwrap()),
    })
    .unwrap();
    let index = json!({
        "verify_at": NOW,
        "trust": {
            "roots": ["root.pem"],
            "intermediates": ["intermediate.pem"],
            "terminals": ["term-ok.pem", "term-ok2.pem", "term-expired.pem", "term-revoked.pem", "term-noeku.pem"],
            "crls": ["root.crl.pem", "intermediate.crl.pem"],
        },
        "vectors": entries,
        "journals": [{
            "name": "journal-day",
            "file": "journal-day.bin",
            "description": "a day with every journal finding injected (see testkit/src/fixtures.rs, generate_day)",
            "records": records,
            "findings": findings,
        }],
    });
    std::fs::write(
        out.join("index.json"),
        serde_json::to_string_pretty(&index).unwrap() + "\n",
    )
    .unwrap();
    println!(
        "wrote {} vectors and 1 journal to {}",
        v.len(),
        out.display()
    );
}
