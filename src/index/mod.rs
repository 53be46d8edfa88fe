//! The passage index: a tantivy index, one document per passage, built into a fresh
//! generation directory and swapped in atomically by rewriting the `CURRENT` pointer.
//!
//! ```text
//! index/
//!   sources/               articles and manifest.toml (in git)
//!   CURRENT                name and revision of the live generation (written by rename);
//!                          the revision counts incremental updates made in place
//!   generations/<name>/    tantivy files + report.json, complete before CURRENT names it
//!   vectors.sqlite         sentence vectors by sentence digest, for every generation
//!   reindex.lock           held by the one running build
//!   PENDING                present while a source is added or removed; a start that finds
//!                          it rebuilds from sources/ (the change was cut off)
//! ```

pub mod analyzer;
mod build;
mod import;
mod live;
pub mod schema;
mod search;
mod update;
pub mod vectors;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::corpus::{Limits, PubDate};

pub use build::{BuildEvent, build};
pub use import::{Imported, import};
pub use live::Live;
pub use search::{Closeness, Hit, Index, SearchTerm, SourceInfo};
pub use update::{Change, update};

/// Where an index lives: its sources and its generations.
#[derive(Debug, Clone)]
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Layout { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn sources(&self) -> PathBuf {
        self.root.join("sources")
    }

    fn current_file(&self) -> PathBuf {
        self.root.join("CURRENT")
    }

    fn generations(&self) -> PathBuf {
        self.root.join("generations")
    }

    /// Present while a change of the sources and the index is under way.
    fn pending_file(&self) -> PathBuf {
        self.root.join("PENDING")
    }

    fn lock_file(&self) -> PathBuf {
        self.root.join("reindex.lock")
    }

    /// The live generation's directory (its tantivy files), if an index has been built.
    pub fn live_dir(&self) -> Result<Option<PathBuf>, IndexError> {
        Ok(self.current()?.map(|name| self.generations().join(name)))
    }

    /// The live generation's name, if an index has been built.
    pub fn current(&self) -> Result<Option<String>, IndexError> {
        Ok(self.pointer()?.map(|p| p.generation))
    }

    /// The live generation and its revision, if an index has been built. A `CURRENT` that
    /// names no generation (a broken disk, a hand edit) is an error, never a path.
    pub fn pointer(&self) -> Result<Option<Pointer>, IndexError> {
        let path = self.current_file();
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(IndexError::io(path, e)),
        };
        let corrupt = || IndexError::CorruptPointer(path.clone());
        let text = String::from_utf8(bytes).map_err(|_| corrupt())?;
        let mut lines = text.lines();
        let generation = lines.next().unwrap_or("").trim().to_string();
        let is_name = !generation.is_empty()
            && !generation.starts_with('.')
            && generation
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !is_name {
            return Err(corrupt());
        }
        let revision = lines
            .next()
            .and_then(|r| r.trim().parse().ok())
            .unwrap_or(0);
        Ok(Some(Pointer {
            generation,
            revision,
        }))
    }
}

/// What `CURRENT` says: the live generation, and how many in-place updates it has had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pointer {
    pub generation: String,
    pub revision: u64,
}

/// What the last build found, per source; kept beside the index it describes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuildReport {
    pub generation: String,
    pub built_at: chrono::DateTime<chrono::Utc>,
    pub elapsed_ms: u64,
    /// Bytes of article text indexed.
    pub text_bytes: u64,
    pub sources: Vec<SourceReport>,
}

impl BuildReport {
    /// Reads the report kept in a generation's directory.
    fn load(generation: &Path) -> Result<BuildReport, IndexError> {
        let path = generation.join("report.json");
        let bytes = std::fs::read(&path).map_err(|e| IndexError::io(&path, e))?;
        serde_json::from_slice(&bytes).map_err(|e| IndexError::Report {
            path,
            message: e.to_string(),
        })
    }

    pub fn passages(&self) -> usize {
        self.sources.iter().map(|s| s.passages).sum()
    }

    pub fn skipped(&self) -> impl Iterator<Item = &SourceReport> {
        self.sources.iter().filter(|s| s.error.is_some())
    }
}

/// One source in a build: its citation metadata and passage count, or why it was skipped.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceReport {
    pub id: String,
    pub file: String,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub published: Option<PubDate>,
    pub passages: usize,
    /// A digest of the extracted text: tracking compares it to see what changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    pub error: Option<String>,
}

impl SourceReport {
    /// The report of an article that was indexed from `file`.
    pub fn indexed(article: &crate::corpus::Article, file: String) -> Self {
        SourceReport {
            id: article.id.clone(),
            file,
            title: article.title.clone(),
            outlet: article.outlet.clone(),
            url: article.url.clone(),
            published: article.published,
            passages: article.passages.len(),
            digest: Some(article.digest()),
            error: None,
        }
    }
}

impl SourceReport {
    fn failed(id: String, file: String, error: &dyn std::fmt::Display) -> Self {
        SourceReport {
            id,
            file,
            title: None,
            outlet: None,
            url: None,
            published: None,
            passages: 0,
            digest: None,
            error: Some(error.to_string()),
        }
    }
}

