//! `possig schema`: the JSON Schema of a `--json` document, generated from the types that
//! produce it (`possig::view`, `possig_reconcile::ReportView`), so it cannot drift from them.
//! The committed copies in `docs/schema/` are checked against this output by the CLI tests.

use anyhow::Result;
use schemars::{JsonSchema, Schema, generate::SchemaSettings};

/// A document the CLI prints with `--json` (or writes, for `report.json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Document {
    /// `possig verify --json`: one outcome per file.
    Verify,
    /// `possig verify --proof --json`: the outcome of an inclusion proof.
    Proof,
    /// `possig show --json`: a receipt's content, unverified.
    Show,
    /// `possig journal verify --json`: the journal's records, findings and summary.
    JournalVerify,
    /// `report.json` of `possig reconcile`.
    Report,
    /// Every view the bindings return (receipt, verified receipt, outcome, journal, error,
    /// reconciliation report): the input of the WASM package's generated TypeScript types.
    Views,
}

/// Print the JSON Schema (draft 2020-12) of a `--json` document.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Which document.
    #[arg(value_enum)]
    document: Document,
}

fn schema_of<T: JsonSchema>(title: &str) -> Schema {
    let mut schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>();
    schema.insert("title".into(), title.into());
    schema
}

/// One schema whose `$defs` hold every view type, the root being any of the top-level ones.
fn views() -> Schema {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    let any_of = vec![
        generator.subschema_for::<possig::view::ReceiptView>(),
        generator.subschema_for::<possig::view::VerifiedView>(),
        generator.subschema_for::<possig::view::OutcomeView>(),
        generator.subschema_for::<possig::view::JournalView>(),
        generator.subschema_for::<possig::view::ErrorView>(),
        generator.subschema_for::<possig_reconcile::ReportView>(),
    ];
    let defs: serde_json::Map<String, serde_json::Value> = generator.take_definitions(true);
    schemars::json_schema!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "possig views",
        "anyOf": any_of,
        "$defs": defs,
    })
}

/// The schema of `document`.
pub(crate) fn schema(document: Document) -> Schema {
    match document {
        Document::Verify => schema_of::<Vec<crate::view::FileOutcome>>("possig verify --json"),
        Document::Proof => schema_of::<possig::view::OutcomeView>("possig verify --proof --json"),
        Document::Show => schema_of::<possig::view::ReceiptView>("possig show --json"),
        Document::JournalVerify => {
            schema_of::<possig::view::JournalView>("possig journal verify --json")
        }
        Document::Report => {
            schema_of::<possig_reconcile::ReportView>("possig reconcile: report.json")
        }
        Document::Views => views(),
    }
}

pub(crate) fn run(a: &Args) -> Result<bool> {
    println!("{}", serde_json::to_string_pretty(&schema(a.document))?);
    Ok(true)
}
