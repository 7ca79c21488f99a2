//! The signing side of possig made durable: a [`SignerStore`] keeps one key's
//! [`possig::TerminalState`] in a directory so that no crash, at any instruction, can make two
//! released receipts share a counter, and so that two signers never work from one state.
//!
//! A store is a directory with three files:
//!
//! - `journal.der`: every receipt the key produced, in order, in the journal format (DER
//!   records back to back). A receipt is appended and the file synced **before** it is
//!   released to the caller ([`SignerStore::commit`] returns), so whatever was released is on
//!   disk.
//! - `state.json`: a checkpoint of the terminal's state and of the journal's length at that
//!   point, replaced atomically (written to a temporary file, synced, renamed) after each
//!   commit. It is a shortcut, not the record: after a power loss an older checkpoint may be
//!   the one on disk, and the journal brings it forward. (The directory is synced when a store
//!   is created and when it is retired, whose checkpoints must last.)
//! - `lock`: held with an exclusive OS lock (`File::lock`) for as long as the store is open,
//!   so a second signer waits or fails ([`SignerStore::open`] with [`Wait`]), never signing
//!   from a stale state.
//!
//! Opening brings the checkpoint forward through the journal records after it
//! ([`possig::Terminal::observe`]): a crash between the journal append and the checkpoint
//! costs nothing. Bytes of an append that did not complete (a torn tail: never released) are
//! cut off. Anything else that does not fit is refused with a typed [`Error`], never repaired
//! by guessing: a checkpoint that does not parse (with its line and column), a journal
//! shorter than its checkpoint, unreadable bytes before the journal's end, a record that is
//! not the chain's next. A lost checkpoint is rebuilt from the journal when the journal
//! starts the chain (counter 0); a store that does not exist is never created implicitly
//! ([`SignerStore::init`] is the explicit start of a chain).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use possig::journal::{JournalItem, JournalReader};
use possig::{
    Digest, KeyId, ReceiptBuilder, ReceiptKind, ReceiptSigner, TerminalState, UnverifiedReceipt,
};

mod file;

use file::StateFile;

/// The files of a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Part {
    /// `state.json`, the checkpoint.
    State,
    /// `journal.der`, every receipt produced.
    Journal,
    /// `lock`, the OS lock.
    Lock,
    /// The store's directory.
    Directory,
}

impl Part {
    /// The file's name in the store's directory (empty for the directory itself).
    pub fn file_name(self) -> &'static str {
        match self {
            Part::State => "state.json",
            Part::Journal => "journal.der",
            Part::Lock => "lock",
            Part::Directory => "",
        }
    }
}

/// Why a store refuses; each has a stable [`Error::code`].
#[derive(Clone, Debug, PartialEq, Eq, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    /// Another signer holds the store (with [`Wait::No`]).
    Locked,
    /// No store here: starting a chain is explicit ([`SignerStore::init`]).
    NotInitialized,
    /// [`SignerStore::init`] on a directory that already holds a store.
    AlreadyInitialized,
    /// `state.json` does not parse (1-based line and column), or holds an impossible value.
    StateCorrupt {
        /// Line of the problem.
        line: usize,
        /// Column of the problem.
        column: usize,
    },
    /// `state.json` is missing and the journal does not start the chain, so the state cannot
    /// be rebuilt.
    StateLost,
    /// The journal is shorter than the checkpoint says: released receipts are missing.
    JournalTruncated {
        /// Length the checkpoint recorded.
        expected: u64,
        /// Length found.
        actual: u64,
    },
    /// `journal.der` is missing while `state.json` exists: the record of what was released is
    /// gone, and the chain is not restarted over it.
    JournalLost,
    /// Bytes that are not a record before the journal's last record.
    JournalCorrupt {
        /// Offset of the bytes.
        offset: u64,
    },
    /// A journal record that does not decode, or is not the chain's next receipt of this key.
    JournalMismatch {
        /// Offset of the record.
        offset: u64,
        /// Why (possig's error).
        error: possig::Error,
    },
    /// The key was rotated: its store signs no more.
    Retired,
    /// The signer's key is not the store's.
    WrongKey,
    /// Reading, writing or syncing a file failed (disk full, read-only, ...): nothing was
    /// released.
    Io {
        /// Which file.
        part: Part,
        /// The OS error's kind.
        kind: std::io::ErrorKind,
    },
    /// [`SignerStore::commit`] was given a state that is not the one its receipt leads to
    /// (nothing was written).
    StateMismatch,
    /// An earlier commit of this open store failed part-way: reopen it (opening cuts off
    /// what the failed append left).
    CommitFailed,
    /// An error of the receipt library (building, signing).
    Possig(possig::Error),
}

