//! Differential: possig's signature check against ring's on mutated genuine signatures.
//! `possig::ecdsa::ecdsa_verify_plain` (textbook ECDSA) must agree with ring exactly;
//! `possig::ecdsa::verify` may refuse more, and only for its documented policy: high-S
//! (`HighS`, checked before the equation) and a recovery id that does not describe R
//! (`WrongRecoveryId`, checked after it). Every other refusal is `BadSignature`, exactly when
//! ring refuses too.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use p256::FieldBytes;
use possig::{Error, UnverifiedReceipt};
use possig_fuzz::vectors;
use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};

/// Genuine (public key, message, r‖s‖v) triples: every signed golden vector, under the key of
/// its fixture certificate.
struct Genuine {
    q: p256::AffinePoint,
    sec1: Vec<u8>,
    msg: Vec<u8>,
    sig: [u8; 65],
}

fn genuine() -> &'static [Genuine] {
    static G: OnceLock<Vec<Genuine>> = OnceLock::new();
    G.get_or_init(|| {
        let keys: Vec<_> = [
            "term-ok",
            "term-ok2",
            "term-expired",
            "term-revoked",
            "term-noeku",
        ]
        .iter()
        .map(|n| *possig_fuzz::key(n).verifying_key())
        .collect();
        vectors()
            .iter()
            .filter_map(|d| UnverifiedReceipt::from_der(d).ok())
            .filter(|r| !r.is_unsigned())
            .filter_map(|r| {
                let vk = keys
                    .iter()
                    .find(|k| possig::key_id(k).unwrap() == r.key_id())?;
                Some(Genuine {
                    q: *vk.as_affine(),
                    sec1: vk.to_sec1_point(false).as_bytes().to_vec(),
                    msg: r.tbs_der().to_vec(),
                    sig: r.signature().try_into().unwrap(),
                })
            })
            .collect()
    })
}

/// Scalars at the edges of the ranges the checks must get right.
const SPECIAL: [[u8; 32]; 6] = [
    [0; 32],
    [0xff; 32],
    // n
    hex_literal::hex!("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"),
    // n − 1
    hex_literal::hex!("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550"),
    // p (x coordinates between n and p reduce mod n)
    hex_literal::hex!("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"),
    // (n − 1) / 2, the largest low s
    hex_literal::hex!("7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8"),
];

/// x + n mod 2²⁵⁶, big-endian.
fn add_n(x: &mut [u8]) {
    let mut carry = 0u16;
    for (b, n) in x.iter_mut().zip(SPECIAL[2]).rev() {
        let t = u16::from(*b) + u16::from(n) + carry;
        *b = t as u8;
        carry = t >> 8;
    }
}

#[derive(Debug, Arbitrary)]
struct Mutation {
    vector: u8,
    /// Replace s by n − s (the other valid encoding of the same signature).
    negate_s: bool,
    /// Add n to r or s (a non-reduced encoding of the same scalar; must be refused).
    add_n_to_r: bool,
    add_n_to_s: bool,
    special_r: Option<u8>,
    special_s: Option<u8>,
    /// (position in r‖s‖v, XOR mask)
    sig_edits: Vec<(u8, u8)>,
    /// (position in the message, XOR mask)
    msg_edits: Vec<(u16, u8)>,
}

fuzz_target!(|m: Mutation| {
    let all = genuine();
    let g = &all[usize::from(m.vector) % all.len()];
    let mut sig = g.sig;
    let mut msg = g.msg.clone();
    if m.negate_s {
        let s: Option<p256::Scalar> = p256::elliptic_curve::PrimeField::from_repr(
            FieldBytes::from(<[u8; 32]>::try_from(&sig[32..64]).unwrap()),
        )
        .into();
        if let Some(s) = s {
            sig[32..64].copy_from_slice(&p256::elliptic_curve::PrimeField::to_repr(&-s));
            sig[64] ^= 1;
        }
    }
    if let Some(i) = m.special_r {
        sig[..32].copy_from_slice(&SPECIAL[usize::from(i) % SPECIAL.len()]);
    }
    if let Some(i) = m.special_s {
        sig[32..64].copy_from_slice(&SPECIAL[usize::from(i) % SPECIAL.len()]);
    }
    if m.add_n_to_r {
        add_n(&mut sig[..32]);
    }
    if m.add_n_to_s {
        add_n(&mut sig[32..64]);
    }
    for (pos, mask) in m.sig_edits {
        sig[usize::from(pos) % 65] ^= mask;
    }
    for (pos, mask) in m.msg_edits {
        let i = usize::from(pos) % msg.len();
        msg[i] ^= mask;
    }
    let ring_ok = UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &g.sec1)
        .verify(&msg, &sig[..64])
        .is_ok();
    let r = FieldBytes::from(<[u8; 32]>::try_from(&sig[..32]).unwrap());
    let s = FieldBytes::from(<[u8; 32]>::try_from(&sig[32..64]).unwrap());
    let plain = possig::ecdsa::ecdsa_verify_plain(&g.q, &msg, &r, &s);
    assert_eq!(
        plain.is_ok(),
        ring_ok,
        "textbook ECDSA disagrees with ring: {plain:?}"
    );
    match possig::ecdsa::verify(&g.q, &msg, &sig) {
        Ok(()) => assert!(ring_ok, "possig accepted what ring refuses"),
        // High-S is refused before the equation is evaluated, valid or not.
        Err(Error::HighS) => {}
        // The recovery id is computed only once the equation holds.
        Err(Error::WrongRecoveryId { .. }) => {
            assert!(
                ring_ok,
                "a recovery-id refusal of a signature that is not valid ECDSA"
            )
        }
        Err(e) => {
            assert_eq!(e, Error::BadSignature);
            assert!(
                !ring_ok,
                "possig refused a valid low-S signature with the right v"
            );
        }
    }
});
