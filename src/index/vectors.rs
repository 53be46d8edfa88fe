//! Sentence vectors, kept beside the generations in `vectors.sqlite` and keyed by a digest
//! of the sentence, so that a sentence is embedded once whichever generation holds it. The
//! lexical index serves first; vectors follow (`fill`), and answers use those present.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use half::f16;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Index, IndexError, Layout, Live};
use crate::encoder::{self, DIMENSIONS, Encoder};

/// The file, in the index root.
pub const FILE_NAME: &str = "vectors.sqlite";
/// Sentences embedded and written per transaction.
const FILL_BATCH: usize = 256;

pub type Digest = [u8; 16];

/// The digest a sentence's vector is stored under.
pub fn digest(sentence: &str) -> Digest {
    let hash = blake3::hash(sentence.as_bytes());
    let mut digest = [0; 16];
    digest.copy_from_slice(&hash.as_bytes()[..16]);
    digest
}

pub struct VectorStore {
    path: PathBuf,
    connection: Mutex<Connection>,
    /// A vector has been seen stored; vectors are never removed, so it stays so.
    has_vectors: AtomicBool,
}

impl VectorStore {
    /// Opens (creating if need be) the store of an index.
    pub fn open(layout: &Layout) -> Result<VectorStore, IndexError> {
        let path = layout.root().join(FILE_NAME);
        let connection = Connection::open(&path)
            .and_then(|c| {
                c.busy_timeout(std::time::Duration::from_secs(10))?;
                c.pragma_update(None, "journal_mode", "WAL")?;
                c.execute_batch(
                    "CREATE TABLE IF NOT EXISTS vectors (digest BLOB PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID;
                     CREATE TABLE IF NOT EXISTS filled (generation TEXT NOT NULL, revision INTEGER NOT NULL);",
                )?;
                Ok(c)
            })
            .map_err(|e| IndexError::Vectors {
                path: path.clone(),
                message: e.to_string(),
            })?;
        Ok(VectorStore {
            path,
            connection: Mutex::new(connection),
            has_vectors: AtomicBool::new(false),
        })
    }

    pub(super) fn error(&self, message: impl ToString) -> IndexError {
        IndexError::Vectors {
            path: self.path.clone(),
            message: message.to_string(),
        }
    }

    /// The stored vectors of those digests that have one, looked up with one statement for
    /// up to 500 digests rather than one each (a question's passages hold about 100).
    pub fn get(&self, digests: &[Digest]) -> Result<HashMap<Digest, Vec<f32>>, IndexError> {
        const PER_STATEMENT: usize = 500;
        let connection = self.connection.lock().unwrap_or_else(|e| e.into_inner());
        let mut found = HashMap::new();
        for chunk in digests.chunks(PER_STATEMENT) {
            let places = vec!["?"; chunk.len()].join(",");
            let mut select = connection
                .prepare(&format!(
                    "SELECT digest, vector FROM vectors WHERE digest IN ({places})"
                ))
                .map_err(|e| self.error(e))?;
            let keys = chunk.iter().map(|d| &d[..]);
            let mut rows = select
                .query(rusqlite::params_from_iter(keys))
                .map_err(|e| self.error(e))?;
            while let Some(row) = rows.next().map_err(|e| self.error(e))? {
                let digest: Vec<u8> = row.get(0).map_err(|e| self.error(e))?;
                let bytes: Vec<u8> = row.get(1).map_err(|e| self.error(e))?;
                if let (Ok(digest), true) =
                    (Digest::try_from(digest), bytes.len() == 2 * DIMENSIONS)
                {
                    found.insert(digest, decode(&bytes));
                }
            }
        }
        Ok(found)
    }

    /// Whether any vector is stored: asked of the file only until one is (every question
    /// asks).
    pub fn has_any(&self) -> Result<bool, IndexError> {
        if self.has_vectors.load(Ordering::Relaxed) {
            return Ok(true);
        }
        let connection = self.connection.lock().unwrap_or_else(|e| e.into_inner());
        let any = connection
            .query_row("SELECT EXISTS (SELECT 1 FROM vectors)", [], |row| {
                row.get(0)
            })
            .map_err(|e| self.error(e))?;
        self.has_vectors.store(any, Ordering::Relaxed);
        Ok(any)
    }

    /// The digests of every stored vector.
    fn digests(&self) -> Result<HashSet<Digest>, IndexError> {
        let connection = self.connection.lock().unwrap_or_else(|e| e.into_inner());
        let mut select = connection
            .prepare("SELECT digest FROM vectors")
            .map_err(|e| self.error(e))?;
        let rows = select
            .query_map([], |row| row.get::<_, Vec<u8>>(0))
            .map_err(|e| self.error(e))?;
        let mut digests = HashSet::new();
        for digest in rows {
            if let Ok(digest) = Digest::try_from(digest.map_err(|e| self.error(e))?) {
                digests.insert(digest);
            }
        }
        Ok(digests)
    }

