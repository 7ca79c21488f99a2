//! Fixtures and helpers shared by possig's integration tests, its golden-vector generator and
//! the benchmarks: the fixture PKI and keys (`core/tests/fixtures/pki`), the golden vectors
//! (`core/tests/vectors`), chains of receipts, a day of journals, corruptions. Test support:
//! failures panic with the file or step that failed.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs,
    missing_debug_implementations
)]

use std::path::PathBuf;

use p256::elliptic_curve::PrimeField;
use possig::journal::{Anchor, BadDayCloseReason, BadResignReason, Finding, Status};
use possig::keys::SigningKey;
use possig::{
    CardholderVerification, EntryMode, Payment, ReceiptBuilder, ReceiptKind, Strokes, TrustStore,
    UnverifiedReceipt,
};
use possig::{CardholderVerification as Cvm, Terminal, UnverifiedReceipt as Unverified};

/// Verification time of every golden vector: 2027-01-01T00:00:00Z (after the fixture CRL's
/// thisUpdate, before every validity end except term-expired's).
pub const NOW: u64 = 1_798_761_600;
/// A normal issue time: 2026-06-01T10:00:00Z.
pub const T0: u64 = 1_780_308_000;

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/pki")
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn key(name: &str) -> SigningKey {
    let pem = String::from_utf8(fixture(&format!("{name}.key.pem"))).unwrap();
    possig::keys::signing_key_from_pkcs8_pem(&pem).unwrap()
}

/// A key that no certificate in the fixture store carries.
pub fn stranger_key() -> SigningKey {
    possig::keys::signing_key_from_bytes(&[7u8; 32]).unwrap()
}

pub fn store() -> TrustStore {
    let mut b = TrustStore::builder();
    b.add_root(&fixture("root.pem")).unwrap();
    b.add_intermediate(&fixture("intermediate.pem")).unwrap();
    for t in [
        "term-ok",
        "term-ok2",
        "term-expired",
        "term-revoked",
        "term-noeku",
    ] {
        b.add_terminal(&fixture(&format!("{t}.pem"))).unwrap();
    }
    b.add_crl(&fixture("root.crl.pem")).unwrap();
    b.add_crl(&fixture("intermediate.crl.pem")).unwrap();
    b.build().unwrap()
}

/// Revocation time of term-revoked in the fixture CRL.
pub fn revocation_time() -> u64 {
    use der::Decode;
    let pem = fixture("intermediate.crl.pem");
    let (_, der) = der::pem::decode_vec(&pem).unwrap();
    let crl =
        x509_cert::crl::CertificateList::<x509_cert::certificate::Rfc5280>::from_der(&der).unwrap();
    crl.tbs_cert_list.revoked_certificates.unwrap()[0]
        .revocation_date
        .to_unix_duration()
        .as_secs()
}

pub fn payment(cvm: CardholderVerification, amount: u64) -> Payment {
    Payment {
        amount,
        currency: "EUR".into(),
        scheme: "VISA".into(),
        bin: "411111".into(),
        last4: "1111".into(),
        entry_mode: EntryMode::Chip,
        authorization_code: Some("A1B2C3".into()),
        rrn: "612345678901".into(),
        cardholder_verification: cvm,
        original: None,
    }
}

pub fn strokes(seed: u16) -> Strokes {
    let mut s1 = Vec::new();
    for i in 0..40u16 {
        s1.push((20 + i * 7, 100 + (i * seed) % 60));
    }
    let s2 = vec![(300, 50), (310, 150), (305, 160), (600, 20)];
    Strokes::new(640, 200, vec![s1, s2]).unwrap()
}

/// One signing key's chain state: counter and previous digest.
pub struct Chain {
    pub key: SigningKey,
    pub counter: u64,
    pub previous: [u8; 32],
    pub merchant: String,
    pub terminal: String,
}

impl Chain {
    pub fn new(key: SigningKey, merchant: &str, terminal: &str) -> Self {
        Chain {
            key,
            counter: 0,
            previous: [0; 32],
            merchant: merchant.into(),
            terminal: terminal.into(),
        }
    }