impl Error {
    /// Stable snake_case code; for [`Error::Possig`], the receipt library's own code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Possig(e) => e.code(),
            e => e.into(),
        }
    }

    /// Every code of this crate's own variants ([`Error::Possig`] carries possig's).
    pub const ALL_CODES: &'static [&'static str] = <Self as strum::VariantNames>::VARIANTS;

    /// The family: [`possig::ErrorKind::Io`] for a file that cannot be read or written, the
    /// receipt library's for [`Error::Possig`], [`possig::ErrorKind::SignerState`] otherwise.
    pub fn kind(&self) -> possig::ErrorKind {
        match self {
            Error::Io { .. } => possig::ErrorKind::Io,
            Error::Possig(e) => e.kind(),
            _ => possig::ErrorKind::SignerState,
        }
    }
}

/// possig's one error shape (what the bindings raise): code, family, message, and the data in
/// the view's fields: `index` the line and `offset` the column of a corrupt state, `offset` the
/// journal offset of a corrupt or mismatched record (`reason` the receipt library's code of the
/// mismatch), `index` the expected and `actual` the found length of a truncated journal,
/// `reason` the file of an I/O error.
#[cfg(feature = "view")]
impl From<&Error> for possig::view::ErrorView {
    fn from(e: &Error) -> Self {
        if let Error::Possig(inner) = e {
            return possig::view::ErrorView::from(inner);
        }
        let mut v = possig::view::ErrorView::new(e.code(), e.kind(), e.to_string());
        let usize_of = |n: u64| usize::try_from(n).ok();
        match e {
            Error::StateCorrupt { line, column } => {
                v.index = Some(*line as u64);
                v.offset = Some(*column);
            }
            Error::JournalTruncated { expected, actual } => {
                v.index = Some(*expected);
                v.actual = usize_of(*actual);
            }
            Error::JournalCorrupt { offset } => v.offset = usize_of(*offset),
            Error::JournalMismatch { offset, error } => {
                v.offset = usize_of(*offset);
                v.reason = Some(error.code());
            }
            Error::Io { part, .. } => v.reason = Some((*part).into()),
            _ => {}
        }
        v
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::Locked => write!(f, "another signer holds this state"),
            Error::NotInitialized => {
                write!(f, "no signer state here: start the chain explicitly (init)")
            }
            Error::AlreadyInitialized => write!(f, "a signer state already exists here"),
            Error::StateCorrupt { line, column } => write!(
                f,
                "{} does not parse at line {line}, column {column}; it is never reset",
                Part::State.file_name()
            ),
            Error::StateLost => write!(
                f,
                "{} is missing and the journal does not start the chain: the state cannot be rebuilt",
                Part::State.file_name()
            ),
            Error::JournalTruncated { expected, actual } => write!(
                f,
                "{} is {actual} bytes, the state says {expected}: released receipts are missing",
                Part::Journal.file_name()
            ),
            Error::JournalLost => write!(
                f,
                "{} is missing: the record of the released receipts is gone",
                Part::Journal.file_name()
            ),
            Error::JournalCorrupt { offset } => write!(
                f,
                "{} holds unreadable bytes at offset {offset}",
                Part::Journal.file_name()
            ),
            Error::JournalMismatch { offset, error } => write!(
                f,
                "the record at offset {offset} of {} does not continue the chain: {error}",
                Part::Journal.file_name()
            ),
            Error::Retired => write!(f, "this key was rotated and signs no more"),
            Error::WrongKey => write!(f, "the signing key is not this state's key"),
            Error::Io { part, kind } => {
                let name = match part {
                    Part::Directory => "the state directory",
                    p => p.file_name(),
                };
                write!(f, "{name}: {kind}; nothing was released")
            }
            Error::StateMismatch => write!(
                f,
                "the state to checkpoint is not the one the receipt leads to; nothing was written"
            ),
            Error::CommitFailed => write!(
                f,
                "an earlier commit failed part-way: reopen the signer state"
            ),
            Error::Possig(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<possig::Error> for Error {
    fn from(e: possig::Error) -> Self {
        Error::Possig(e)
    }
}

fn io(part: Part) -> impl Fn(std::io::Error) -> Error {
    move |e| Error::Io {
        part,
        kind: e.kind(),
    }
}

/// Whether [`SignerStore::open`] waits for another signer to finish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// Block until the lock is free.
    Yes,
    /// Fail with [`Error::Locked`].
    No,
}

/// An open store: the lock is held until it is dropped.
#[derive(Debug)]
pub struct SignerStore {
    dir: PathBuf,
    _lock: File,
    journal: File,
    state: TerminalState,
    journal_len: u64,
    retired: bool,
    /// A commit failed after it may have written to the journal.
    failed: bool,
}

fn sync_dir(dir: &Path) -> Result<(), Error> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(Part::Directory))
}

