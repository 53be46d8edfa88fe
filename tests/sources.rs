//! Sources from the web, end to end: a real HTTP server on loopback serves article pages
//! and an RSS feed that changes between polls; `sitrep sources …` fetches, refuses, polls.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{BRIDGE, NewsSite};

/// `sitrep` allowed to fetch from the loopback server (and nothing else internal).
fn sitrep(index: &Path) -> assert_cmd::Command {
    let mut cmd = common::sitrep(index);
    cmd.env("SITREP_FETCH_ALLOW_PRIVATE", "127.0.0.1")
        .env("SITREP_POLL_INTERVAL", "1")
        .env_remove("SITREP_STATE");
    cmd
}

fn run(cmd: &mut assert_cmd::Command) -> (bool, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn sources_json(index: &Path) -> Vec<serde_json::Value> {
    let (ok, out, err) = run(sitrep(index).args(["sources", "--json"]));
    assert!(ok, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn a_page_is_extracted_stored_as_a_file_and_answers_questions() {
    let site = NewsSite::start();
    site.publish("/news/bridge.html", "Desna bridge reopens", BRIDGE, false);
    let dir = common::corpus_copy();
    // Through a redirect, which is followed and checked like the first request.
    let (ok, out, err) =
        run(sitrep(dir.path()).args(["sources", "add", &format!("{}/to-article", site.url)]));
    assert!(ok, "{err}");
    assert!(out.starts_with("Added "), "{out}");

    let added = sources_json(dir.path())
        .into_iter()
        .find(|s| s["file"].as_str().unwrap().ends_with(".md"))
        .expect("a new source");
    assert!(
        added["title"]
            .as_str()
            .unwrap()
            .contains("Desna bridge reopens")
    );
    assert_eq!(added["outlet"], "Loopback Wire");
    assert_eq!(added["published"], "2025-06-03");
    assert_eq!(added["url"], format!("{}/news/bridge.html", site.url));
    assert_eq!(
        added["passages"], 1,
        "the article's three short paragraphs make one passage, navigation none: {added}"
    );

    // The file is readable Markdown with where and when it came from.
    let file = dir
        .path()
        .join("sources")
        .join(added["file"].as_str().unwrap());
    let text = std::fs::read_to_string(file).unwrap();
    for field in ["url:", "fetched:", "added_by:", "author:"] {
        assert!(text.contains(field), "{field} missing from:\n{text}");
    }
    assert!(!text.contains("Sport"), "navigation was stored:\n{text}");

    let answer = common::ask_json(dir.path(), "how many workers repaired the bridge?");
    assert_eq!(answer["answer"]["text"], "212", "{answer}");
    assert_eq!(answer["answer"]["source"]["id"], added["id"]);

    // The same URL again is a duplicate, said so.
    let (ok, _, err) =
        run(sitrep(dir.path()).args(["sources", "add", &format!("{}/news/bridge.html", site.url)]));
    assert!(!ok && err.contains("already a source"), "{err}");
}

#[test]
fn unsafe_and_unusable_urls_are_refused_with_reasons() {
    let site = NewsSite::start();
    let dir = common::corpus_copy();
    let refused = |url: &str, allow: &str, expect: &[&str]| {
        let (ok, out, err) = run(sitrep(dir.path())
            .env("SITREP_FETCH_ALLOW_PRIVATE", allow)
            .env("SITREP_MAX_SOURCE_MB", "1")
            .args(["sources", "add", url]));
        assert!(!ok, "{url} was accepted: {out}");
        for word in expect {
            assert!(err.contains(word), "{url}: {err:?} lacks {word:?}");
        }
    };
    let site_url = |path: &str| format!("{}{path}", site.url);
    refused(&site_url("/big.html"), "127.0.0.1", &["over the", "limit"]);
    refused(
        &site_url("/image.png"),
        "127.0.0.1",
        &["content type image/png", "not a web page"],
    );
    refused(
        &site_url("/to-private"),
        "127.0.0.1",
        &["10.0.0.1", "private address"],
    );
    refused(
        "http://169.254.169.254/latest/meta-data/",
        "127.0.0.1",
        &["169.254.169.254", "link-local (cloud metadata)"],
    );
    refused(
        &site_url("/news/none.html"),
        "false",
        &["127.0.0.1", "loopback"],
    );
    refused("file:///etc/passwd", "true", &["only http and https"]);
    refused(&site_url("/to-file"), "127.0.0.1", &["only http and https"]);
    refused(&site_url("/missing.html"), "127.0.0.1", &["answered 404"]);
    // Nothing was added, and the index still answers.
    assert_eq!(sources_json(dir.path()).len(), 3);
    let answer = common::ask_json(dir.path(), "how many drones were used?");
    assert!(!answer["answer"].is_null());
}

#[test]
fn feed_entries_are_added_once_and_a_failing_feed_backs_off_then_recovers() {
    let site = NewsSite::start();
    site.publish("/news/bridge.html", "Desna bridge reopens", BRIDGE, true);
    let dir = common::corpus_copy();
    let feed = format!("{}/feed.xml", site.url);
    let (ok, out, err) = run(sitrep(dir.path()).args(["sources", "add", "--feed", &feed]));
    assert!(ok, "{err}");
    assert!(out.contains("1 new articles"), "{out}");
    let count = |site: &NewsSite| site.state.lock().unwrap().feed_requests;
    let poll = || {
        let (ok, out, err) = run(sitrep(dir.path()).args(["sources", "poll"]));
        assert!(ok, "{err}");
        out
    };

    let before = count(&site);

    // Due, unchanged: a conditional request, nothing added.
    std::thread::sleep(Duration::from_millis(1100));
    assert!(poll().contains("0 added"));
    assert_eq!(count(&site), before + 1);

    // A new entry is added once; the old one is not fetched again.
    site.publish(
        "/news/talks.html",
        "Talks end after an hour",
        &[
            "The second round of talks in Istanbul ended after about an hour, a Turkish official said on Monday.",
            "Both delegations agreed to exchange all severely wounded prisoners and the bodies of 6,000 soldiers.",
        ],
        true,
    );
    std::thread::sleep(Duration::from_millis(1100));
    assert!(poll().contains("1 added"));
    std::thread::sleep(Duration::from_millis(1100));
    assert!(poll().contains("0 added"));
    assert_eq!(sources_json(dir.path()).len(), 5);

    // Failures back off: 2 s after the first, 4 s after the second.
    site.state.lock().unwrap().feed_broken = true;
    std::thread::sleep(Duration::from_millis(1100));
    assert!(poll().contains("answered 500"));
    let (_, listing, _) = run(sitrep(dir.path()).arg("sources"));
    assert!(listing.contains("last error (1 in a row)"), "{listing}");
    // Times are whole seconds: waits leave a margin on either side of each boundary.
    let after_failure = count(&site);
    assert_eq!(poll(), "", "polled again before the back-off ended");
    assert_eq!(count(&site), after_failure);
    std::thread::sleep(Duration::from_millis(2100));
    assert!(poll().contains("answered 500"));
    let after_second = count(&site);
    std::thread::sleep(Duration::from_millis(2100));
    assert_eq!(poll(), "", "the second back-off is longer than the first");
    assert_eq!(count(&site), after_second);

    // It recovers once the feed does.
    site.state.lock().unwrap().feed_broken = false;
    std::thread::sleep(Duration::from_millis(2100));
    assert!(poll().contains("0 added"));
    let (_, listing, _) = run(sitrep(dir.path()).arg("sources"));
    assert!(!listing.contains("last error"), "{listing}");
}

#[test]
fn a_reprinted_wire_story_is_cited_once_as_also_reported() {
    let dir = common::corpus_copy();
    let wire = "---\ntitle: Talks end\noutlet: Wire One\ndate: 2025-06-03\n---\n\nThe second round of talks in Istanbul ended after about an hour, a Turkish official said on Monday, and both sides agreed to swap 1,200 prisoners.\n";
    let reprint = "---\ntitle: Istanbul talks end quickly\noutlet: Daily Two\ndate: 2025-06-03\n---\n\nISTANBUL (Wire One) - The second round of talks in Istanbul ended after about an hour, a Turkish official said on Monday, and both sides agreed to swap 1,200 prisoners.\n";
    for (name, text) in [("wire.md", wire), ("reprint.md", reprint)] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let (ok, _, err) = run(sitrep(dir.path()).args(["sources", "add", path.to_str().unwrap()]));
        assert!(ok, "{err}");
    }
    let answer = common::ask_json(dir.path(), "how many prisoners will be swapped?");
    let cited = answer["answer"]["source"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let copies = answer["answer"]["also_reported_by"]
        .as_array()
        .expect("copies folded");
    let copy = copies[0]["id"].as_str().unwrap();
    assert_eq!(
        {
            let mut both = [cited.as_str(), copy];
            both.sort();
            both
        },
        ["reprint", "wire"],
        "{answer}"
    );
    assert!(
        answer["also"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["source"]["id"] != copy),
        "the copy is not repeated: {answer}"
    );
}

#[test]
fn a_standing_question_posts_when_a_new_source_gives_another_figure() {
    let dir = common::corpus_copy();
    let chat = |input: &str| {
        let (ok, out, err) = run(sitrep(dir.path()).arg("chat").write_stdin(input));
        assert!(ok, "{err}");
        out
    };
    let out = chat("track ask how many Russian warplanes were hit?\n");
    assert!(out.contains("Tracking #1"), "{out}");
    // Nothing new: no alert.
    assert!(!chat("help\n").contains("changed"));

    let path = dir.path().join("ministry.md");
    std::fs::write(
        &path,
        "---\ntitle: Ministry disputes losses\noutlet: Moscow Daily\ndate: 2025-06-03\n---\n\nRussia's defence ministry said on Tuesday that only 12 Russian warplanes were hit in the drone attacks, far fewer than Kyiv claimed.\n",
    )
    .unwrap();
    let (ok, _, err) = run(sitrep(dir.path()).args(["sources", "add", path.to_str().unwrap()]));
    assert!(ok, "{err}");

    let out = chat("help\n");
    assert!(
        out.contains("The answer to “how many Russian warplanes were hit?” changed"),
        "{out}"
    );
    assert!(out.contains("12"), "{out}");
    assert!(
        out.contains("Moscow Daily"),
        "the new source is cited: {out}"
    );
    assert_eq!(
        out.matches("A total of 41 Russian warplanes").count(),
        1,
        "the old answer is quoted once: {out}"
    );
    // Posted once.
    assert!(!chat("help\n").contains("changed"));
}
