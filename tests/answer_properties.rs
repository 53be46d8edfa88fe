//! Whatever is asked, the engine does not panic, and every snippet it returns is a
//! verbatim slice of the cited source's extracted text.

mod common;

use std::collections::HashMap;

use proptest::prelude::*;
use sitrep::corpus::Limits;
use sitrep::index::{self, Index, Layout};

fn shipped_index() -> (tempfile::TempDir, Index, HashMap<String, String>) {
    let dir = common::corpus_copy();
    let layout = Layout::new(dir.path());
    index::build(&layout, Limits::default(), |_| {}).unwrap();
    let index = Index::open(&layout).unwrap().unwrap();
    let bodies = index
        .report()
        .sources
        .iter()
        .map(|s| (s.id.clone(), common::extracted_body(&s.id)))
        .collect();
    (dir, index, bodies)
}

const WORDS: &[&str] = &[
    "who",
    "what",
    "when",
    "where",
    "how",
    "many",
    "much",
    "long",
    "did",
    "was",
    "the",
    "Russia's",
    "Ukraine",
    "delegation",
    "drones",
    "talks",
    "Istanbul",
    "damage",
    "$7",
    "billion",
    "bombers",
    "Sunday",
    "\"",
    ":",
    "(",
    ")",
    "AND",
    "*",
    "OR",
    "@everyone",
    "—",
    "’",
    "?",
    "41",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn answers_are_verbatim_and_never_panic(words in proptest::collection::vec(proptest::sample::select(WORDS), 0..12), noise in "\\PC{0,20}") {
        static SHARED: std::sync::OnceLock<(tempfile::TempDir, Index, HashMap<String, String>)> = std::sync::OnceLock::new();
        let (_, index, bodies) = SHARED.get_or_init(shipped_index);
        let question = format!("{} {noise}", words.join(" "));
        if let Ok(response) = sitrep::answer::ask(index, &question) {
            for cited in response.answer.iter().chain(&response.also).chain(&response.related) {
                let body = &bodies[&cited.source.id];
                prop_assert!(body.contains(&cited.snippet), "{:?} not in {}", cited.snippet, cited.source.id);
                if let (Some(text), Some(span)) = (&cited.text, &cited.span) {
                    prop_assert_eq!(&cited.snippet[span.clone()], text.as_str());
                }
            }
        }
    }
}
