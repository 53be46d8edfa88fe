//! Incremental updates: articles added to, or sources removed from, the live generation
//! in place, under the same lock as a full build. tantivy commits atomically, so readers
//! see the index before or after an update, never during; `CURRENT`'s revision then tells
//! them to reopen.

use tantivy::{TantivyDocument, Term};

use super::build::{documents, lock_waiting, replace_durably, swap_current};
use super::{BuildReport, IndexError, Layout, Pointer, SourceReport};
use crate::corpus::{Article, Limits};

const WRITER_HEAP_BYTES: usize = 64 << 20;

/// One change to the live index.
#[derive(Debug)]
pub enum Change {
    /// Index an article read from `file` (replacing a source of the same id).
    Add { article: Article, file: String },
    /// Drop every passage of a source.
    Remove { id: String },
}

/// Applies `changes` to the live generation, waiting for a running build to finish first.
/// Returns the updated report. With no index built yet, builds one from the sources.
pub fn update(
    layout: &Layout,
    changes: Vec<Change>,
    limits: Limits,
) -> Result<BuildReport, IndexError> {
    let lock = lock_waiting(layout)?;
    let Some(pointer) = layout.pointer()? else {
        drop(lock);
        return super::build(layout, limits, |_| {});
    };
    let dir = layout.generations().join(&pointer.generation);
    let mut report = BuildReport::load(&dir)?;
    let (index, fields) = super::open_generation(&dir)?;
    let mut writer = index.writer::<TantivyDocument>(WRITER_HEAP_BYTES)?;
    for change in &changes {
        let id = match change {
            Change::Add { article, .. } => &article.id,
            Change::Remove { id } => id,
        };
        writer.delete_term(Term::from_field_text(fields.source, id));
        report.sources.retain(|s| &s.id != id);
        if let Change::Add { article, file } = change {
            for doc in documents(article, fields) {
                writer.add_document(doc)?;
            }
            report.text_bytes += article.body.len() as u64;
            report
                .sources
                .push(SourceReport::indexed(article, file.clone()));
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    report.built_at = chrono::Utc::now();
    replace_durably(
        &dir.join("report.json"),
        &serde_json::to_vec_pretty(&report).expect("report serializes"),
    )?;
    swap_current(
        layout,
        &Pointer {
            generation: pointer.generation,
            revision: pointer.revision + 1,
        },
    )?;
    Ok(report)
}