fn lock(dir: &Path, wait: Wait) -> Result<File, Error> {
    let f = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(Part::Lock.file_name()))
        .map_err(io(Part::Lock))?;
    match wait {
        Wait::Yes => f.lock().map_err(io(Part::Lock))?,
        Wait::No => match f.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(Error::Locked),
            Err(std::fs::TryLockError::Error(e)) => return Err(io(Part::Lock)(e)),
        },
    }
    Ok(f)
}

impl SignerStore {
    /// Starts a chain: creates the store in `dir` (created if missing) with `state` (usually
    /// `Terminal::new(...).state()`, or a rotated key's), and opens it.
    ///
    /// # Errors
    /// [`Error::AlreadyInitialized`] if `dir` holds a state or a journal; [`Error::Io`].
    pub fn init(dir: &Path, state: &TerminalState) -> Result<Self, Error> {
        std::fs::create_dir_all(dir).map_err(io(Part::Directory))?;
        let lock = lock(dir, Wait::No)?;
        for part in [Part::State, Part::Journal] {
            if dir.join(part.file_name()).exists() {
                return Err(Error::AlreadyInitialized);
            }
        }
        let journal = OpenOptions::new()
            .create_new(true)
            .read(true)
            .append(true)
            .open(dir.join(Part::Journal.file_name()))
            .map_err(io(Part::Journal))?;
        journal.sync_all().map_err(io(Part::Journal))?;
        let mut store = SignerStore {
            dir: dir.to_path_buf(),
            _lock: lock,
            journal,
            state: state.clone(),
            journal_len: 0,
            retired: false,
            failed: false,
        };
        store.checkpoint_durable()?;
        Ok(store)
    }

