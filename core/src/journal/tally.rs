//! The counts of a journal verification while it runs, turned into the public [`Summary`] at
//! the end.
//!
//! The summary's per-terminal map is keyed by owned names in a B-tree, and each of its counts
//! by code in B-trees too: fine to read, slow to update once per record and per finding when a
//! journal has thousands of terminals (every update compared names along a B-tree path). Here a
//! record's terminal name is hashed once to a [`TerminalRef`] handle (its shared name and an index),
//! which the chains keep, so findings are counted without any lookup; statuses are counted in an
//! array and codes in short lists. The B-trees are built once, by [`Tally::into_summary`] (on
//! every core with the `parallel` feature: a journal of distinct terminals has as many entries
//! as records).

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

    /// The public counts. Maps are filled by `insert`: collecting would go through a sorted
    /// vector first, an allocation more per map and terminal.
    fn into_counts(self) -> Counts {
        let mut c = Counts::default();
        for (s, n) in STATUSES.iter().zip(self.status) {
            if n > 0 {
                c.status.insert(s.code(), n);
            }
        }
        c.errors.extend(self.errors);
        c.findings.extend(self.findings);
        c
    }
}

/// A terminal id met by a [`Tally`] (not the signing [`crate::Terminal`]): its shared name and
/// where its counts are, so that counting under it needs no lookup.
#[derive(Clone, Debug)]
pub(crate) struct TerminalRef {
    name: Arc<str>,
    index: usize,
}

impl TerminalRef {
    /// The terminal id, shared with every outcome and chain that names it.
    pub(crate) fn name(&self) -> &Arc<str> {
        &self.name
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
    /// Counts with room for `terminals` terminals (see [`super::RESERVED_KEYS`]).
    pub(crate) fn with_capacity(terminals: usize) -> Tally {
        Tally {
            index: HashMap::with_capacity(terminals),
            terminals: Vec::with_capacity(terminals),
            ..Tally::default()
        }
    }

    /// Records counted so far (the index of the next record).
    pub(crate) fn records(&self) -> u64 {
        self.records
    }

    /// Counts `n` bytes read.
    pub(crate) fn bytes(&mut self, n: u64) {
        self.bytes += n;
    }

    /// Terminal `name`, added on first use.
    fn terminal(&mut self, name: &str) -> TerminalRef {
        if let Some((name, &index)) = self.index.get_key_value(name) {
            return TerminalRef {
                name: Arc::clone(name),
                index,
            };
        }
        let shared: Arc<str> = Arc::from(name);
        let index = self.terminals.len();
        self.index.insert(Arc::clone(&shared), index);
        self.terminals
            .push((Arc::clone(&shared), CodeCounts::default()));
        TerminalRef {
            name: shared,
            index,
        }
    }

    /// Counts a record of `terminal` (`None`: the record does not decode, counted under `""`)
    /// and returns the terminal.
    pub(crate) fn record(
        &mut self,
        terminal: Option<&str>,
        status: Status,
        error: Option<&'static str>,
    ) -> Option<TerminalRef> {
        self.records += 1;
        self.total.record(status, error);
        let t = self.terminal(terminal.unwrap_or_default());
        if let Some((_, counts)) = self.terminals.get_mut(t.index) {
            counts.record(status, error);
        }
        terminal.map(|_| t)
    }

    /// Counts a finding with code `code`, under `terminal` (a terminal of this tally) when it
    /// has one.
    pub(crate) fn finding(&mut self, code: &'static str, terminal: Option<&TerminalRef>) {
        bump(&mut self.total.findings, code);
        if let Some((_, counts)) = terminal.and_then(|t| self.terminals.get_mut(t.index)) {
            bump(&mut counts.findings, code);
        }
    }

    /// The public summary of these counts.
    pub(crate) fn into_summary(self) -> Summary {
        drop(self.index);
        let mut terminals = self.terminals;
        let public =
            |(name, counts): (Arc<str>, CodeCounts)| (String::from(&*name), counts.into_counts());
        // Sorted here, unstably (names are distinct): the map then builds from one run.
        #[cfg(feature = "parallel")]
        let terminals: Vec<(String, Counts)> = {
            use rayon::prelude::*;
            terminals.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
            terminals.into_par_iter().map(public).collect()
        };
        #[cfg(not(feature = "parallel"))]
        let terminals: Vec<(String, Counts)> = {
            terminals.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            terminals.into_iter().map(public).collect()
        };
        Summary {
            records: self.records,
            bytes: self.bytes,
            total: self.total.into_counts(),
            terminals: terminals.into_iter().collect::<BTreeMap<_, _>>(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_match_the_summary_semantics() {
        let mut t = Tally::default();
        let a = t.record(Some("T-1"), Status::Valid, None).unwrap();
        let b = t
            .record(Some("T-1"), Status::Invalid, Some("bad_signature"))
            .unwrap();
        assert!(Arc::ptr_eq(a.name(), b.name()));
        assert!(t.record(None, Status::Invalid, Some("truncated")).is_none());
        t.record(Some("T-2"), Status::Invalid, Some("bad_signature"));
        t.finding("gap", Some(&a));
        t.finding("gap", Some(&b));
        t.finding("malformed_record", None);
        let t3 = t.terminal("T-3");
        t.finding("pending", Some(&t3));
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
