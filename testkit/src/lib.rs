//! Test support for possig (not published): what the CLI's demo, the tests, the benchmarks and
//! the bindings' simulators share.
//!
//! - [`pki`]: a small PKI (root → terminal CA → terminals, CRLs) made with `x509-cert`'s builder
//!   and the profiles possig's trust store expects;
//! - [`simulate`]: a deterministic business day (terminals, journals, settlement file) with
//!   known problems injected, each with the reconciliation finding it must produce;
//! - [`fixtures`]: the committed fixture PKI and golden vectors, and the helpers of the
//!   integration tests (panicking on failure, as test code does).

pub mod fixtures;
pub mod pki;
pub mod simulate;
