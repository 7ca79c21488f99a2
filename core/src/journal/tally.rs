//! The counts of a journal verification while it runs, turned into the public [`Summary`] at
//! the end.
//!
//! The summary's per-terminal map is keyed by owned names in a B-tree, and each of its counts
//! by code in B-trees too: fine to read, slow to update once per record and per finding when a
//! journal has thousands of terminals (every update compared names along a B-tree path). Here a
//! terminal's name is hashed once to an index, statuses are counted in an array and codes in
//! short lists; the B-trees are built once, by [`Tally::into_summary`].

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::report::{Counts, Status, Summary};

/// The statuses, in the order of [`CodeCounts::status`].
const STATUSES: [Status; 4] = [
    Status::Valid,
    Status::ValidWithWarnings,
    Status::Invalid,
    Status::Unsigned,
];

fn status_index(s: Status) -> usize {
    match s {
        Status::Valid => 0,
        Status::ValidWithWarnings => 1,
        Status::Invalid => 2,
        Status::Unsigned => 3,
    }
}

/// Counts by code of one terminal (or of everything).
#[derive(Default)]
struct CodeCounts {
    /// Records per status, indexed by [`status_index`].
    status: [u64; 4],
    /// Invalid records per error code: a journal meets few distinct codes, so a list searched
    /// linearly beats a map.
    errors: Vec<(&'static str, u64)>,
    /// Findings per code (same reasoning).
    findings: Vec<(&'static str, u64)>,
}

fn bump(list: &mut Vec<(&'static str, u64)>, code: &'static str) {
    match list.iter_mut().find(|(c, _)| *c == code) {
        Some((_, n)) => *n += 1,
        None => list.push((code, 1)),
    }
}

impl CodeCounts {
    fn record(&mut self, status: Status, error: Option<&'static str>) {
        if let Some(n) = self.status.get_mut(status_index(status)) {
            *n += 1;
        }
        if let Some(code) = error {
            bump(&mut self.errors, code);
        }
    }

    fn into_counts(self) -> Counts {
        Counts {
            status: STATUSES
                .iter()
                .zip(self.status)
                .filter(|&(_, n)| n > 0)
                .map(|(s, n)| (s.code(), n))
                .collect(),
            errors: self.errors.into_iter().collect(),
            findings: self.findings.into_iter().collect(),
        }
    }
}

/// Counts gathered record by record and finding by finding.
#[derive(Default)]
pub(crate) struct Tally {
    records: u64,
    bytes: u64,
    total: CodeCounts,
    /// Terminal name → its index in `terminals`.
    index: HashMap<Arc<str>, usize>,
    /// Every terminal's name (shared with the outcomes that name it) and counts.
    terminals: Vec<(Arc<str>, CodeCounts)>,
}

impl Tally {
    /// Records counted so far (the index of the next record).
    pub(crate) fn records(&self) -> u64 {
        self.records
    }

    /// Counts `n` bytes read.
    pub(crate) fn bytes(&mut self, n: u64) {
        self.bytes += n;
    }

    /// The counts of terminal `name` and its shared name, added on first use.
    fn terminal(&mut self, name: &str) -> Option<&mut (Arc<str>, CodeCounts)> {
        let i = match self.index.get(name) {
            Some(&i) => i,
            None => {
                let shared: Arc<str> = Arc::from(name);
                self.index.insert(Arc::clone(&shared), self.terminals.len());
                self.terminals.push((shared, CodeCounts::default()));
                self.terminals.len() - 1
            }
        };
        self.terminals.get_mut(i)
    }

    /// Counts a record of `terminal` (`None`: the record does not decode, counted under `""`)
    /// and returns the terminal's shared name.
    pub(crate) fn record(
        &mut self,
        terminal: Option<&str>,
        status: Status,
        error: Option<&'static str>,
    ) -> Option<Arc<str>> {
        self.records += 1;
        self.total.record(status, error);
        let (name, counts) = self.terminal(terminal.unwrap_or_default())?;
        counts.record(status, error);
        terminal.map(|_| Arc::clone(name))
    }

    /// Counts a finding with code `code`, under `terminal` when it has one.
    pub(crate) fn finding(&mut self, code: &'static str, terminal: Option<&str>) {
        bump(&mut self.total.findings, code);
        if let Some((_, counts)) = terminal.and_then(|t| self.terminal(t)) {
            bump(&mut counts.findings, code);
        }
    }

    /// The public summary of these counts.
    pub(crate) fn into_summary(self) -> Summary {
        Summary {
            records: self.records,
            bytes: self.bytes,
            total: self.total.into_counts(),
            terminals: self
                .terminals
                .into_iter()
                .map(|(name, counts)| (String::from(&*name), counts.into_counts()))
                .collect::<BTreeMap<_, _>>(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_match_the_summary_semantics() {
        let mut t = Tally::default();
        let a = t.record(Some("T-1"), Status::Valid, None);
        let b = t.record(Some("T-1"), Status::Invalid, Some("bad_signature"));
        assert!(a.is_some_and(|a| b.is_some_and(|b| Arc::ptr_eq(&a, &b))));
        assert_eq!(t.record(None, Status::Invalid, Some("truncated")), None);
        t.record(Some("T-2"), Status::Invalid, Some("bad_signature"));
        t.finding("gap", Some("T-1"));
        t.finding("gap", Some("T-1"));
        t.finding("malformed_record", None);
        t.finding("pending", Some("T-3"));
        t.bytes(10);
        assert_eq!(t.records(), 4);
        let s = t.into_summary();
        assert_eq!((s.records, s.bytes), (4, 10));
        assert_eq!(s.total.status["valid"], 1);
        assert_eq!(s.total.status["invalid"], 3);
        assert!(!s.total.status.contains_key("unsigned"));
        assert_eq!(s.total.errors["bad_signature"], 2);
        assert_eq!(s.total.findings["gap"], 2);
        assert_eq!(s.total.findings["malformed_record"], 1);
        let names: Vec<&str> = s.terminals.keys().map(String::as_str).collect();
        assert_eq!(names, ["", "T-1", "T-2", "T-3"]);
        assert_eq!(s.terminals[""].errors["truncated"], 1);
        assert_eq!(s.terminals["T-1"].status.len(), 2);
        assert_eq!(s.terminals["T-1"].findings["gap"], 2);
        assert_eq!(s.terminals["T-3"].findings["pending"], 1);
        assert!(s.terminals["T-3"].status.is_empty());
    }
}
