//! Broken sources are reported with a reason and skipped; the rest are indexed.

mod common;

use predicates::prelude::*;
use serde_json::Value;

#[test]
fn broken_sources_are_reported_and_skipped() {
    let dir = common::corpus_copy();
    let sources = dir.path().join("sources");
    std::fs::write(sources.join("empty.txt"), "").unwrap();
    std::fs::write(
        sources.join("binary.txt"),
        [0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0],
    )
    .unwrap();
    std::fs::write(
        sources.join("latin1.txt"),
        b"Caf\xe9 owners said the bridge closure cost them customers.",
    )
    .unwrap();
    // 50 MB, written sparse: the size check must refuse it before reading it.
    std::fs::File::create(sources.join("huge.txt"))
        .unwrap()
        .set_len(50 << 20)
        .unwrap();
    std::fs::write(
        sources.join("nav.html"),
        "<html><body><nav><ul><li><a href='/'>Home</a></li><li><a href='/world'>World</a></li></ul></nav></body></html>",
    )
    .unwrap();
    std::fs::write(sources.join("slides.pdf"), "%PDF-1.7").unwrap();

    common::sitrep(dir.path())
        .arg("reindex")
        .assert()
        .success()
        .stdout(
            predicate::str::starts_with("3 sources,").and(predicate::str::contains("skipped 6")),
        )
        .stderr(
            predicate::str::contains("skipped empty.txt: file is empty")
                .and(predicate::str::contains(
                    "skipped binary.txt: file looks binary",
                ))
                .and(predicate::str::contains(
                    "skipped latin1.txt: file is not valid UTF-8 (first bad byte at offset 3)",
                ))
                .and(predicate::str::contains(
                    "skipped huge.txt: file is 52428800 bytes, over the 10485760-byte limit",
                ))
                .and(predicate::str::contains(
                    "skipped nav.html: no article text found",
                ))
                .and(predicate::str::contains(
                    "skipped slides.pdf: unsupported file type",
                )),
        );

    let out = common::sitrep(dir.path())
        .args(["sources", "--json"])
        .output()
        .unwrap();
    let sources: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<(&str, bool)> = sources
        .iter()
        .map(|s| (s["file"].as_str().unwrap(), s["error"].is_string()))
        .collect();
    assert_eq!(
        errors.iter().filter(|(_, failed)| *failed).count(),
        6,
        "{errors:?}"
    );
    assert_eq!(errors.iter().filter(|(_, failed)| !*failed).count(), 3);

    // The good sources answer as before.
    let r = common::ask_json(dir.path(), "how many drones were used?");
    assert_eq!(r["answer"]["text"], "117");
}

#[test]
fn a_broken_manifest_or_front_matter_is_reported_and_the_rest_indexed() {
    let dir = common::corpus_with(&[
        ("manifest.toml", "[sources.x]\nnot_a_field = 1\n"),
        (
            "ferry.md",
            "---\ntitle: [unclosed\n---\nThe ferry carried 212 passengers across the bay.\n",
        ),
    ]);
    common::sitrep(dir.path())
        .arg("reindex")
        .assert()
        .success()
        .stderr(
            predicate::str::contains("invalid manifest.toml")
                .and(predicate::str::contains("ferry.md"))
                .and(predicate::str::contains("front matter is not valid YAML")),
        );
    assert_eq!(
        common::ask_json(dir.path(), "how many drones were used?")["answer"]["text"],
        "117"
    );
}

#[test]
fn manifest_adds_what_files_do_not_say() {
    let dir = common::corpus_copy();
    std::fs::write(
        dir.path().join("sources/manifest.toml"),
        "[sources.\"001_00b9a17dd418843e\"]\noutlet = \"Example Wire\"\nurl = \"https://example.org/a\"\npublished = \"2025-06-01\"\n",
    )
    .unwrap();
    let r = common::ask_json(dir.path(), "how many drones were used?");
    let source = &r["answer"]["source"];
    assert_eq!(source["outlet"], "Example Wire");
    assert_eq!(source["url"], "https://example.org/a");
    assert_eq!(
        source["published"], "2025-06-02",
        "the file's own date wins"
    );
}

#[test]
fn import_into_a_new_index_creates_it_and_skips_only_the_bad_utf8_line() {
    let dir = tempfile::TempDir::new().unwrap();
    let index = dir.path().join("new-index");
    let file = dir.path().join("archive.jsonl");
    let mut archive = br#"{"id": "ferry-1", "text": "The ferry carried 212 passengers."}"#.to_vec();
    archive.extend_from_slice(b"\n\xff\n");
    archive.extend_from_slice(br#"{"id": "ferry-2", "text": "The bridge opened in 1998."}"#);
    archive.push(b'\n');
    std::fs::write(&file, archive).unwrap();
    common::sitrep(&index)
        .args(["sources", "import"])
        .arg(&file)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("imported 2 articles")
                .and(predicate::str::contains("(1 lines left out)")),
        )
        .stderr(predicate::str::contains("archive.jsonl:2: invalid record"));
    let r = common::ask_json(&index, "when did the bridge open?");
    assert_eq!(r["answer"]["text"], "1998", "{r}");
}