    /// Opens the store in `dir`: takes the lock (waiting or not), reads the checkpoint and
    /// brings it forward through the journal.
    ///
    /// # Errors
    /// [`Error::Locked`] (with [`Wait::No`]), [`Error::NotInitialized`], and the refusals
    /// described at the crate root.
    pub fn open(dir: &Path, wait: Wait) -> Result<Self, Error> {
        if !dir.join(Part::State.file_name()).exists()
            && !dir.join(Part::Journal.file_name()).exists()
        {
            return Err(Error::NotInitialized);
        }
        let lock = lock(dir, wait)?;
        let mut journal = OpenOptions::new()
            .read(true)
            .append(true)
            .open(dir.join(Part::Journal.file_name()))
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => Error::JournalLost,
                _ => io(Part::Journal)(e),
            })?;
        let actual = journal.metadata().map_err(io(Part::Journal))?.len();
        let (state, checkpoint_len, retired, rebuilt) =
            match std::fs::read(dir.join(Part::State.file_name())) {
                Ok(bytes) => {
                    let f = StateFile::parse(&bytes)?;
                    (f.state()?, f.journal_len, f.retired, false)
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    (rebuild_start(&mut journal)?, 0, false, true)
                }
                Err(e) => return Err(io(Part::State)(e)),
            };
        if actual < checkpoint_len {
            return Err(Error::JournalTruncated {
                expected: checkpoint_len,
                actual,
            });
        }
        let mut store = SignerStore {
            dir: dir.to_path_buf(),
            _lock: lock,
            journal,
            state,
            journal_len: checkpoint_len,
            retired,
            failed: false,
        };
        let moved = store.roll_forward(actual)?;
        if moved || rebuilt {
            store.checkpoint()?;
        }
        Ok(store)
    }

    /// Observes the journal records after the checkpoint; cuts off a torn tail. Whether the
    /// state moved.
    fn roll_forward(&mut self, actual: u64) -> Result<bool, Error> {
        if actual == self.journal_len {
            return Ok(false);
        }
        self.journal
            .seek(SeekFrom::Start(self.journal_len))
            .map_err(io(Part::Journal))?;
        let mut tail = Vec::new();
        (&self.journal)
            .read_to_end(&mut tail)
            .map_err(io(Part::Journal))?;
        let mut reader = JournalReader::new(tail.as_slice());
        let mut state = self.state.clone();
        let mut end = self.journal_len;
        let mut torn = None;
        while let Some(item) = reader.next_item().map_err(io(Part::Journal))? {
            if let Some(offset) = torn {
                return Err(Error::JournalCorrupt { offset });
            }
            match item {
                JournalItem::Record { offset, der } => {
                    let at = self.journal_len + offset;
                    let r = UnverifiedReceipt::from_der(&der)
                        .map_err(|error| Error::JournalMismatch { offset: at, error })?;
                    state
                        .observe(&r)
                        .map_err(|error| Error::JournalMismatch { offset: at, error })?;
                    end = at + der.len() as u64;
                }
                JournalItem::Garbage { offset, .. } => torn = Some(self.journal_len + offset),
            }
        }
        if let Some(offset) = torn {
            // An append that did not complete: never released (release follows the sync).
            self.journal.set_len(offset).map_err(io(Part::Journal))?;
            self.journal.sync_all().map_err(io(Part::Journal))?;
        }
        let moved = end != self.journal_len;
        self.state = state;
        self.journal_len = end;
        Ok(moved || torn.is_some())
    }

    /// The state to sign from: `possig::Terminal::from_state(signer, store.state())`.
    pub fn state(&self) -> &TerminalState {
        &self.state
    }

    /// Whether the key was rotated (its store signs no more).
    pub fn is_retired(&self) -> bool {
        self.retired
    }

    /// A terminal signing with `signer` from this store's state.
    ///
    /// # Errors
    /// [`Error::Retired`]; [`Error::WrongKey`] if `signer` is not the store's key.
    pub fn terminal<S: ReceiptSigner>(&self, signer: S) -> Result<possig::Terminal<S>, Error> {
        if self.retired {
            return Err(Error::Retired);
        }
        possig::Terminal::from_state(signer, &self.state).map_err(|e| match e {
            possig::Error::InvalidField {
                field: possig::Field::SignerKeyId,
            } => Error::WrongKey,
            e => Error::Possig(e),
        })
    }

    /// Makes `receipt` durable: appends it to the journal and syncs, then checkpoints `after`
    /// (the terminal's state once it produced `receipt`). Only when this returns may the
    /// receipt be released; if it fails, the receipt must not be released (a later open keeps
    /// or cuts what reached the disk, and never reuses its counter).
    ///
    /// # Errors
    /// [`Error::Retired`]; [`Error::JournalMismatch`] if `receipt` is not the chain's next
    /// receipt of this key; [`Error::StateMismatch`] if `after` is not the state it leads to;
    /// [`Error::Io`].
    pub fn commit(
        &mut self,
        receipt: &UnverifiedReceipt,
        after: &TerminalState,
    ) -> Result<(), Error> {
        if self.retired {
            return Err(Error::Retired);
        }
        if self.failed {
            return Err(Error::CommitFailed);
        }
        let mut check = self.state.clone();
        let mismatch = |error| Error::JournalMismatch {
            offset: self.journal_len,
            error,
        };
        check.observe(receipt).map_err(mismatch)?;
        if &check != after {
            return Err(Error::StateMismatch);
        }
        let der = receipt.to_der()?;
        fault("before_append");
        let written = self.journal.write_all(&der).and_then(|()| {
            fault("before_journal_sync");
            self.journal.sync_data()
        });
        if let Err(e) = written {
            // Part of the record may be in the file: appending after it would bury it in the
            // journal. Cut it off now if possible; else refuse until reopened (open cuts it).
            let cut = self
                .journal
                .set_len(self.journal_len)
                .and_then(|()| self.journal.sync_all());
            self.failed = cut.is_err();
            return Err(io(Part::Journal)(e));
        }
        fault("after_journal_sync");
        self.journal_len += der.len() as u64;
        self.state = check;
        self.checkpoint()?;
        fault("after_checkpoint");
        Ok(())
    }

    /// The journal's length in bytes (everything released so far).
    pub fn journal_len(&self) -> u64 {
        self.journal_len
    }

    /// A builder for the next receipt ([`TerminalState::builder`]).
    pub fn builder(&self, kind: ReceiptKind, issued_at: u64) -> ReceiptBuilder {
        self.state.builder(kind, issued_at)
    }

    /// Signs the receipt built by `b` (from [`SignerStore::builder`]) and commits it: when
    /// this returns, the receipt is durable and may be released.
    ///
    /// # Errors
    /// [`Error::Retired`], [`Error::WrongKey`], [`Error::Possig`] (building, signing), and
    /// those of [`SignerStore::commit`].
    pub fn sign<S: ReceiptSigner>(
        &mut self,
        signer: &S,
        b: ReceiptBuilder,
    ) -> Result<UnverifiedReceipt, Error> {
        let mut t = self.terminal(signer)?;
        let r = t.sign(b)?;
        self.commit(&r, &t.state())?;
        Ok(r)
    }

    /// Records the receipt built by `b` unsigned (the key is unavailable: no signer needed)
    /// and commits it; the next [`SignerStore::recover`] commits to it.
    ///
    /// # Errors
    /// [`Error::Retired`], [`Error::Possig`] (building), and those of [`SignerStore::commit`].
    pub fn record_unsigned(&mut self, b: ReceiptBuilder) -> Result<UnverifiedReceipt, Error> {
        if self.retired {
            return Err(Error::Retired);
        }
        let mut after = self.state.clone();
        let r = after.record_unsigned(b)?;
        self.commit(&r, &after)?;
        Ok(r)
    }

    /// Signs and commits the `recovery` covering the unsigned records since the last one.
    ///
    /// # Errors
    /// [`Error::Possig`] with `InvalidField` (`Recovery`) when there is none; as
    /// [`SignerStore::sign`].
    pub fn recover<S: ReceiptSigner>(
        &mut self,
        signer: &S,
        issued_at: u64,
    ) -> Result<UnverifiedReceipt, Error> {
        let b = self.state.recovery(issued_at)?;
        self.sign(signer, b)
    }

    /// Signs and commits the `dayClose` of the open batch (its totals and Merkle root), which
    /// starts the next batch.
    ///
    /// # Errors
    /// As [`SignerStore::sign`].
    pub fn close_day<S: ReceiptSigner>(
        &mut self,
        signer: &S,
        issued_at: u64,
    ) -> Result<UnverifiedReceipt, Error> {
        let b = self
            .state
            .builder(ReceiptKind::DayClose, issued_at)
            .day_close(self.state.day_close());
        self.sign(signer, b)
    }

    /// Rotates to `new_key`: retires this store (it signs no more), then starts the new key's
    /// store in `new_dir`, whose first receipt will name this key's last one. Retiring comes
    /// first so that the old key can never sign past what the new chain names; if the process
    /// dies between the two steps, calling `rotate` again on the retired store finishes it.
    ///
    /// # Errors
    /// [`Error::Possig`] (`InvalidField` `KeyRotation`) before this key's first receipt;
    /// [`Error::AlreadyInitialized`] if `new_dir` holds a store; [`Error::Io`].
    pub fn rotate(&mut self, new_key: KeyId, new_dir: &Path) -> Result<SignerStore, Error> {
        let state = self.state.rotated(new_key)?;
        if !self.retired {
            self.retire()?;
        }
        SignerStore::init(new_dir, &state)
    }

    /// Marks the key rotated: its store signs no more (the new key's store starts with
    /// [`possig::Terminal::rotate`]'s state).
    ///
    /// # Errors
    /// [`Error::Io`].
    pub fn retire(&mut self) -> Result<(), Error> {
        self.retired = true;
        self.checkpoint_durable()
    }

    /// The journal's path (every receipt this key produced).
    pub fn journal_path(&self) -> PathBuf {
        self.dir.join(Part::Journal.file_name())
    }

    /// Writes `state.json` atomically: a temporary file, synced, renamed over. The directory is
    /// not synced: after a power loss either checkpoint may be the one on disk, each complete,
    /// and the journal (synced before every release) brings an older one forward. Where the
    /// rename itself must last (a new store, a retirement), [`SignerStore::checkpoint_durable`].
    fn checkpoint(&mut self) -> Result<(), Error> {
        let text = StateFile::new(&self.state, self.journal_len, self.retired).to_json();
        let path = self.dir.join(Part::State.file_name());
        let tmp = self.dir.join(format!(
            "{}.{}.tmp",
            Part::State.file_name(),
            std::process::id()
        ));
        let written = File::create(&tmp).and_then(|mut f| {
            f.write_all(text.as_bytes())?;
            fault("before_state_sync");
            f.sync_all()
        });
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(io(Part::State)(e));
        }
        std::fs::rename(&tmp, &path).map_err(io(Part::State))
    }

    /// [`SignerStore::checkpoint`], then the directory synced, so that the new `state.json`
    /// (and a new `journal.der`) survive a power loss.
    fn checkpoint_durable(&mut self) -> Result<(), Error> {
        self.checkpoint()?;
        sync_dir(&self.dir)
    }
}

