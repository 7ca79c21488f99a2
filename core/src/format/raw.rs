//! The exact received bytes of signed structures: signatures are checked over these, never over
//! a re-encoding.

use der::{Decode, Header, Reader, SliceReader};

use crate::error::{Error, Structure};
use crate::prelude::*;

/// The raw bytes of the first element inside a DER `SEQUENCE`: the TBS part of a signed
/// structure (receipt, certificate, CRL), exactly as received.
pub(crate) fn raw_tbs(bytes: &[u8], what: Structure) -> Result<Vec<u8>, Error> {
    let mut r = SliceReader::new(bytes).map_err(|e| Error::malformed(what, e))?;
    Header::decode(&mut r).map_err(|e| Error::malformed(what, e))?;
    Ok(r.tlv_bytes()
        .map_err(|e| Error::malformed(what, e))?
        .to_vec())
}