#[test]
fn bulk_import_reports_bad_lines_and_indexes_the_rest() {
    let dir = common::corpus_copy();
    let file = dir.path().join("archive.jsonl");
    std::fs::write(
        &file,
        concat!(
            r#"{"id": "ferry-1", "title": "Ferry crossing", "outlet": "Bay News", "published": "2025-06-03", "text": "The ferry carried 212 passengers across the bay on Tuesday.\n\nIt docked at noon."}"#,
            "\n",
            "not json\n",
            r#"{"id": "ferry-2", "text": "   "}"#,
            "\n",
            r#"{"id": "001_00b9a17dd418843e", "text": "A second article under an id that is taken."}"#,
            "\n",
        ),
    )
    .unwrap();
    common::sitrep(dir.path())
        .args(["sources", "import"])
        .arg(&file)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("imported 2 articles")
                .and(predicate::str::contains("(2 lines left out)")),
        )
        .stderr(
            predicate::str::contains("archive.jsonl:2: invalid record")
                .and(predicate::str::contains("archive.jsonl:3: file is empty"))
                .and(predicate::str::contains(
                    "duplicate source id \"001_00b9a17dd418843e\"",
                )),
        );
    let r = common::ask_json(dir.path(), "how many passengers did the ferry carry?");
    assert_eq!(r["answer"]["text"], "212");
    assert_eq!(r["answer"]["source"]["outlet"], "Bay News");
    assert_eq!(r["answer"]["source"]["published"], "2025-06-03");
    // The shipped articles are still there.
    assert_eq!(
        common::ask_json(dir.path(), "how many drones were used?")["answer"]["text"],
        "117"
    );
}

#[test]
fn a_source_of_one_endless_sentence_gives_short_passages_and_snippets() {
    let dir = common::corpus_copy();
    // About 1.5 MB and one sentence; every clause differs, as in a real page.
    let clause = |n: usize| {
        format!(
            "boat {n} waited by the harbour wall for {} minutes ",
            n % 97
        )
    };
    let mut text: String = (0..15_000).map(clause).collect();
    text.push_str("and the ferry carried 212 passengers across the bay ");
    text.extend((15_000..30_000).map(clause));
    text.push_str("at last.");
    std::fs::write(dir.path().join("sources/endless.txt"), text).unwrap();
    // Passages are the point, not meaning: embedding 1,500 long sentences in a test build
    // would take minutes.
    let out = common::sitrep(dir.path())
        .env("SITREP_MODEL", "off")
        .args(["ask", "--json", "how many passengers did the ferry carry?"])
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let snippet = r["answer"]["snippet"].as_str().unwrap_or_default();
    assert!(snippet.contains("212"), "{r}");
    assert!(snippet.len() <= 2000, "snippet of {} bytes", snippet.len());
}

#[test]
fn a_source_slower_to_extract_than_its_budget_is_reported_and_the_rest_indexed() {
    // Nested 190 deep (under the plain-text cutoff), 600 times: Readability takes many
    // seconds over it.
    let block = format!(
        "{}<p>The ferry waited by the harbour wall for the tide.</p>{}",
        "<div>".repeat(190),
        "</div>".repeat(190)
    );
    let page = format!("<html><body>{}</body></html>", block.repeat(600));
    let dir = common::corpus_with(&[("nested.html", &page)]);
    common::sitrep(dir.path())
        .env("SITREP_EXTRACT_TIMEOUT", "2")
        .arg("reindex")
        .assert()
        .success()
        .stdout(
            predicate::str::starts_with("3 sources,").and(predicate::str::contains("skipped 1")),
        )
        .stderr(predicate::str::contains(
            "skipped nested.html: extracting the article took longer than the 2000 ms allowed",
        ));
    let r = common::ask_json(dir.path(), "how many drones were used?");
    assert_eq!(r["answer"]["text"], "117");
}

#[test]
fn a_link_out_of_the_sources_folder_is_reported_and_not_quoted() {
    let dir = common::corpus_copy();
    let outside = tempfile::TempDir::new().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(
        &secret,
        "The vault code of the harbour office is 4242, the clerk said.\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&secret, dir.path().join("sources/linked.txt")).unwrap();
    common::sitrep(dir.path())
        .arg("reindex")
        .assert()
        .success()
        .stderr(
            predicate::str::contains("linked.txt")
                .and(predicate::str::contains("outside the sources folder")),
        );
    let r = common::ask_json(dir.path(), "what is the vault code of the harbour office?");
    assert!(!r.to_string().contains("4242"), "{r}");
}

#[test]
fn control_characters_in_names_and_text_never_reach_the_terminal() {
    let dir = common::corpus_with(&[
        ("two\nlines.txt", "The ferry carried 212 passengers.\n"),
        (
            "escapes.txt",
            "The \x1b[2J\x1b[31mlighthouse\x1b[0m keeper counted 45 ships in the bay.\n",
        ),
    ]);
    let out = common::sitrep(dir.path()).arg("reindex").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("two\\nlines.txt") && stderr.contains("rename the file"),
        "{stderr}"
    );
    let listing = common::stdout_of(common::sitrep(dir.path()).arg("sources"));
    let listing = String::from_utf8(listing).unwrap();
    assert!(
        listing.lines().any(|l| l.contains("two\\nlines.txt")) && !listing.contains("two\nlines"),
        "{listing}"
    );
    let answer = common::stdout_of(
        common::sitrep(dir.path()).args(["ask", "how many ships did the lighthouse keeper count?"]),
    );
    let answer = String::from_utf8(answer).unwrap();
    assert!(
        answer.contains("45") && !answer.contains('\x1b'),
        "{answer:?}"
    );
}

#[test]
fn an_error_is_said_once() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = common::sitrep(dir.path())
        .args(["sources", "import", "/nonexistent/archive.jsonl"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr.matches("No such file or directory").count(),
        1,
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
