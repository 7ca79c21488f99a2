//! Hash maps keyed by the key ids of the trust store's certificates.
//!
//! std's default hasher (SipHash 1-3, keyed from the OS's randomness) keeps a map fast when its
//! keys are chosen by an attacker to collide. A key id is the SHA-256 of a certified public
//! key, and these maps only ever hold the ids of certificates in the trust store: whoever
//! chooses them is the store's owner, not the author of a journal. For them SipHash buys
//! nothing and was the largest single cost of the journal feed's own work (a fifth of its
//! samples: a lookup per record in the trust store on the pool, and one in the chains on the
//! feeding thread). These maps use foldhash. Maps whose keys a journal's author can choose
//! (receipt digests, terminal ids) keep std's hasher.

use std::collections::HashMap;

use crate::hash::KeyId;

/// A hash map keyed by the key id of a certificate in the trust store.
pub(crate) type KeyIdMap<V> = HashMap<KeyId, V, foldhash::fast::RandomState>;
