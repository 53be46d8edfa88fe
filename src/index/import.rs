//! Bulk import: the good lines of a JSONL archive are copied into the sources directory
//! (bad lines reported by number and left out), then the index is rebuilt.

use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};

use super::{BuildEvent, BuildReport, IndexError, Layout, build};
use crate::corpus::{Limits, SourceError, jsonl};

/// What an import took in and left out.
#[derive(Debug)]
pub struct Imported {
    /// Where the good lines were written.
    pub archive: PathBuf,
    pub articles: usize,
    /// Line number and reason of every line left out.
    pub rejected: Vec<(usize, SourceError)>,
    pub build: BuildReport,
}

/// Imports `file` into the sources as a new archive and rebuilds the index.
pub fn import(
    layout: &Layout,
    file: &Path,
    limits: Limits,
    progress: impl FnMut(BuildEvent),
) -> Result<Imported, IndexError> {
    let input = std::fs::File::open(file).map_err(|e| IndexError::io(file, e))?;
    // A new index directory has no sources folder yet.
    let sources = layout.sources();
    std::fs::create_dir_all(&sources).map_err(|e| IndexError::io(&sources, e))?;
    let archive = free_name(&sources, file);
    let mut good = Vec::new();
    let mut rejected = Vec::new();
    for line in jsonl::lines(BufReader::new(input), limits.max_bytes) {
        match line.article {
            Ok(_) => good.push(line.raw),
            Err(error) => rejected.push((line.number, error)),
        }
    }
    if good.is_empty() {
        return Err(IndexError::NothingToImport(file.to_path_buf()));
    }
    let write = || -> std::io::Result<()> {
        let tmp = archive.with_extension("jsonl.part");
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        for line in &good {
            writeln!(out, "{line}")?;
        }
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, &archive)
    };
    write().map_err(|e| IndexError::io(&archive, e))?;
    let build = build(layout, limits, progress)?;
    Ok(Imported {
        archive,
        articles: good.len(),
        rejected,
        build,
    })
}

/// `sources/<stem>.jsonl`, or `<stem>-2.jsonl`, … if that is taken.
fn free_name(dir: &Path, file: &Path) -> PathBuf {
    let stem = file.file_stem().unwrap_or_default().to_string_lossy();
    (1..)
        .map(|n| match n {
            1 => dir.join(format!("{stem}.jsonl")),
            n => dir.join(format!("{stem}-{n}.jsonl")),
        })
        .find(|p| !p.exists())
        .expect("some name is free")
}
