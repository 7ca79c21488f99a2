//! `possig show`: a receipt's content, WITHOUT verifying it.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cmd::printable;
use crate::view;

/// Show a receipt's content WITHOUT verifying it.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Machine-readable output.
    #[arg(long)]
    json: bool,
    /// Receipt file (DER).
    file: PathBuf,
}

pub(crate) fn run(a: &Args) -> Result<bool> {
    show(&a.file, a.json)?;
    Ok(true)
}

fn show(file: &Path, json: bool) -> Result<()> {
    let r = printable::load_receipt(file)?;
    if json {
        let v = possig::view::ReceiptView::from(&r);
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print!("{}", view::show_human(&r));
    }
    Ok(())
}