/// The first receipt of a journal that starts a chain, as the state before it (a lost
/// checkpoint is rebuilt from there).
fn rebuild_start(journal: &mut File) -> Result<TerminalState, Error> {
    journal
        .seek(SeekFrom::Start(0))
        .map_err(io(Part::Journal))?;
    let mut reader = JournalReader::new(&mut *journal);
    let first = match reader.next_item().map_err(io(Part::Journal))? {
        Some(JournalItem::Record { der, .. }) => UnverifiedReceipt::from_der(&der)
            .map_err(|error| Error::JournalMismatch { offset: 0, error })?,
        _ => return Err(Error::StateLost),
    };
    let tbs = first.tbs();
    if tbs.counter() != 0 {
        return Err(Error::StateLost);
    }
    let key_id = KeyId::try_from(tbs.signer_key_id()).map_err(|_| Error::StateLost)?;
    let rotation = tbs.key_rotation().map(|r| {
        (
            KeyId::try_from(r.previous_key_id()).unwrap_or_default(),
            r.previous_counter(),
            Digest::try_from(r.previous_digest()).unwrap_or_default(),
        )
    });
    let mut state = TerminalState::new(key_id, tbs.merchant_id(), tbs.terminal_id());
    state.rotation = rotation;
    Ok(state)
}