    fn put(&self, vectors: &[(Digest, Vec<f32>)]) -> Result<(), IndexError> {
        let mut connection = self.connection.lock().unwrap_or_else(|e| e.into_inner());
        let transaction = connection.transaction().map_err(|e| self.error(e))?;
        {
            let mut insert = transaction
                .prepare_cached("INSERT OR IGNORE INTO vectors (digest, vector) VALUES (?1, ?2)")
                .map_err(|e| self.error(e))?;
            for (digest, vector) in vectors {
                insert
                    .execute(params![&digest[..], encode(vector)])
                    .map_err(|e| self.error(e))?;
            }
        }
        transaction.commit().map_err(|e| self.error(e))
    }

    /// Whether every sentence of `index` has its vector (the last fill was of it).
    pub fn is_filled(&self, index: &Index) -> Result<bool, IndexError> {
        let filled: Option<(String, u64)> = self
            .connection
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .query_row("SELECT generation, revision FROM filled", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()
            .map_err(|e| self.error(e))?;
        let pointer = index.pointer();
        Ok(filled.is_some_and(|(g, r)| g == pointer.generation && r == pointer.revision))
    }

    /// Embeds the sentences of `index` that have no vector yet, at most `max` of them, in
    /// batches, telling `progress` (done, to do) after each; returns how many were
    /// embedded. The index counts as filled once a call found nothing left over.
    pub fn fill(
        &self,
        index: &Index,
        encoder: &Encoder,
        max: usize,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<usize, IndexError> {
        if self.is_filled(index)? {
            return Ok(0);
        }
        let pointer = index.pointer();
        let stored = self.digests()?;
        let mut missing: HashMap<Digest, String> = HashMap::new();
        for source in &index.report().sources {
            for hit in index.passages_of(&source.id)? {
                for range in &hit.sentences {
                    let sentence = &hit.text[range.clone()];
                    let digest = digest(sentence);
                    if !stored.contains(&digest) {
                        missing
                            .entry(digest)
                            .or_insert_with(|| sentence.to_string());
                    }
                }
            }
        }
        let left_over = missing.len() > max;
        let missing: Vec<(Digest, String)> = missing.into_iter().take(max).collect();
        for (done, batch) in missing.chunks(FILL_BATCH).enumerate() {
            let texts: Vec<&str> = batch.iter().map(|(_, s)| s.as_str()).collect();
            let vectors = encoder.embed(&texts).map_err(|e| self.error(e))?;
            let rows: Vec<(Digest, Vec<f32>)> =
                batch.iter().map(|(d, _)| *d).zip(vectors).collect();
            self.put(&rows)?;
            progress(
                (done * FILL_BATCH + batch.len()).min(missing.len()),
                missing.len(),
            );
        }
        if left_over {
            return Ok(missing.len());
        }
        let connection = self.connection.lock().unwrap_or_else(|e| e.into_inner());
        connection
            .execute("DELETE FROM filled", [])
            .and_then(|_| {
                connection.execute(
                    "INSERT INTO filled VALUES (?1, ?2)",
                    params![pointer.generation, pointer.revision],
                )
            })
            .map_err(|e| self.error(e))?;
        Ok(missing.len())
    }
}

/// Keeps the vectors of the live generation complete, in the background: checks every
/// `every` for a new generation or update (by this process or another) and embeds what is
/// new. Answers meanwhile weigh meaning where vectors are present.
pub fn follow(live: Arc<Live>, every: Duration) {
    std::thread::Builder::new()
        .name("vectors".into())
        .spawn(move || {
            let Some(encoder) = encoder::shared() else {
                return;
            };
            let mut failed = None;
            loop {
                let index = live.get();
                if let Some(store) = index.vectors() {
                    match store.fill(&index, encoder, usize::MAX, |_, _| {}) {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(sentences = n, "embedded new sentences"),
                        // Said once per generation, not every round.
                        Err(error) if failed.as_ref() != Some(index.pointer()) => {
                            tracing::warn!(%error, "cannot store sentence vectors");
                            failed = Some(index.pointer().clone());
                        }
                        Err(_) => {}
                    }
                }
                drop(index);
                std::thread::sleep(every);
            }
        })
        .expect("spawn the vectors thread");
}

/// Half precision: the rankings are the same as with F32 and the file half the size.
fn encode(vector: &[f32]) -> Vec<u8> {
    vector
        .iter()
        .flat_map(|&x| f16::from_f32(x).to_le_bytes())
        .collect()
}

fn decode(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(2)
        .map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32())
        .collect()
}
