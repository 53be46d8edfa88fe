//! A reindex killed midway leaves the previous index answering, and the next reindex
//! cleans up after it.

mod common;

use std::fmt::Write as _;
use std::process::Stdio;
use std::time::{Duration, Instant};

#[test]
fn killed_reindex_leaves_the_old_index_answering() {
    let dir = common::corpus_copy();
    common::sitrep(dir.path()).arg("reindex").assert().success();
    // The generation CURRENT names (its first line; the second is the update revision).
    let current = || {
        std::fs::read_to_string(dir.path().join("CURRENT"))
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    let before = current();

    // Enough text that indexing takes a while: 1,500 articles of about 24 kB.
    let sources = dir.path().join("sources");
    for n in 0..1500 {
        let mut text = String::new();
        for p in 0..40 {
            let _ = writeln!(
                text,
                "Report {n} paragraph {p}: officials said the convoy of {p} lorries reached the depot at dawn, and that repairs to the northern bridge would take another {n} days.\n"
            );
        }
        std::fs::write(sources.join(format!("bulk_{n:04}.txt")), text).unwrap();
    }

    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("sitrep"))
        .arg("--index")
        .arg(dir.path())
        .arg("reindex")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once its new generation directory exists, i.e. while it is writing.
    let generations = dir.path().join("generations");
    let started = Instant::now();
    loop {
        let count = std::fs::read_dir(&generations).unwrap().count();
        if count >= 2 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "reindex never started"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "reindex finished before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(200));
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the reindex was killed, not finished");

    assert_eq!(current(), before, "CURRENT still names the old generation");
    let r = common::ask_json(dir.path(), "how many drones were used?");
    assert_eq!(r["answer"]["text"], "117", "the old index answers");

    // The next complete reindex swaps in and removes the half-built directory.
    std::fs::remove_dir_all(&sources).unwrap();
    std::fs::create_dir(&sources).unwrap();
    for entry in std::fs::read_dir(common::shipped_sources()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, sources.join(path.file_name().unwrap())).unwrap();
    }
    common::sitrep(dir.path()).arg("reindex").assert().success();
    assert_ne!(current(), before);
    let left: Vec<String> = std::fs::read_dir(&generations)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        left.len(),
        2,
        "only the new and the previous generation remain: {left:?}"
    );
    assert!(left.contains(&before));
}

#[test]
fn a_corrupt_current_is_reported_and_a_reindex_replaces_it() {
    let dir = common::corpus_copy();
    common::sitrep(dir.path()).arg("reindex").assert().success();
    let generations = || {
        std::fs::read_dir(dir.path().join("generations"))
            .unwrap()
            .count()
    };
    assert_eq!(generations(), 1);

    for garbage in [&b"\xff\xfe\x00junk"[..], b"../../etc\n0\n", b""] {
        std::fs::write(dir.path().join("CURRENT"), garbage).unwrap();
        common::sitrep(dir.path())
            .args(["ask", "how many drones were used?"])
            .assert()
            .failure()
            .stderr(predicates::str::contains("CURRENT is corrupt"));
        common::sitrep(dir.path()).arg("reindex").assert().success();
        let r = common::ask_json(dir.path(), "how many drones were used?");
        assert_eq!(r["answer"]["text"], "117", "{r}");
    }
    // Each rebuild removed the generation nothing names any more, but the last it replaced.
    assert!(generations() <= 2, "{} generations left", generations());
}

#[test]
fn an_add_or_remove_cut_off_by_a_crash_is_repaired_at_the_next_start() {
    let dir = common::corpus_copy();
    common::sitrep(dir.path()).arg("reindex").assert().success();
    let sources = dir.path().join("sources");
    let pending = dir.path().join("PENDING");
    let listed = || {
        let out = common::stdout_of(common::sitrep(dir.path()).args(["sources", "--json"]));
        serde_json::from_slice::<Vec<serde_json::Value>>(&out).unwrap()
    };
    let ferry =
        "The ferry carried 212 passengers across the bay on Tuesday, the harbour master said.\n";

    // A complete add leaves no marker behind.
    let upload = dir.path().join("ferry.txt");
    std::fs::write(&upload, ferry).unwrap();
    common::sitrep(dir.path())
        .args(["sources", "add"])
        .arg(&upload)
        .assert()
        .success();
    assert!(!pending.exists());
    let added = listed()
        .into_iter()
        .find(|s| s["id"].as_str().unwrap().starts_with("ferry"))
        .expect("the ferry is listed");
    let file = added["file"].as_str().unwrap().to_string();

    // Killed after the index changed, before its report was written: the report lacks the
    // source, and the marker is still there.
    let generation = std::fs::read_to_string(dir.path().join("CURRENT")).unwrap();
    let report_path = dir
        .path()
        .join("generations")
        .join(generation.lines().next().unwrap())
        .join("report.json");
    let mut report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    report["sources"]
        .as_array_mut()
        .unwrap()
        .retain(|s| s["file"] != file.as_str());
    std::fs::write(&report_path, report.to_string()).unwrap();
    std::fs::write(&pending, "add").unwrap();
    std::fs::write(sources.join(".half-written.txt.part"), "The ferry").unwrap();
    assert!(
        listed().iter().any(|s| s["file"] == file.as_str()),
        "listed after recovery"
    );
    assert!(!pending.exists() && !sources.join(".half-written.txt.part").exists());
    // Adding the same text again is refused: one copy, not two.
    common::sitrep(dir.path())
        .args(["sources", "add"])
        .arg(&upload)
        .assert()
        .failure();
    assert_eq!(listed().len(), 4);

    // Killed after the file was removed, before the index forgot it.
    std::fs::remove_file(sources.join(&file)).unwrap();
    std::fs::write(&pending, "remove").unwrap();
    common::assert_refused(dir.path(), "how many passengers did the ferry carry?");
    assert_eq!(listed().len(), 3);
}
