//! Helpers for the end-to-end tests: a private copy of the shipped corpus, and the binary.
#![allow(dead_code)] // each test crate uses its own subset

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// The shipped sources directory.
pub fn shipped_sources() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("index/sources")
}

/// A fresh index directory whose sources are a copy of the shipped corpus.
pub fn corpus_copy() -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    let sources = dir.path().join("sources");
    std::fs::create_dir(&sources).expect("sources dir");
    for entry in std::fs::read_dir(shipped_sources()).expect("shipped sources") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, sources.join(path.file_name().unwrap())).expect("copy source");
    }
    dir
}

/// `sitrep --index DIR`, with no environment settings leaking in.
pub fn sitrep(index: &Path) -> Command {
    let mut cmd = Command::cargo_bin("sitrep").expect("binary");
    cmd.arg("--index")
        .arg(index)
        .env_remove("SITREP_INDEX")
        .env_remove("SITREP_MAX_SOURCE_MB");
    cmd
}

/// Runs `sitrep ask --json` and parses the answer.
pub fn ask_json(index: &Path, question: &str) -> serde_json::Value {
    let out = sitrep(index)
        .args(["ask", "--json", question])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "ask failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON answer")
}

/// The extracted text of a shipped source, as the index holds it.
pub fn extracted_body(id: &str) -> String {
    let file = std::fs::read_dir(shipped_sources())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_stem().unwrap().to_string_lossy() == id)
        .unwrap_or_else(|| panic!("no source {id}"));
    sitrep::corpus::read_file(&file, 10 << 20)
        .expect("readable")
        .body
}
