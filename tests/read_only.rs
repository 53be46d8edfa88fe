//! An index on a read-only file system (a replica mounted read-only) still serves `ask`,
//! `search` and `sources`. A read-only bind mount needs root; elsewhere the test says so
//! and does nothing.

mod common;

use std::process::Command;

/// Unmounts on drop, so a failing assertion leaves no mount behind.
struct ReadOnlyMount(std::path::PathBuf);

impl Drop for ReadOnlyMount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_read_only_index_still_answers() {
    let uid = Command::new("id").arg("-u").output().unwrap().stdout;
    if String::from_utf8_lossy(&uid).trim() != "0" {
        eprintln!("skipped: a read-only bind mount needs root");
        return;
    }
    let dir = common::corpus_copy();
    common::sitrep(dir.path()).arg("reindex").assert().success();
    let replica = tempfile::TempDir::new().unwrap();
    let mounted = Command::new("mount")
        .args(["--bind", "-o", "ro"])
        .arg(dir.path())
        .arg(replica.path())
        .status()
        .unwrap();
    assert!(mounted.success(), "mount --bind -o ro failed");
    let _mount = ReadOnlyMount(replica.path().to_path_buf());
    assert!(
        std::fs::write(replica.path().join("probe"), "x").is_err(),
        "the mount is read-only"
    );

    let r = common::ask_json(replica.path(), "how many drones were used?");
    assert_eq!(r["answer"]["text"], "117", "{r}");
    common::sitrep(replica.path())
        .args(["search", "drones"])
        .assert()
        .success();
    let listing = common::stdout_of(common::sitrep(replica.path()).arg("sources"));
    assert!(
        String::from_utf8(listing)
            .unwrap()
            .contains("001_00b9a17dd418843e")
    );
}