/// Test-only crash points: with `POSSIG_FAULT=<name>` set, the process aborts at that point
/// of a commit (the crash tests kill signers there, and at random times).
fn fault(name: &str) {
    if std::env::var_os("POSSIG_FAULT").is_some_and(|v| v == name) {
        std::process::abort();
    }
}

#[cfg(all(test, feature = "view"))]
mod tests {
    use super::*;

    #[test]
    fn views_carry_code_family_and_data() {
        let v = possig::view::ErrorView::from(&Error::StateCorrupt { line: 3, column: 9 });
        assert_eq!(
            (v.code, v.kind, v.index, v.offset),
            ("state_corrupt", "signer_state", Some(3), Some(9))
        );
        let v = possig::view::ErrorView::from(&Error::Io {
            part: Part::Journal,
            kind: std::io::ErrorKind::StorageFull,
        });
        assert_eq!((v.code, v.kind, v.reason), ("io", "io", Some("journal")));
        let inner = possig::Error::InvalidField {
            field: possig::Field::Counter,
        };
        let v = possig::view::ErrorView::from(&Error::JournalMismatch {
            offset: 240,
            error: inner,
        });
        assert_eq!((v.offset, v.reason), (Some(240), Some("invalid_field")));
        let v = possig::view::ErrorView::from(&Error::Possig(inner));
        assert_eq!(
            (v.code, v.kind, v.field),
            ("invalid_field", "malformed", Some("counter"))
        );
        assert!(Error::ALL_CODES.contains(&"locked") && Error::ALL_CODES.contains(&"retired"));
    }
}
