//! Decode, encode, sign, verify (single, full path), verify_many (batch) and journal streaming,
//! with the peers in the same run on the same messages: p256 (our own baseline), ring and
//! OpenSSL (the `openssl` crate). Ratios are in docs/BENCHMARKS.md.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use p256::ecdsa::signature::{Signer, Verifier};
use possig::journal::{JournalOptions, verify_journal, verify_many};
use possig::{UnverifiedReceipt, VerifyOptions};
use possig_benches::{NOW, TYPICAL_SIZE, fixture_key, signed_by_many, typical_receipt};

/// The peers' keys for the fixture terminal key `term-ok`, and the typical receipt's message
/// and signatures in each peer's encoding.
struct Peers {
    msg: Vec<u8>,
    p256_vk: p256::ecdsa::VerifyingKey,
    p256_sig: p256::ecdsa::Signature,
    ring_pair: ring::signature::EcdsaKeyPair,
    ring_pub: Vec<u8>,
    fixed_sig: Vec<u8>,
    ossl_key: openssl::pkey::PKey<openssl::pkey::Private>,
    der_sig: Vec<u8>,
}

fn peers(r: &UnverifiedReceipt) -> Peers {
    use p256::pkcs8::EncodePrivateKey;
    let sk = fixture_key("term-ok").unwrap();
    let pkcs8 = sk.to_pkcs8_der().unwrap();
    let ring_pair = ring::signature::EcdsaKeyPair::from_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        pkcs8.as_bytes(),
        &ring::rand::SystemRandom::new(),
    )
    .unwrap();
    let ossl_key = openssl::pkey::PKey::private_key_from_der(pkcs8.as_bytes()).unwrap();
    let sig = r.signature();
    let p256_sig = p256::ecdsa::Signature::from_slice(&sig[..64]).unwrap();
    Peers {
        msg: r.tbs_der().to_vec(),
        p256_vk: *sk.verifying_key(),
        p256_sig,
        ring_pub: sk.verifying_key().to_sec1_point(false).as_bytes().to_vec(),
        ring_pair,
        fixed_sig: sig[..64].to_vec(),
        der_sig: p256_sig.to_der().as_bytes().to_vec(),
        ossl_key,
    }
}

fn ossl_verify(key: &openssl::pkey::PKey<openssl::pkey::Private>, msg: &[u8], sig: &[u8]) -> bool {
    let mut v = openssl::sign::Verifier::new(openssl::hash::MessageDigest::sha256(), key).unwrap();
    v.update(msg).unwrap();
    v.verify(sig).unwrap()
}

fn single(c: &mut Criterion) {
    let r = typical_receipt().unwrap();
    let der = r.to_der().unwrap();
    assert_eq!(der.len(), TYPICAL_SIZE, "the typical receipt changed size");
    let store = possig_benches::store().unwrap();
    let opts = VerifyOptions::at(NOW);
    let p = peers(&r);

    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Bytes(der.len() as u64));
    g.bench_function("possig", |b| {
        b.iter(|| UnverifiedReceipt::from_der(black_box(&der)).unwrap())
    });
    g.finish();

    let mut g = c.benchmark_group("encode");
    g.bench_function("possig", |b| b.iter(|| black_box(&r).to_der().unwrap()));
    g.finish();

    let mut g = c.benchmark_group("sign");
    let sk = fixture_key("term-ok").unwrap();
    let t = possig::Terminal::new(sk.clone(), "M-100", "T-100").unwrap();
    let draft = t
        .builder(possig::ReceiptKind::Sale, 1_780_308_000)
        .payment(r.tbs().payment().map(payment_of).unwrap())
        .build()
        .unwrap();
    g.bench_function("possig (draft, low-S, v)", |b| {
        b.iter(|| draft.clone().sign(&sk).unwrap())
    });
    g.bench_function("p256", |b| {
        b.iter(|| -> p256::ecdsa::Signature { sk.sign(black_box(&p.msg)) })
    });
    let rng = ring::rand::SystemRandom::new();
    g.bench_function("ring", |b| {
        b.iter(|| p.ring_pair.sign(&rng, black_box(&p.msg)).unwrap())
    });
    g.bench_function("openssl", |b| {
        b.iter(|| {
            let mut s =
                openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), &p.ossl_key)
                    .unwrap();
            s.update(black_box(&p.msg)).unwrap();
            s.sign_to_vec().unwrap()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("verify");
    // The store has seen the key before: after the second verification, u2·Q comes from the
    // key's precomputed table (constant-time, possig-ec's `KeyTable`).
    for _ in 0..2 {
        UnverifiedReceipt::from_der(&der)
            .unwrap()
            .verify(&store, &opts)
            .unwrap();
    }
    assert_eq!(store.cached_key_tables(), 1);
    g.bench_function(
        "possig full path (decode, chain, trust lookup, signature; key table)",
        |b| {
            b.iter(|| {
                UnverifiedReceipt::from_der(black_box(&der))
                    .unwrap()
                    .verify(&store, &opts)
                    .unwrap()
            })
        },
    );
    // A fresh store for every verification: the key's first receipt, u2·Q by possig-ec's
    // constant-time windowed multiplication (ec/src/ct/mod.rs). The stores are built outside
    // the timing, 32 at a time, and the 32 verifications timed together (as a service meets
    // new keys: building one store per timed call would time the caches its construction
    // evicted, not the verification).
    g.bench_function("possig full path, key's first receipt (no table)", |b| {
        b.iter_batched_ref(
            || possig_benches::store().unwrap(),
            |fresh| {
                UnverifiedReceipt::from_der(black_box(&der))
                    .unwrap()
                    .verify(fresh, &opts)
                    .unwrap()
            },
            BatchSize::NumIterations(32),
        )
    });
    g.bench_function("possig signature only", |b| {
        b.iter(|| {
            possig::ecdsa::verify(p.p256_vk.as_affine(), black_box(&p.msg), r.signature()).unwrap()
        })
    });
    g.bench_function("p256", |b| {
        b.iter(|| p.p256_vk.verify(black_box(&p.msg), &p.p256_sig).unwrap())
    });
    let ring_key = ring::signature::UnparsedPublicKey::new(
        &ring::signature::ECDSA_P256_SHA256_FIXED,
        &p.ring_pub,
    );
    g.bench_function("ring", |b| {
        b.iter(|| ring_key.verify(black_box(&p.msg), &p.fixed_sig).unwrap())
    });
    g.bench_function("openssl", |b| {
        b.iter(|| assert!(ossl_verify(&p.ossl_key, black_box(&p.msg), &p.der_sig)))
    });
    g.finish();
    lincomb(c, p.p256_vk.as_affine());
}

/// The single path's `u1·G + u2·Q` and its pieces: what a key's first receipt and a key seen
/// before cost in curve arithmetic, against p256's own constant-time pieces.
fn lincomb(c: &mut Criterion, q: &p256::AffinePoint) {
    use p256::elliptic_curve::group::Group;
    use p256::elliptic_curve::ops::Reduce;
    use p256::{FieldBytes, ProjectivePoint, Scalar};
    use possig_ec::{KeyTable, PublicKey, ecdsa};
    let scalar = |byte: u8| <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from([byte; 32]));
    let (u1, u2) = (scalar(0x5a), scalar(0xc3));
    let key = PublicKey::from_p256(q).unwrap();
    let table = KeyTable::new(key.as_affine());
    let mut g = c.benchmark_group("single_lincomb");
    g.bench_function(
        "possig u1·G + u2·Q, key's first receipt (Jacobian, odd digits)",
        |b| b.iter(|| ecdsa::lincomb(&key, None, black_box(&u1), black_box(&u2))),
    );
    g.bench_function("possig u1·G + u2·Q, key seen before (key table)", |b| {
        b.iter(|| ecdsa::lincomb(&key, Some(&table), black_box(&u1), black_box(&u2)))
    });
    g.bench_function("possig key table build (a key's second receipt)", |b| {
        b.iter(|| KeyTable::new(black_box(key.as_affine())))
    });
    g.bench_function("possig k·G (base table)", |b| {
        b.iter(|| possig_ec::ct::mul_by_generator(black_box(&u1)))
    });
    g.bench_function("p256 u2·Q (constant-time ladder)", |b| {
        b.iter(|| ProjectivePoint::from(*q) * black_box(&u2))
    });
    g.bench_function("p256 u1·G (constant-time base-point table)", |b| {
        b.iter(|| ProjectivePoint::mul_by_generator(black_box(&u1)))
    });
    g.finish();
}

