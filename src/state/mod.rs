//! The bot's durable state in one SQLite file (`index/state.sqlite` or `SITREP_STATE`):
//! feed polling state, what was fetched (for dedup), subscriptions, and the alert outbox.
//! Several processes may share it; SQLite serialises their writes.
//!
//! All SQL lives here, behind typed methods: `feeds` for what the sources poll and fetch,
//! `tracking` for subscriptions, the sources tracking has seen, and the alert outbox.

mod feeds;
mod tracking;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::Connection;

pub use feeds::{FeedRecord, FetchedFrom};
pub use tracking::{Kind, Matching, StoredAlert, Subscription};

/// The schema; each statement is idempotent, so opening an existing file is safe.
const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS feeds (
    id            TEXT PRIMARY KEY,
    url           TEXT NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    last_fetch    INTEGER,
    last_error    TEXT,
    failures      INTEGER NOT NULL DEFAULT 0,
    next_poll     INTEGER NOT NULL DEFAULT 0
);
-- Every fetched article or feed entry, and the source it became (or duplicates).
CREATE TABLE IF NOT EXISTS fetched (
    source_id    TEXT NOT NULL,
    feed         TEXT,
    entry_id     TEXT,
    url          TEXT,
    content_hash TEXT,
    added_at     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS fetched_entry ON fetched (feed, entry_id);
CREATE INDEX IF NOT EXISTS fetched_url ON fetched (url);
CREATE INDEX IF NOT EXISTS fetched_hash ON fetched (content_hash);
-- The sources (and their digests) whose passages tracking has already matched.
CREATE TABLE IF NOT EXISTS seen_sources (
    id         TEXT PRIMARY KEY,
    digest     TEXT NOT NULL,
    first_seen INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS subscriptions (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    platform   TEXT NOT NULL,
    channel    TEXT NOT NULL,
    query      TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    -- A standing question's last answer (JSON).
    answer     TEXT
);
-- The outbox: an alert is written in the same transaction that marks its passage seen,
-- and marked delivered only once the platform has accepted it.
CREATE TABLE IF NOT EXISTS alerts (
    id           INTEGER PRIMARY KEY,
    subscription INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    platform     TEXT NOT NULL,
    channel      TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    delivered_at INTEGER,
    UNIQUE (subscription, key)
);
";

/// Why the state file could not be used.
#[derive(Debug, thiserror::Error)]
#[error("state database {path}: {source}")]
pub struct StateError {
    pub path: PathBuf,
    pub source: rusqlite::Error,
}

/// The open state database.
pub struct State {
    path: PathBuf,
    connection: Mutex<Connection>,
    /// Why the state file could not be opened, when an empty in-memory state stands in.
    unavailable: Option<String>,
}

impl State {
    /// Opens (creating if needed) the state file.
    pub fn open(path: &Path) -> Result<State, StateError> {
        let fail = |source| StateError {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let connection = Connection::open(path).map_err(fail)?;
        connection
            .busy_timeout(Duration::from_secs(30))
            .map_err(fail)?;
        connection.execute_batch(SCHEMA).map_err(fail)?;
        Ok(State {
            path: path.to_path_buf(),
            connection: Mutex::new(connection),
            unavailable: None,
        })
    }

    /// Opens the state file, or, if it cannot be opened (corrupt, unreadable), an empty
    /// state in memory so that questions are still answered; `unavailable` then says why.
    pub fn open_or_memory(path: &Path) -> State {
        let error = match State::open(path) {
            Ok(state) => return state,
            Err(error) => error,
        };
        tracing::error!(%error, "state file unusable: tracking is unavailable until it is repaired or moved away");
        State {
            unavailable: Some(error.to_string()),
            path: path.to_path_buf(),
            ..State::in_memory()
        }
    }

    /// An empty state that lives in memory only (tests; a stand-in for an unusable file).
    pub fn in_memory() -> State {
        let connection = Connection::open_in_memory()
            .and_then(|c| c.execute_batch(SCHEMA).map(|()| c))
            .expect("an in-memory database opens");
        State {
            path: PathBuf::from(":memory:"),
            connection: Mutex::new(connection),
            unavailable: None,
        }
    }

    /// Why the state file is not in use, if it is not.
    pub fn unavailable(&self) -> Option<&str> {
        self.unavailable.as_deref()
    }

    /// Runs statements on the connection; a failure names the file.
    fn run<T>(
        &self,
        statements: impl FnOnce(&mut Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StateError> {
        statements(&mut self.lock()).map_err(|source| self.error(source))
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.connection.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wraps a SQLite error with the file's path.
    fn error(&self, source: rusqlite::Error) -> StateError {
        StateError {
            path: self.path.clone(),
            source,
        }
    }
}

/// Seconds since the Unix epoch, as stored in the state file.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
