//! End-to-end tests of the command line over the shipped corpus.

mod common;

use predicates::prelude::*;
use serde_json::Value;

#[test]
fn first_command_builds_the_index_and_says_so() {
    let dir = common::corpus_copy();
    common::sitrep(dir.path())
        .args(["ask", "how many drones were used?"])
        .assert()
        .success()
        .stderr(predicate::str::contains("building it from"))
        .stdout(
            predicate::str::contains("**117**")
                .and(predicate::str::contains("001_00b9a17dd418843e, 2025-06-02")),
        );
    // The second run finds the built index and is quiet.
    common::sitrep(dir.path())
        .args(["ask", "how many drones were used?"])
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
}

#[test]
fn json_answer_follows_the_contract() {
    let dir = common::corpus_copy();
    let r = common::ask_json(dir.path(), "who leads Russia's delegation?");
    let mut keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["also", "answer", "question", "related"]);
    let answer = &r["answer"];
    assert_eq!(answer["text"], "Vladimir Medinsky");
    assert_eq!(answer["source"]["id"], "002_e3d4d459c0d831ce");
    assert_eq!(
        answer["source"]["published"], "2025-06",
        "month precision is kept"
    );
    for key in ["outlet", "title", "url"] {
        assert!(
            answer["source"].get(key).is_some(),
            "source.{key} is always present"
        );
    }
    assert!(answer["score"].is_f64() && answer["passage"].is_u64());
    let body = common::extracted_body("002_e3d4d459c0d831ce");
    assert!(
        body.contains(answer["snippet"].as_str().unwrap()),
        "snippet is verbatim"
    );
}

#[test]
fn boilerplate_is_never_an_answer() {
    let dir = common::corpus_copy();
    for q in [
        "how many COVID-19 deaths were reported in India?",
        "what did Shashi Tharoor say about terror?",
        "how many tanks were destroyed?",
    ] {
        let r = common::ask_json(dir.path(), q);
        assert!(r["answer"].is_null(), "{q}: {}", r["answer"]);
        for related in r["related"].as_array().unwrap() {
            let snippet = related["snippet"].as_str().unwrap();
            assert!(
                !snippet.contains("COVID") && !snippet.contains("Tharoor"),
                "{snippet}"
            );
        }
    }
}

#[test]
fn differing_sources_are_shown() {
    let dir = common::corpus_copy();
    let r = common::ask_json(dir.path(), "how many Russian warplanes were hit?");
    assert_eq!(r["answer"]["text"], "41");
    let also: Vec<(&str, bool)> = r["also"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["text"].as_str().unwrap(), a["agrees"].as_bool().unwrap()))
        .collect();
    assert!(also.contains(&("around 40", false)), "{also:?}");
    assert!(also.contains(&("dozens", false)), "{also:?}");
    common::sitrep(dir.path())
        .args(["ask", "how many Russian warplanes were hit?"])
        .assert()
        .stdout(predicate::str::contains("Sources differ: 41 [1]"));
}

#[test]
fn relative_dates_are_resolved_against_publication() {
    let dir = common::corpus_copy();
    let r = common::ask_json(
        dir.path(),
        "when did Ukraine attack the bombers in Siberia?",
    );
    assert_eq!(r["answer"]["text"], "Sunday");
    assert_eq!(r["answer"]["date"], "2025-06-01");
}

#[test]
fn transliterated_names_still_match() {
    let dir = common::corpus_copy();
    // The corpus spells him Zelensky and Zelenskiy; users also write Zelenskyy. However it
    // is spelt, the question finds the sentence that quotes him, and is answered alike (here
    // refused: another report has Zelensky "call" for a meeting).
    let found: Vec<(bool, String)> = ["Zelensky", "Zelenskiy", "Zelenskyy"]
        .iter()
        .map(|name| {
            let r = common::ask_json(dir.path(), &format!("what did {name} call the outcome?"));
            let answered = !r["answer"].is_null();
            let best = if answered {
                &r["answer"]
            } else {
                &r["related"][0]
            };
            assert_eq!(best["source"]["id"], "001_00b9a17dd418843e", "{name}: {r}");
            (answered, best["snippet"].as_str().unwrap_or("").to_string())
        })
        .collect();
    assert!(found.iter().all(|f| f == &found[0]), "{found:?}");
    assert!(
        found[0].1.contains("absolutely brilliant outcome"),
        "{found:?}"
    );
}

#[test]
fn query_syntax_in_questions_is_plain_text() {
    let dir = common::corpus_copy();
    for q in [
        r#"how many "drones" were used? (AND *)"#,
        r#"how many drones: "used" OR ~ ^ [ \"#,
    ] {
        let r = common::ask_json(dir.path(), q);
        assert_eq!(r["answer"]["text"], "117", "{q}");
    }
}

