//! The trust store's bounded cache of precomputed key tables ([`possig_ec::KeyTable`]: the
//! multiples `(2j + 1)·16ⁱ·Q` of one terminal's key), for the constant-time single-receipt
//! path.
//!
//! ECDSA verification computes `u1·G + u2·Q`. `u1·G` comes from a constant table of multiples
//! of `G`; without a table for `Q`, `u2·Q` needs 256 doublings and 64 additions. A back
//! office, a receipt upload endpoint or a viewer showing a terminal's day verifies many
//! receipts of the same key one at a time, so the same kind of table is built for `Q` and kept
//! next to the certificate: `u2·Q` then costs what `u1·G` costs.
//!
//! Building a table costs about three multiplications without it, so it is built on the
//! second single-receipt verification of a key, never on the first (a browser verifying one
//! receipt pays nothing), and at most [`MAX_KEY_TABLES`] are kept per trust store.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use possig_ec::{KeyTable, PublicKey};

use crate::limits::MAX_KEY_TABLES;

/// Single-receipt verifications of a key before its table is built: the second one builds it.
const BUILD_ON_USE: u32 = 2;

/// One terminal certificate's use count and, once built, its key table.
#[derive(Debug, Default)]
pub(crate) struct KeyCache {
    uses: AtomicU32,
    table: OnceLock<KeyTable>,
}

/// The trust store's key tables: one [`KeyCache`] per certificate, and the number built.
#[derive(Debug, Default)]
pub(crate) struct KeyTables {
    caches: Vec<KeyCache>,
    built: AtomicUsize,
}

impl KeyTables {
    /// Caches for `n` certificates, none built.
    pub(crate) fn new(n: usize) -> Self {
        KeyTables {
            caches: (0..n).map(|_| KeyCache::default()).collect(),
            built: AtomicUsize::new(0),
        }
    }

    /// Number of tables built so far.
    pub(crate) fn built(&self) -> usize {
        self.built.load(Ordering::Relaxed)
    }

    /// The table of certificate `cert` (whose key is `q`) for one single-receipt verification:
    /// `None` on the key's first use, or when [`MAX_KEY_TABLES`] are built; built here on the
    /// second use.
    pub(crate) fn for_single_use(&self, cert: usize, q: &PublicKey) -> Option<&KeyTable> {
        let cache = self.caches.get(cert)?;
        if let Some(table) = cache.table.get() {
            return Some(table);
        }
        // Count uses up to the threshold (the counter never wraps).
        let previous = cache
            .uses
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                (n < BUILD_ON_USE).then_some(n + 1)
            })
            .unwrap_or(BUILD_ON_USE);
        if previous.saturating_add(1) < BUILD_ON_USE {
            return None;
        }
        // Reserve a slot; two threads racing on one key may both reserve one, which only
        // lowers the number of tables kept, never raises it above the limit.
        let reserved = self
            .built
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                (n < MAX_KEY_TABLES).then_some(n + 1)
            });
        if reserved.is_err() {
            return None;
        }
        Some(cache.table.get_or_init(|| KeyTable::new(q.as_affine())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::{ProjectivePoint, Scalar};

    fn key(seed: u64) -> PublicKey {
        let p = ProjectivePoint::GENERATOR * Scalar::from(seed.wrapping_mul(0x9e37_79b9) | 1);
        PublicKey::from_p256(&p.to_affine()).unwrap_or_else(|| unreachable!())
    }

    #[test]
    fn built_on_second_use_and_bounded() {
        let tables = KeyTables::new(3);
        let q = key(1);
        assert!(tables.for_single_use(0, &q).is_none());
        assert_eq!(tables.built(), 0);
        assert!(tables.for_single_use(0, &q).is_some());
        assert_eq!(tables.built(), 1);
        assert!(tables.for_single_use(0, &q).is_some());
        assert_eq!(tables.built(), 1);
        assert!(
            tables.for_single_use(9, &q).is_none(),
            "no such certificate"
        );
        tables.built.store(MAX_KEY_TABLES, Ordering::Relaxed);
        let other = key(2);
        assert!(tables.for_single_use(1, &other).is_none());
        assert!(tables.for_single_use(1, &other).is_none(), "limit reached");
        assert!(tables.for_single_use(0, &q).is_some(), "built tables stay");
        assert_eq!(tables.built(), MAX_KEY_TABLES);
    }
}
