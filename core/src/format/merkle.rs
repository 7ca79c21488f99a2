//! Merkle trees as in RFC 9162 §2.1 (Certificate Transparency 2.0): domain-separated leaf
//! (`0x00`) and node (`0x01`) hashing with SHA-256, splitting at the largest power of two below
//! the size. Leaves are receipt digests. Used by `recovery` and `dayClose` receipts and by
//! inclusion proofs.

use crate::prelude::*;
use sha2::{Digest, Sha256};

/// A 32-byte hash.
pub type Hash = [u8; 32];

/// `SHA-256(0x00 ‖ leaf)`.
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    Sha256::new()
        .chain_update([0x00])
        .chain_update(leaf)
        .finalize()
        .into()
}

/// `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    Sha256::new()
        .chain_update([0x01])
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

/// Largest power of two strictly below `n` (n ≥ 2).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k << 1 < n {
        k <<= 1;
    }
    k
}

/// The Merkle tree hash (MTH) of `leaves`; the empty tree hashes to `SHA-256("")`.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => Sha256::digest([]).into(),
        [one] => leaf_hash(one),
        _ => {
            let (l, r) = leaves.split_at(split(leaves.len()));
            node_hash(&root(l), &root(r))
        }
    }
}

/// The audit path of leaf `index` (RFC 9162 §2.1.3.1), or `None` if `index` is out of range.
pub fn inclusion_proof(leaves: &[Hash], index: usize) -> Option<Vec<Hash>> {
    if index >= leaves.len() {
        return None;
    }
    let mut path = Vec::new();
    let mut slice = leaves;
    let mut i = index;
    let mut stack = Vec::new();
    while slice.len() > 1 {
        let k = split(slice.len());
        let (l, r) = slice.split_at(k);
        if i < k {
            stack.push(root(r));
            slice = l;
        } else {
            stack.push(root(l));
            slice = r;
            i -= k;
        }
    }
    // The path lists siblings from the leaf upwards.
    while let Some(h) = stack.pop() {
        path.push(h);
    }
    Some(path)
}

/// Verifies an audit path (RFC 9162 §2.1.3.2): that `leaf` is at `index` of a tree of `size`
/// leaves whose hash is `root`.
pub fn verify_inclusion(leaf: &[u8], index: u64, size: u64, proof: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = leaf_hash(leaf);
    for p in proof {
        if snode == 0 {
            return false;
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    snode == 0 && r == *root
}

/// An incremental MTH over leaves appended in order: O(log n) memory (the right frontier of
/// perfect subtrees), same result as [`root`].
#[derive(Clone, Debug, Default)]
pub struct Frontier {
    /// (subtree size, subtree hash), sizes strictly decreasing powers of two.
    stack: Vec<(u64, Hash)>,
    size: u64,
}

impl Frontier {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }
    /// Appends one leaf.
    pub fn push(&mut self, leaf: &[u8]) {
        let mut node = (1u64, leaf_hash(leaf));
        while let Some(&(size, h)) = self.stack.last() {
            if size != node.0 {
                break;
            }
            self.stack.pop();
            node = (size * 2, node_hash(&h, &node.1));
        }
        self.stack.push(node);
        self.size += 1;
    }
    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }
    /// The tree hash of the leaves pushed so far.
    pub fn root(&self) -> Hash {
        let mut it = self.stack.iter().rev();
        match it.next() {
            None => Sha256::digest([]).into(),
            Some(&(_, last)) => it.fold(last, |acc, (_, h)| node_hash(h, &acc)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| Sha256::digest((i as u64).to_be_bytes()).into())
            .collect()
    }

    #[test]
    fn empty_and_single() {
        // RFC 9162: MTH({}) = SHA-256(), MTH({d0}) = SHA-256(0x00 || d0).
        assert_eq!(
            hex(&root(&[])),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let l = leaves(1);
        assert_eq!(root(&l), leaf_hash(&l[0]));
    }

    fn hex(h: &Hash) -> String {
        h.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn proofs_verify_for_every_leaf_and_size() {
        for n in 1..=33 {
            let l = leaves(n);
            let r = root(&l);
            let mut f = Frontier::new();
            for x in &l {
                f.push(x);
            }
            assert_eq!(f.root(), r, "frontier n={n}");
            for i in 0..n {
                let p = inclusion_proof(&l, i).unwrap();
                assert!(
                    verify_inclusion(&l[i], i as u64, n as u64, &p, &r),
                    "n={n} i={i}"
                );
                assert!(!verify_inclusion(&l[(i + 1) % n], i as u64, n as u64, &p, &r) || n == 1);
                if let Some(first) = p.first() {
                    let mut bad = p.clone();
                    bad[0] = leaf_hash(first);
                    assert!(!verify_inclusion(&l[i], i as u64, n as u64, &bad, &r));
                }
            }
            assert!(inclusion_proof(&l, n).is_none());
        }
    }
}