#[test]
fn bad_questions_get_clear_messages() {
    let dir = common::corpus_copy();
    common::sitrep(dir.path())
        .args(["ask", "   "])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the question is empty"));
    common::sitrep(dir.path())
        .args(["ask", &"why ".repeat(2560)])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("keep it under 500"));
    // In JSON lines mode a bad line becomes an error object, and the rest are answered.
    let out = common::sitrep(dir.path())
        .args(["ask", "--jsonl"])
        .write_stdin("\nhow many drones were used?\n")
        .output()
        .unwrap();
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0]["error"].as_str().unwrap().contains("empty"));
    assert_eq!(lines[1]["answer"]["text"], "117");
}

#[test]
fn search_ranks_and_highlights_passages() {
    let dir = common::corpus_copy();
    let out = common::sitrep(dir.path())
        .args(["search", "--json", "--limit", "2", "Spider's (Web) drones"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let found: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(found[0]["source"]["id"], "001_00b9a17dd418843e");
    let text = found[0]["text"].as_str().unwrap();
    let highlighted: Vec<&str> = found[0]["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &text[r["start"].as_u64().unwrap() as usize..r["end"].as_u64().unwrap() as usize])
        .collect();
    assert_eq!(highlighted, ["Spider", "Web"]);
}

#[test]
fn equal_scores_rank_by_source_whatever_the_index_layout() {
    // Forty passages that score the same for "harbour", archived in shuffled order: the
    // index's own document order is no help.
    let dir = tempfile::TempDir::new().unwrap();
    let sources = dir.path().join("sources");
    std::fs::create_dir(&sources).unwrap();
    let archive: String = (0..40)
        .map(|k| (k * 17) % 40)
        .map(|n| {
            format!("{{\"id\": \"s{n:02}\", \"text\": \"The harbour at pier{n:02} is closed.\"}}\n")
        })
        .collect();
    std::fs::write(sources.join("archive.jsonl"), archive).unwrap();
    for limit in [5, 12] {
        let out = common::stdout_of(common::sitrep(dir.path()).args([
            "search",
            "--json",
            "--limit",
            &limit.to_string(),
            "harbour",
        ]));
        let found: Vec<Value> = serde_json::from_slice(&out).unwrap();
        let ids: Vec<&str> = found
            .iter()
            .map(|f| f["source"]["id"].as_str().unwrap())
            .collect();
        let expected: Vec<String> = (0..limit).map(|n| format!("s{n:02}")).collect();
        assert_eq!(ids, expected);
    }
}

#[test]
fn sources_lists_metadata_and_reindex_summarises() {
    let dir = common::corpus_copy();
    let out = common::sitrep(dir.path())
        .args(["sources", "--json"])
        .output()
        .unwrap();
    let sources: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let rows: Vec<(&str, &Value, &Value, u64)> = sources
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap(),
                &s["published"],
                &s["outlet"],
                s["passages"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].0, "000_9beaa712d3d59ab0");
    assert_eq!(rows[0].2, "KashmirPEN");
    assert_eq!(rows[1].1, "2025-06-02");
    assert_eq!(rows[2].1, "2025-06");
    assert!(rows.iter().all(|r| r.3 > 5));
    common::sitrep(dir.path())
        .arg("reindex")
        .assert()
        .success()
        .stdout(
            predicate::str::is_match(
                r"^3 sources, \d+ passages, [\d.]+ kB of text indexed in [\d.]+ s\n$",
            )
            .unwrap(),
        );
}

#[test]
fn console_speaks_the_chat_commands() {
    let dir = common::corpus_copy();
    common::sitrep(dir.path())
        .arg("chat")
        .write_stdin("help\nask who heads Ukraine's delegation?\nsources remove\nwhat is the population of Brazil?\nquit\nask never reached\n")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("ask <question>")
                .and(predicate::str::contains("**Rustem Umerov**"))
                .and(predicate::str::contains(
                    "usage: sources | sources add <url> | sources remove <id>",
                ))
                .and(predicate::str::contains("No answer"))
                .and(predicate::str::contains("never reached").not()),
        );
}

#[test]
fn every_command_has_help() {
    for command in ["ask", "search", "sources", "reindex", "chat"] {
        assert_cmd::Command::cargo_bin("sitrep")
            .unwrap()
            .args([command, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage: sitrep"));
    }
}

#[test]
fn sources_add_and_remove_print_json_when_asked() {
    let dir = common::corpus_copy();
    let upload = dir.path().join("ferry.txt");
    std::fs::write(
        &upload,
        "The ferry carried 212 passengers across the bay on Tuesday, the harbour master said.\n",
    )
    .unwrap();
    let added: serde_json::Value = serde_json::from_slice(&common::stdout_of(
        common::sitrep(dir.path())
            .args(["sources", "--json", "add"])
            .arg(&upload),
    ))
    .expect("sources --json add prints JSON");
    let id = added["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("ferry"), "{added}");
    assert_eq!(added["passages"], 1, "{added}");

    let removed: serde_json::Value = serde_json::from_slice(&common::stdout_of(
        common::sitrep(dir.path()).args(["sources", "--json", "remove", &id]),
    ))
    .expect("sources --json remove prints JSON");
    assert_eq!(removed, serde_json::json!({ "removed": id }));
}