/// Why the index could not be built or opened.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// A file or directory of the index could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// tantivy failed to write or read the index.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// Another process is rebuilding this index right now.
    #[error("another reindex of {0} is running")]
    Busy(PathBuf),
    /// There is no sources directory to build from.
    #[error("no sources directory at {0}")]
    NoSources(PathBuf),
    /// The sources manifest is broken.
    #[error(transparent)]
    Manifest(#[from] crate::corpus::ManifestError),
    /// An import file had no usable line.
    #[error("{0}: no line is a usable article record")]
    NothingToImport(PathBuf),
    /// `CURRENT` does not name a generation.
    #[error("{0} is corrupt: run `sitrep reindex` to rebuild the index from its sources")]
    CorruptPointer(PathBuf),
    /// The store of sentence vectors could not be read or written.
    #[error("sentence vectors {path}: {message}")]
    Vectors { path: PathBuf, message: String },
    /// The build report beside the index is unreadable.
    #[error("corrupt build report {path}: {message}")]
    Report { path: PathBuf, message: String },
}

impl IndexError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        IndexError::Io {
            path: path.into(),
            source,
        }
    }
}

/// Runs `change`, a change of the sources folder and the index together, so that a crash
/// midway is repaired at the next start: a marker written first and removed after tells
/// `open_or_build` to rebuild from the files.
pub fn guarded<T>(
    layout: &Layout,
    what: &str,
    change: impl FnOnce() -> T,
) -> Result<T, IndexError> {
    build::replace_durably(&layout.pending_file(), what.as_bytes())?;
    let result = change();
    let pending = layout.pending_file();
    std::fs::remove_file(&pending).map_err(|e| IndexError::io(pending, e))?;
    Ok(result)
}

/// Rebuilds after an interrupted change: half-written files go, the rest is indexed.
fn recover(layout: &Layout, limits: Limits) -> Result<(), IndexError> {
    let sources = layout.sources();
    for entry in std::fs::read_dir(&sources).map_err(|e| IndexError::io(&sources, e))? {
        let path = entry.map_err(|e| IndexError::io(&sources, e))?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.starts_with('.') && name.ends_with(".part") {
            let _ = std::fs::remove_file(&path);
        }
    }
    build(layout, limits, |_| {})?;
    let pending = layout.pending_file();
    std::fs::remove_file(&pending).map_err(|e| IndexError::io(pending, e))
}

/// Opens a generation's tantivy index with sitrep's analyzer registered, and its fields.
fn open_generation(dir: &Path) -> Result<(tantivy::Index, schema::Fields), IndexError> {
    let directory =
        tantivy::directory::MmapDirectory::open(dir).map_err(|e| IndexError::Tantivy(e.into()))?;
    let index = tantivy::Index::open(ReadOnlyTolerant(directory))?;
    index
        .tokenizers()
        .register(analyzer::NAME, analyzer::analyzer());
    let fields = schema::Fields::from_schema(&index.schema())?;
    Ok((index, fields))
}

/// Opens the live index, building it first when none exists (`on_build` is told first).
pub fn open_or_build(
    layout: &Layout,
    limits: Limits,
    on_build: impl FnOnce(),
) -> Result<Index, IndexError> {
    if let Some(index) = Index::open(layout)? {
        if !layout.pending_file().exists() {
            return Ok(index);
        }
        // A change of the sources was cut off midway (a file written but not indexed, or
        // indexed but not reported): the files are the truth, so the index is rebuilt from
        // them. Should that fail (a read-only replica, a build running), the index as it
        // is keeps serving and the next start tries again.
        tracing::warn!("a change of the sources was interrupted: rebuilding the index");
        return match recover(layout, limits) {
            Ok(()) => Index::open(layout)?.ok_or_else(|| IndexError::NoSources(layout.sources())),
            Err(error) => {
                tracing::warn!(%error, "cannot rebuild; serving the index as it is");
                Ok(index)
            }
        };
    }
    on_build();
    build(layout, limits, |_| {})?;
    Index::open(layout)?.ok_or_else(|| IndexError::NoSources(layout.sources()))
}

/// A generation's directory that may sit on a read-only file system (a replica): there a
/// reader's lock file cannot be created, and none is needed, since nothing can write.
#[derive(Debug, Clone)]
struct ReadOnlyTolerant(tantivy::directory::MmapDirectory);

impl tantivy::Directory for ReadOnlyTolerant {
    fn get_file_handle(
        &self,
        path: &Path,
    ) -> Result<
        std::sync::Arc<dyn tantivy::directory::FileHandle>,
        tantivy::directory::error::OpenReadError,
    > {
        self.0.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), tantivy::directory::error::DeleteError> {
        self.0.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, tantivy::directory::error::OpenReadError> {
        self.0.exists(path)
    }

    fn open_write(
        &self,
        path: &Path,
    ) -> Result<tantivy::directory::WritePtr, tantivy::directory::error::OpenWriteError> {
        self.0.open_write(path)
    }

    fn atomic_read(
        &self,
        path: &Path,
    ) -> Result<Vec<u8>, tantivy::directory::error::OpenReadError> {
        self.0.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.0.atomic_write(path, data)
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        self.0.sync_directory()
    }

    fn acquire_lock(
        &self,
        lock: &tantivy::directory::Lock,
    ) -> Result<tantivy::directory::DirectoryLock, tantivy::directory::error::LockError> {
        match self.0.acquire_lock(lock) {
            Err(tantivy::directory::error::LockError::IoError(error))
                if error.kind() == std::io::ErrorKind::ReadOnlyFilesystem =>
            {
                Ok(tantivy::directory::DirectoryLock::from(Box::new(())))
            }
            other => other,
        }
    }

    fn watch(
        &self,
        callback: tantivy::directory::WatchCallback,
    ) -> tantivy::Result<tantivy::directory::WatchHandle> {
        self.0.watch(callback)
    }
}