    pub fn builder(&self, kind: ReceiptKind, at: u64) -> ReceiptBuilder {
        ReceiptBuilder::new(kind)
            .signer_key_id(possig::key_id(self.key.verifying_key()).unwrap())
            .merchant_id(&self.merchant)
            .terminal_id(&self.terminal)
            .chain(self.counter, self.previous)
            .issued_at(at)
    }

    pub fn sign(&mut self, b: ReceiptBuilder) -> UnverifiedReceipt {
        let r = b.build().unwrap().sign(&self.key).unwrap();
        self.counter += 1;
        self.previous = r.digest().to_bytes();
        r
    }

    pub fn sale(&mut self, cvm: CardholderVerification, amount: u64, at: u64) -> UnverifiedReceipt {
        let b = self
            .builder(ReceiptKind::Sale, at)
            .payment(payment(cvm, amount));
        let b = if cvm == CardholderVerification::Signature {
            b.signature_strokes(strokes(3))
        } else {
            b
        };
        self.sign(b)
    }
}

/// Decodes and verifies `der` against the fixture store at [`NOW`].
///
/// # Errors
/// Whatever decoding or verification reports.
pub fn verify_now(der: &[u8]) -> Result<possig::VerifiedReceipt, possig::Error> {
    Unverified::from_der(der)?.verify(&store(), &possig::VerifyOptions::at(NOW))
}

/// term-ok's chain, as merchant M-1, terminal T-OK.
pub fn ok_chain() -> Chain {
    Chain::new(key("term-ok"), "M-1", "T-OK")
}

/// Verifies the concatenation of `records` as a journal: every outcome, every finding, and the
/// summary.
pub fn run_journal(
    records: &[Vec<u8>],
    opts: &possig::journal::JournalOptions,
) -> (
    Vec<possig::journal::RecordOutcome>,
    Vec<Finding>,
    possig::journal::Summary,
) {
    use possig::journal::Event;
    let mut outcomes = Vec::new();
    let mut findings = Vec::new();
    let journal: Vec<u8> = records.concat();
    let summary =
        possig::journal::verify_journal(journal.as_slice(), &store(), opts, |e| match e {
            Event::Record(r) => outcomes.push(r),
            Event::Finding(f) => findings.push(f),
        })
        .unwrap();
    (outcomes, findings, summary)
}

/// Replaces s by n − s and flips v's parity bit: the other, high-S encoding of one signature.
pub fn high_s_variant(der: &[u8], sig: &[u8]) -> Vec<u8> {
    let s_bytes: [u8; 32] = sig[32..64].try_into().unwrap();
    let s = p256::Scalar::from_repr(s_bytes.into()).unwrap();
    let neg = (-s).to_repr();
    let mut new_sig = sig.to_vec();
    new_sig[32..64].copy_from_slice(&neg);
    new_sig[64] ^= 1;
    replace_once(der, sig, &new_sig)
}

pub fn replace_once(hay: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let pos = hay
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("needle present");
    let mut out = hay.to_vec();
    out[pos..pos + needle.len()].copy_from_slice(with);
    out
}

// ---- The injected journal day (journal tests and golden vectors) ----

