//! `--format parquet`: record outcomes, chain findings and reconciliation items written as
//! Parquet, in `possig-arrow`'s schema (the one `possig.spark` and pyarrow's `to_arrow()`
//! write), streamed in row groups so that memory does not grow with the input.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use possig::journal::{Event, Finding, RecordOutcome};
use possig_arrow::arrow_array::RecordBatch;
use possig_arrow::arrow_schema::{ArrowError, SchemaRef};
use possig_reconcile::Item;

/// Rows buffered before they are written as one batch: 64 Ki rows keep a batch of items
/// (the widest rows, about 300 bytes each) near 20 MB.
const BATCH_ROWS: usize = 1 << 16;

/// A Parquet file written batch by batch from values of one kind.
pub(crate) struct ParquetFile<T> {
    path: PathBuf,
    writer: ArrowWriter<File>,
    pending: Vec<T>,
    batch: fn(&[T]) -> Result<RecordBatch, ArrowError>,
    rows: u64,
}

impl<T> ParquetFile<T> {
    fn create(
        path: &Path,
        schema: SchemaRef,
        batch: fn(&[T]) -> Result<RecordBatch, ArrowError>,
    ) -> Result<Self> {
        let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let writer = ArrowWriter::try_new(file, schema, Some(props))
            .with_context(|| format!("writing {}", path.display()))?;
        Ok(ParquetFile {
            path: path.to_owned(),
            writer,
            pending: Vec::new(),
            batch,
            rows: 0,
        })
    }

    /// Adds one row.
    pub(crate) fn push(&mut self, value: T) -> Result<()> {
        self.pending.push(value);
        if self.pending.len() >= BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let batch = (self.batch)(&self.pending)?;
        self.writer
            .write(&batch)
            .with_context(|| format!("writing {}", self.path.display()))?;
        self.rows += self.pending.len() as u64;
        self.pending.clear();
        Ok(())
    }

    /// Writes what is buffered and the file's footer; returns the rows written.
    pub(crate) fn finish(mut self) -> Result<u64> {
        self.flush()?;
        self.writer
            .close()
            .with_context(|| format!("writing {}", self.path.display()))?;
        Ok(self.rows)
    }
}

fn findings(f: &[Finding]) -> Result<RecordBatch, ArrowError> {
    possig_arrow::findings_batch(f, &[])
}

/// A journal's events as `records.parquet` (every record outcome) and `findings.parquet`
/// (every chain finding) in one directory: what `journal verify` and `reconcile` write with
/// `--format parquet`.
pub(crate) struct JournalParquet {
    records: ParquetFile<RecordOutcome>,
    findings: ParquetFile<Finding>,
}

impl JournalParquet {
    /// Creates both files in `dir`.
    pub(crate) fn create(dir: &Path) -> Result<Self> {
        Ok(JournalParquet {
            records: ParquetFile::create(
                &dir.join("records.parquet"),
                possig_arrow::records_schema(),
                possig_arrow::records_batch,
            )?,
            findings: ParquetFile::create(
                &dir.join("findings.parquet"),
                possig_arrow::findings_schema(),
                findings,
            )?,
        })
    }

    /// Adds one event to its file.
    pub(crate) fn push(&mut self, event: Event) -> Result<()> {
        match event {
            Event::Record(r) => self.records.push(r),
            Event::Finding(f) => self.findings.push(f),
        }
    }

    /// Finishes both files; returns (records, findings) written.
    pub(crate) fn finish(self) -> Result<(u64, u64)> {
        Ok((self.records.finish()?, self.findings.finish()?))
    }
}

/// `items.parquet` in `dir`.
pub(crate) fn items(dir: &Path) -> Result<ParquetFile<Item>> {
    ParquetFile::create(
        &dir.join("items.parquet"),
        possig_arrow::items_schema(),
        possig_arrow::items_batch,
    )
}