fn payment_of(p: &possig::PaymentBody) -> possig::Payment {
    possig::Payment {
        amount: p.amount(),
        currency: p.currency().to_string(),
        scheme: p.card().scheme().to_string(),
        bin: p.card().bin().to_string(),
        last4: p.card().last4().to_string(),
        entry_mode: p.entry_mode(),
        authorization_code: p.authorization_code().map(str::to_string),
        rrn: p.rrn().to_string(),
        cardholder_verification: p.cardholder_verification(),
        original: None,
    }
}

fn many(c: &mut Criterion) {
    let opts = JournalOptions::new(VerifyOptions::at(NOW));
    let mut g = c.benchmark_group("verify_many");
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    for (label, keys) in [("one key", 1usize), ("100 keys", 100), ("distinct keys", 0)] {
        for n in [1usize, 64, 1024, 16384] {
            let k = if keys == 0 { n } else { keys.min(n) };
            let (store, records) = signed_by_many(n, k).unwrap();
            g.throughput(Throughput::Elements(n as u64));
            g.bench_with_input(BenchmarkId::new(label, n), &records, |b, records| {
                b.iter(|| {
                    let s = verify_many(records, &store, &opts, |_| {});
                    assert_eq!(s.records, n as u64);
                    s
                })
            });
        }
    }
    g.finish();
    // The same at 16384 without batching (possig-ec's constant-time single verification on 2
    // cores), for the batch's own speed-up.
    let mut g = c.benchmark_group("verify_many_unbatched");
    g.sample_size(10);
    let (store, records) = signed_by_many(16384, 1).unwrap();
    let unbatched = opts.clone().without_batching();
    g.throughput(Throughput::Elements(16384));
    g.bench_function("one key/16384", |b| {
        b.iter(|| verify_many(&records, &store, &unbatched, |_| {}))
    });
    g.finish();
}

fn journal(c: &mut Criterion) {
    let (store, records) = signed_by_many(16384, 100).unwrap();
    let journal: Vec<u8> = records.concat();
    let opts = JournalOptions::new(VerifyOptions::at(NOW));
    let mut g = c.benchmark_group("journal");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(journal.len() as u64));
    g.bench_function("stream 16384 receipts, 100 keys (bytes/s)", |b| {
        b.iter(|| verify_journal(journal.as_slice(), &store, &opts, |_| {}).unwrap())
    });
    g.throughput(Throughput::Elements(records.len() as u64));
    g.bench_function("stream 16384 receipts, 100 keys (receipts/s)", |b| {
        b.iter(|| verify_journal(journal.as_slice(), &store, &opts, |_| {}).unwrap())
    });
    g.finish();
}

criterion_group!(benches, single, many, journal);
criterion_main!(benches);