pub struct Day {
    pub records: Vec<Vec<u8>>,
    pub expected: Vec<Finding>,
    pub statuses: Vec<(usize, Status, Option<&'static str>)>,
    pub close1: Unverified,
    pub in_batch1: Unverified,
    pub anchor_at_11: Anchor,
    pub index_of_c11: usize,
}

pub fn sale(t: &Terminal<SigningKey>, at: u64, amount: u64) -> ReceiptBuilder {
    t.builder(ReceiptKind::Sale, at)
        .payment(payment(Cvm::Pin, amount))
}

/// The injected history (counters of key A in parentheses):
/// batch 1 (0-6) closed by a valid dayClose (7): sale, pending sale, copy, two unsigned records,
/// their recovery, the pending sale's resign. Batch 2 (8-9) closed by a dayClose with a wrong
/// root (10). Open batch (11-22): pending sale never re-signed, a resign of a non-pending sale,
/// an unsigned record never recovered, a tampered sale, a duplicate upload, two receipts
/// swapped, one deleted, a fork, a broken link. Key B (revoked) signs after its revocation.
/// Key A2 takes over from A by key rotation.
pub fn generate_day() -> Day {
    let t = T0;
    let mut a = Terminal::new(key("term-ok"), "M-1", "T-OK").unwrap();
    let ka = a.key_id();
    let mut out: Vec<Unverified> = Vec::new();
    let s1 = a.sign(sale(&a, t, 100)).unwrap();
    let p1 = a
        .sign(
            a.builder(ReceiptKind::Sale, t + 1)
                .payment(payment(Cvm::Pending, 200)),
        )
        .unwrap();
    let cp = a
        .sign(a.builder(ReceiptKind::Copy, t + 2).copy_of(s1.digest(), 1))
        .unwrap();
    let u1 = a.record_unsigned(sale(&a, t + 3, 300)).unwrap();
    let u2 = a.record_unsigned(sale(&a, t + 4, 400)).unwrap();
    let rec = a.recover(t + 5).unwrap();
    let rs1 = a
        .sign(
            a.builder(ReceiptKind::Resign, t + 6)
                .resign_of(p1.digest())
                .signature_strokes(strokes(2)),
        )
        .unwrap();
    let close1 = a.close_day(t + 7).unwrap();
    out.extend([
        s1.clone(),
        p1.clone(),
        cp.clone(),
        u1,
        u2,
        rec,
        rs1.clone(),
        close1.clone(),
    ]);
    let b1 = a.sign(sale(&a, t + 8, 800)).unwrap();
    let b2 = a.sign(sale(&a, t + 9, 900)).unwrap();
    let mut dc = a.day_close();
    dc.root = possig::Digest([9; 32]);
    let close2 = a
        .sign(a.builder(ReceiptKind::DayClose, t + 10).day_close(dc))
        .unwrap();
    out.extend([b1, b2, close2.clone()]);
    let p2 = a
        .sign(
            a.builder(ReceiptKind::Sale, t + 11)
                .payment(payment(Cvm::Pending, 1100)),
        )
        .unwrap();
    let x = a.sign(sale(&a, t + 12, 1200)).unwrap();
    let bad_rs = a
        .sign(
            a.builder(ReceiptKind::Resign, t + 13)
                .resign_of(x.digest())
                .signature_strokes(strokes(3)),
        )
        .unwrap();
    let u3 = a.record_unsigned(sale(&a, t + 14, 1400)).unwrap();
    let tam = a.sign(sale(&a, t + 15, 1999)).unwrap();
    let r16 = a.sign(sale(&a, t + 16, 1600)).unwrap();
    let r17 = a.sign(sale(&a, t + 17, 1700)).unwrap();
    let r18 = a.sign(sale(&a, t + 18, 1800)).unwrap();
    let _r19_deleted = a.sign(sale(&a, t + 19, 1900)).unwrap();
    let r20 = a.sign(sale(&a, t + 20, 2000)).unwrap();
    let fork20 = ReceiptBuilder::new(ReceiptKind::Sale)
        .signer_key_id(ka)
        .merchant_id("M-1")
        .terminal_id("T-OK")
        .chain(20, possig::Digest::try_from(r20.tbs().previous()).unwrap())
        .issued_at(t + 20)
        .payment(payment(Cvm::Pin, 1))
        .build()
        .unwrap()
        .sign(&key("term-ok"))
        .unwrap();
    let broken21 = sale(&a, t + 21, 2100)
        .chain(21, [7; 32])
        .build()
        .unwrap()
        .sign(&key("term-ok"))
        .unwrap();
    let mut a_cont =
        Terminal::resume(key("term-ok"), "M-1", "T-OK", 22, broken21.digest()).unwrap();
    let r22 = a_cont.sign(sale(&a_cont, t + 22, 2200)).unwrap();

    let mut tampered = tam.to_der().unwrap();
    let pos = tampered
        .windows(4)
        .position(|w| w == [0x02, 0x02, 0x07, 0xcf])
        .unwrap();
    tampered[pos + 3] ^= 1;

    let mut records: Vec<Vec<u8>> = out.iter().map(|r| r.to_der().unwrap()).collect();
    let index_of_c11 = records.len();
    for r in [&p2, &x, &bad_rs, &u3] {
        records.push(r.to_der().unwrap());
    }
    records.push(tampered);
    records.push(r16.to_der().unwrap());
    records.push(r16.to_der().unwrap()); // duplicate upload
    records.push(r18.to_der().unwrap()); // swapped with 17
    records.push(r17.to_der().unwrap());
    records.push(r20.to_der().unwrap()); // 19 deleted
    records.push(fork20.to_der().unwrap());
    records.push(broken21.to_der().unwrap());
    records.push(r22.to_der().unwrap());

    // Key B: revoked, signs after its revocation.
    let mut b = Terminal::new(key("term-revoked"), "M-1", "T-REV").unwrap();
    let kb = b.key_id();
    records.push(
        b.sign(sale(&b, revocation_time() + 60, 5))
            .unwrap()
            .to_der()
            .unwrap(),
    );

    // Key A2: rotation from A's last receipt.
    let mut a2 = a_cont.rotate(key("term-ok2")).unwrap();
    let ka2 = a2.key_id();
    records.push(a2.sign(sale(&a2, t + 30, 3000)).unwrap().to_der().unwrap());

    let n = |i: usize| i as u64;
    let expected = vec![
        Finding::ChainStart {
            key: ka,
            counter: 0,
            how: "genesis",
        },
        Finding::Copy {
            digest: cp.digest(),
            original: s1.digest(),
            reprint: 1,
        },
        Finding::UnsignedCovered {
            key: ka,
            counter: 3,
        },
        Finding::UnsignedCovered {
            key: ka,
            counter: 4,
        },
        Finding::ReSigned {
            digest: p1.digest(),
            resigned_at: t + 6,
        },
        Finding::BadDayClose {
            key: ka,
            counter: 10,
            reason: BadDayCloseReason::Root,
        },
        Finding::BadResign {
            digest: bad_rs.digest(),
            reason: BadResignReason::NotPending,
        },
        Finding::Duplicate {
            key: ka,
            counter: 16,
            index: n(17),
        },
        Finding::Reordered {
            key: ka,
            counter: 17,
            index: n(19),
        },
        Finding::Fork {
            key: ka,
            counter: 20,
            index: n(21),
        },
        Finding::BrokenLink {
            key: ka,
            counter: 21,
        },
        Finding::ChainStart {
            key: kb,
            counter: 0,
            how: "genesis",
        },
        Finding::ChainStart {
            key: ka2,
            counter: 0,
            how: "rotation",
        },
        Finding::Rotation {
            from: ka,
            to: ka2,
            matches: true,
        },
        // End of input.
        Finding::Gap {
            key: ka,
            from: 19,
            to: 19,
        },
        Finding::UnsignedUncovered {
            key: ka,
            counter: 14,
        },
        Finding::Pending {
            digest: p2.digest(),
            terminal: "T-OK".into(),
            issued_at: t + 11,
            age: NOW - (t + 11),
        },
        Finding::OpenBatch {
            key: ka,
            first: 11,
            count: 11,
        },
        Finding::OpenBatch {
            key: kb,
            first: 0,
            count: 1,
        },
        Finding::OpenBatch {
            key: ka2,
            first: 0,
            count: 1,
        },
    ];
    let statuses = vec![
        (3, Status::Unsigned, None),
        (4, Status::Unsigned, None),
        (14, Status::Unsigned, None),
        (15, Status::Invalid, Some("bad_signature")),
        (24, Status::Invalid, Some("revoked")),
    ];
    let anchor_at_11 = Anchor {
        counter: 10,
        digest: close2.digest(),
    };
    Day {
        records,
        expected,
        statuses,
        close1,
        in_batch1: s1,
        anchor_at_11,
        index_of_c11,
    }
}

/// A `Read` over lazily generated chunks (scale tests: inputs far larger than memory).
pub struct Lazy<F: FnMut() -> Option<Vec<u8>>> {
    pub next: F,
    pub buf: Vec<u8>,
    pub pos: usize,
}

impl<F: FnMut() -> Option<Vec<u8>>> Lazy<F> {
    pub fn new(next: F) -> Self {
        Lazy {
            next,
            buf: Vec::new(),
            pos: 0,
        }
    }
}

impl<F: FnMut() -> Option<Vec<u8>>> std::io::Read for Lazy<F> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos == self.buf.len() {
            match (self.next)() {
                Some(b) => {
                    self.buf = b;
                    self.pos = 0;
                }
                None => return Ok(0),
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Peak resident set size of this process, KiB (Linux `VmHWM`).
pub fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// `n` valid receipts over `keys` fixture keys, interleaved.
pub fn receipts(n: usize, keys: &[&str]) -> Vec<Vec<u8>> {
    let mut chains: Vec<Chain> = keys
        .iter()
        .map(|k| Chain::new(key(k), "M-1", &format!("T-{k}")))
        .collect();
    let len = chains.len();
    (0..n)
        .map(|i| {
            chains[i % len]
                .sale(Cvm::Pin, 100 + i as u64, T0 + i as u64)
                .to_der()
                .unwrap()
        })
        .collect()
}

/// The `k`-th kind of signature fault applied to a valid receipt.
pub fn corrupt(der: &[u8], k: usize) -> Vec<u8> {
    let r = UnverifiedReceipt::from_der(der).unwrap();
    let sig = r.signature().to_vec();
    let mut bad = sig.clone();
    match k % 6 {
        0 => bad[7] ^= 0x10,                   // r edited: bad_signature
        1 => bad[40] ^= 0x01,                  // s edited: bad_signature
        2 => bad[64] ^= 1,                     // wrong parity: wrong_recovery_id
        3 => bad[64] ^= 2,                     // claims x ≥ n: wrong_recovery_id
        4 => return high_s_variant(der, &sig), // high_s
        _ => {
            // The message edited (the amount): bad_signature.
            let mut d = der.to_vec();
            let pos = d.len() - 80;
            d[pos] ^= 1;
            return d;
        }
    }
    replace_once(der, &sig, &bad)
}

/// The golden vectors' directory.
pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/vectors")
}

/// Every golden receipt vector (`*.der`), sorted by content.
pub fn golden_vectors() -> Vec<Vec<u8>> {
    let mut vectors: Vec<Vec<u8>> = std::fs::read_dir(vectors_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "der"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    vectors.sort();
    vectors
}

/// Every record given its own fault ([`corrupt`] with the record's index as the kind).
pub fn corrupt_all(records: &[Vec<u8>]) -> Vec<Vec<u8>> {
    records
        .iter()
        .enumerate()
        .map(|(i, d)| corrupt(d, i))
        .collect()
}

/// A xorshift generator for deterministic mutations (not cryptographic; a failure reproduces).
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// `input` with one to four random edits: a byte changed, removed, inserted, the tail cut, or a
/// length-like byte set to an extreme (where decoders break).
pub fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut m = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        match rng.below(5) {
            0 if !m.is_empty() => {
                let i = rng.below(m.len());
                m[i] = rng.next_u64() as u8;
            }
            1 if !m.is_empty() => {
                let i = rng.below(m.len());
                m.remove(i);
            }
            2 => {
                let i = rng.below(m.len() + 1);
                m.insert(i, rng.next_u64() as u8);
            }
            3 if !m.is_empty() => {
                let i = rng.below(m.len());
                m.truncate(i);
            }
            _ => {
                // Length-like bytes are where decoders break: set one to an extreme.
                if !m.is_empty() {
                    let i = rng.below(m.len());
                    m[i] = [0x00, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xff][rng.below(7)];
                }
            }
        }
    }
    m
}
