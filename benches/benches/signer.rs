//! A signing service's throughput for one key: receipts signed in memory (`Terminal::sign`)
//! against receipts made durable per receipt through `possig_terminal::SignerStore` (sign,
//! append to the journal, fsync, atomic checkpoint with its own fsyncs), with ring's signing of
//! the same bytes as the peer in the same run.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use possig::{CardholderVerification, EntryMode, Payment, ReceiptBuilder, ReceiptKind, Terminal};
use possig_benches::fixture_key;
use possig_terminal::SignerStore;

fn sale(b: ReceiptBuilder, n: u64) -> ReceiptBuilder {
    b.payment(Payment {
        amount: 1000 + n % 1000,
        currency: "EUR".into(),
        scheme: "VISA".into(),
        bin: "411111".into(),
        last4: "1111".into(),
        entry_mode: EntryMode::Contactless,
        authorization_code: Some("A1B2C3".into()),
        rrn: "612345678901".into(),
        cardholder_verification: CardholderVerification::Pin,
        original: None,
    })
}

fn bench(c: &mut Criterion) {
    let key = fixture_key("term-ok").unwrap();
    let mut g = c.benchmark_group("signer");
    g.throughput(Throughput::Elements(1));
    let mut t = Terminal::new(key.clone(), "M-1", "T-1").unwrap();
    let mut n = 0u64;
    g.bench_function("memory (Terminal::sign)", |b| {
        b.iter(|| {
            n += 1;
            let r = t.sign(sale(t.builder(ReceiptKind::Sale, 1_780_308_000 + n), n));
            black_box(r.unwrap())
        })
    });
    let dir = std::env::temp_dir().join(format!("possig-bench-signer-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let state = Terminal::new(key.clone(), "M-1", "T-1").unwrap().state();
    let mut store = SignerStore::init(&dir, &state).unwrap();
    g.sample_size(20);
    g.bench_function(
        "durable (SignerStore::sign: journal fsync + checkpoint)",
        |b| {
            b.iter(|| {
                n += 1;
                let builder = sale(store.builder(ReceiptKind::Sale, 1_780_308_000 + n), n);
                black_box(store.sign(&key, builder).unwrap())
            })
        },
    );
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    use p256::pkcs8::EncodePrivateKey;
    let pkcs8 = key.to_pkcs8_der().unwrap();
    let rng = ring::rand::SystemRandom::new();
    let ring_pair = ring::signature::EcdsaKeyPair::from_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        pkcs8.as_bytes(),
        &rng,
    )
    .unwrap();
    let msg = t
        .sign(sale(t.builder(ReceiptKind::Sale, 1_780_308_000), 0))
        .unwrap()
        .tbs_der()
        .to_vec();
    g.bench_function("ring (sign the same bytes)", |b| {
        b.iter(|| ring_pair.sign(&rng, black_box(&msg)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
