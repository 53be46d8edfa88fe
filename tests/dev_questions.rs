//! The development questions (`fixtures/dev-questions.jsonl`, copied from shared/): every
//! answerable one answered with an accepted string from the expected source, every other
//! one answered with `answer: null`. Asked through `sitrep ask --jsonl`, one process.

mod common;

use serde_json::Value;

#[test]
fn dev_questions_are_answered_or_refused_correctly() {
    let dir = common::corpus_copy();
    let fixture = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/dev-questions.jsonl"
    ))
    .unwrap();
    let cases: Vec<Value> = fixture
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let answers = common::ask_jsonl(dir.path(), cases.iter().map(|c| c["q"].as_str().unwrap()));

    let mut failures = Vec::new();
    for (case, response) in cases.iter().zip(&answers) {
        let q = case["q"].as_str().unwrap();
        let answer = &response["answer"];
        let ok = match &case["expect"] {
            Value::Null => answer.is_null(),
            Value::Array(accepted) => {
                let found = |field: &str| {
                    let text = answer[field].as_str().unwrap_or("");
                    accepted.iter().any(|a| text.contains(a.as_str().unwrap()))
                };
                let source_ok = case["source"].as_str().is_none_or(|prefix| {
                    answer["source"]["id"]
                        .as_str()
                        .unwrap_or("")
                        .starts_with(prefix)
                });
                !answer.is_null() && (found("snippet") || found("text")) && source_ok
            }
            other => panic!("bad fixture expect: {other}"),
        };
        if !ok {
            failures.push(format!("{q}\n   got {answer}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} wrong:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
