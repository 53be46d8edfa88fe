//! Building a generation: read every source, index its passages into a new directory,
//! write the report, then point `CURRENT` at it with an atomic rename.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fs::{self, File};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use tantivy::{Index as TantivyIndex, TantivyDocument};

use super::schema::Fields;
use super::{BuildReport, IndexError, Layout, Pointer, SourceReport, analyzer};
use crate::corpus::{self, Article, Manifest, SourceError};

/// Progress of a build, for a progress bar.
#[derive(Debug)]
pub enum BuildEvent<'a> {
    /// About to read `total` source files (an archive holds many articles).
    Started { total: usize },
    /// One source file was read (its articles indexed or skipped).
    File { name: &'a str },
    /// All documents are in; tantivy is committing and merging.
    Committing,
}

const WRITER_HEAP_BYTES: usize = 256 << 20;

/// Rebuilds the index from `layout.sources()` and swaps it in. Sources that fail are
/// reported and skipped; the previous generation serves until the swap.
pub fn build(
    layout: &Layout,
    limits: corpus::Limits,
    mut progress: impl FnMut(BuildEvent),
) -> Result<BuildReport, IndexError> {
    let started = Instant::now();
    let sources_dir = layout.sources();
    if !sources_dir.is_dir() {
        return Err(IndexError::NoSources(sources_dir));
    }
    let _lock = lock(layout)?;
    // A broken manifest is reported like a broken source, and the build goes on without it.
    let (manifest, manifest_error) = match Manifest::load(&sources_dir) {
        Ok(manifest) => (manifest, None),
        Err(error) => {
            tracing::warn!(%error, "building without the manifest");
            let name = corpus::MANIFEST_FILE.to_string();
            (
                Manifest::default(),
                Some(SourceReport::failed(name.clone(), name, &error)),
            )
        }
    };
    let files = corpus::source_files(&sources_dir).map_err(|e| IndexError::io(&sources_dir, e))?;
    // A rebuild starts from the sources whatever `CURRENT` holds.
    let previous = layout.current().unwrap_or_else(|error| {
        tracing::warn!(%error, "replacing a corrupt CURRENT");
        None
    });

    let name = format!(
        "{}-{}",
        chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ"),
        std::process::id()
    );
    let dir = layout.generations().join(&name);
    fs::create_dir_all(&dir).map_err(|e| IndexError::io(&dir, e))?;
    let built = build_generation(
        &dir,
        &files,
        &manifest,
        manifest_error.into_iter().collect(),
        limits,
        started,
        &mut progress,
    );
    let report = match built {
        Ok(report) => report,
        Err(error) => {
            // A failed build leaves nothing behind.
            let _ = fs::remove_dir_all(&dir);
            return Err(error);
        }
    };
    swap_current(
        layout,
        &Pointer {
            generation: name.clone(),
            revision: 0,
        },
    )?;
    remove_stale_generations(layout, &name, previous.as_deref());
    Ok(report)
}

/// Writes a complete generation into `dir` (named for it): every source's passages,
/// committed, and the report beside them, after `sources`, the reports made before.
fn build_generation(
    dir: &Path,
    files: &[std::path::PathBuf],
    manifest: &Manifest,
    mut sources: Vec<SourceReport>,
    limits: corpus::Limits,
    started: Instant,
    progress: &mut impl FnMut(BuildEvent),
) -> Result<BuildReport, IndexError> {
    let (schema, fields) = Fields::schema();
    let index = TantivyIndex::create_in_dir(dir, schema)?;
    index
        .tokenizers()
        .register(analyzer::NAME, analyzer::analyzer());
    let mut writer = index.writer::<TantivyDocument>(WRITER_HEAP_BYTES)?;

    progress(BuildEvent::Started { total: files.len() });
    let mut text_bytes = 0u64;
    let mut first_origin: HashMap<String, String> = HashMap::new();
    for path in files {
        for loaded in corpus::read_source(path, limits) {
            let article =
                loaded
                    .article
                    .and_then(|article| match first_origin.entry(article.id.clone()) {
                        Entry::Occupied(first) => Err(SourceError::DuplicateId {
                            id: article.id,
                            first: first.get().clone(),
                        }),
                        Entry::Vacant(slot) => {
                            slot.insert(loaded.origin.clone());
                            Ok(article)
                        }
                    });
            let report = match article {
                Ok(mut article) => {
                    if let Some(meta) = manifest.get(&article.id) {
                        article.apply(meta);
                    }
                    text_bytes += article.body.len() as u64;
                    for doc in documents(&article, fields) {
                        writer.add_document(doc)?;
                    }
                    SourceReport::indexed(&article, loaded.origin)
                }
                Err(error) => {
                    tracing::info!(source = %loaded.origin, %error, "source skipped");
                    SourceReport::failed(loaded.id, loaded.origin, &error)
                }
            };
            sources.push(report);
        }
        progress(BuildEvent::File {
            name: &path.file_name().unwrap_or_default().to_string_lossy(),
        });
    }
    progress(BuildEvent::Committing);
    writer.commit()?;
    writer.wait_merging_threads()?;

    let report = BuildReport {
        generation: dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned(),
        built_at: chrono::Utc::now(),
        elapsed_ms: started.elapsed().as_millis() as u64,
        text_bytes,
        sources,
    };
    let report_path = dir.join("report.json");
    write_durably(
        &report_path,
        &serde_json::to_vec_pretty(&report).expect("report serializes"),
    )?;
    sync_dir(dir)?;
    Ok(report)
}

