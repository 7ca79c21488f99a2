//! One module per command (the printable forms' four commands share one), each with its
//! arguments (`Args`) and its `run`.

pub(crate) mod demo;
pub(crate) mod export_tbs;
pub(crate) mod journal;
pub(crate) mod keygen;
pub(crate) mod pki;
pub(crate) mod printable;
pub(crate) mod reconcile;
pub(crate) mod schema;
pub(crate) mod show;
pub(crate) mod terminal;
pub(crate) mod verify;