/// The passages of an article as tantivy documents.
pub fn documents(article: &Article, fields: Fields) -> impl Iterator<Item = TantivyDocument> + '_ {
    article.passages.iter().enumerate().map(move |(n, range)| {
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.source, &article.id);
        doc.add_u64(fields.passage, n as u64);
        doc.add_text(fields.text, &article.body[range.clone()]);
        for (field, value) in [
            (fields.title, &article.title),
            (fields.outlet, &article.outlet),
            (fields.url, &article.url),
        ] {
            if let Some(value) = value {
                doc.add_text(field, value);
            }
        }
        if let Some(date) = article.published {
            doc.add_text(fields.published, date.to_string());
        }
        doc
    })
}

/// Holds the build lock for as long as it lives; fails at once if another build has it.
fn lock(layout: &Layout) -> Result<File, IndexError> {
    let path = layout.lock_file();
    let file = File::create(&path).map_err(|e| IndexError::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(IndexError::Busy(layout.root().to_path_buf())),
        Err(fs::TryLockError::Error(e)) => Err(IndexError::io(&path, e)),
    }
}

/// Holds the build lock, waiting for a running build or update to finish first.
pub(super) fn lock_waiting(layout: &Layout) -> Result<File, IndexError> {
    let path = layout.lock_file();
    let file = File::create(&path).map_err(|e| IndexError::io(&path, e))?;
    file.lock().map_err(|e| IndexError::io(&path, e))?;
    Ok(file)
}

/// Writes `bytes` to `path` through a temporary file and a rename, so readers see the
/// old content or the new, never a part.
pub(super) fn replace_durably(path: &Path, bytes: &[u8]) -> Result<(), IndexError> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    write_durably(&tmp, bytes)?;
    fs::rename(&tmp, path).map_err(|e| IndexError::io(path, e))?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

fn write_durably(path: &Path, bytes: &[u8]) -> Result<(), IndexError> {
    let mut file = File::create(path).map_err(|e| IndexError::io(path, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| IndexError::io(path, e))
}

fn sync_dir(dir: &Path) -> Result<(), IndexError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| IndexError::io(dir, e))
}

/// Points `CURRENT` at a generation and revision (atomic on POSIX: a rename).
pub(super) fn swap_current(layout: &Layout, pointer: &Pointer) -> Result<(), IndexError> {
    replace_durably(
        &layout.current_file(),
        format!("{}\n{}\n", pointer.generation, pointer.revision).as_bytes(),
    )
}

/// Removes every generation but the new one and the one it replaced (which running
/// readers may still hold). Builds killed midway leave directories that end here.
fn remove_stale_generations(layout: &Layout, current: &str, previous: Option<&str>) {
    let Ok(entries) = fs::read_dir(layout.generations()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name != current
            && Some(name.as_ref()) != previous
            && let Err(error) = fs::remove_dir_all(entry.path())
        {
            tracing::warn!(generation = %name, %error, "could not remove old generation");
        }
    }
}
