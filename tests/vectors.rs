//! Sentence vectors: stored with the index, keyed by the sentence, so that a sentence is
//! embedded once; answers weigh meaning once they are there, and serve without them.

mod common;

use std::time::{Duration, Instant};

use sitrep::corpus::{self, Limits};
use sitrep::encoder::{self, Encoder};
use sitrep::index::{self, Change, Index, Layout, Live};

#[test]
fn a_sentence_is_embedded_once_whichever_generation_holds_it() {
    let dir = common::corpus_copy();
    let layout = Layout::new(dir.path());
    let encoder = Encoder::load(&encoder::shipped_model()).unwrap();
    index::build(&layout, Limits::default(), |_| {}).unwrap();
    let index = Index::open(&layout).unwrap().unwrap();
    let store = index
        .vectors()
        .expect("a writable index has a vector store");
    // A bounded call embeds some and leaves the index unfilled; the next goes on.
    assert_eq!(store.fill(&index, &encoder, 10, |_, _| {}).unwrap(), 10);
    assert!(!store.is_filled(&index).unwrap());
    let rest = store.fill(&index, &encoder, usize::MAX, |_, _| {}).unwrap();
    assert!(
        rest > 40,
        "embedded 10 + {rest} sentences of the shipped corpus"
    );
    assert!(store.is_filled(&index).unwrap());
    assert_eq!(
        store.fill(&index, &encoder, usize::MAX, |_, _| {}).unwrap(),
        0
    );

    // A rebuild is a new generation of the same sentences: nothing to embed.
    index::build(&layout, Limits::default(), |_| {}).unwrap();
    let rebuilt = Index::open(&layout).unwrap().unwrap();
    assert_ne!(rebuilt.generation(), index.generation());
    assert_eq!(
        store
            .fill(&rebuilt, &encoder, usize::MAX, |_, _| {})
            .unwrap(),
        0
    );

    // An update adds one article of two new sentences and one already known.
    let known = "Ukraine’s delegation is headed by Defence Minister Rustem Umerov, seen as pragmatic but currently facing domestic scrutiny over alleged misconduct.";
    let text = format!(
        "The ferry left the harbour at dawn.\n\n{known}\n\nIt carried 212 passengers across the bay."
    );
    let article =
        corpus::read_str("ferry".into(), "txt", &text, Limits::default().extract_time).unwrap();
    index::update(
        &layout,
        vec![Change::Add {
            article,
            file: "ferry.txt".into(),
        }],
        Limits::default(),
    )
    .unwrap();
    let updated = Index::open(&layout).unwrap().unwrap();
    assert_eq!(
        updated
            .vectors()
            .unwrap()
            .fill(&updated, &encoder, usize::MAX, |_, _| {})
            .unwrap(),
        2
    );
}

#[test]
fn a_serving_process_embeds_new_sentences_in_the_background() {
    let dir = common::corpus_copy();
    let live =
        std::sync::Arc::new(Live::open(Layout::new(dir.path()), Limits::default(), || {}).unwrap());
    // The lexical index serves at once, before any vector exists.
    assert!(
        !live
            .get()
            .vectors()
            .unwrap()
            .is_filled(&live.get())
            .unwrap()
    );
    let question = "how many drones were used?";
    let (response, features) = sitrep::answer::ask_with(&live.get(), question, 0.0).unwrap();
    assert_eq!(response.answer.unwrap().text.as_deref(), Some("117"));
    let by_words = features.unwrap().0.len();

    index::vectors::follow(live.clone(), Duration::from_millis(100));
    let started = Instant::now();
    while !live
        .get()
        .vectors()
        .unwrap()
        .is_filled(&live.get())
        .unwrap()
    {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "vectors never followed the index"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Now the answer weighs meaning too: its features gain the cosine of the question,
    // embedded beside the ranking.
    let (response, features) = sitrep::answer::ask_with(&live.get(), question, 0.0).unwrap();
    assert_eq!(response.answer.unwrap().text.as_deref(), Some("117"));
    assert_eq!(features.unwrap().0.len(), by_words + 1);
}

#[test]
fn without_a_model_answers_rest_on_words_alone() {
    let dir = common::corpus_copy();
    for (model, warning) in [("off", false), ("/nonexistent/model", true)] {
        let out = common::sitrep(dir.path())
            .env("SITREP_MODEL", model)
            .args(["ask", "--json", "how many drones were used?"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let response: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(response["answer"]["text"], "117");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.contains("answering without the sentence encoder"),
            warning,
            "{stderr}"
        );
    }
}

#[test]
fn a_question_asking_what_is_answered_by_meaning_where_words_say_little() {
    // The first sentence says the question's words; the second says what the crane did.
    let article = "The Lune harbour crane stands on the north quay of the Lune harbour, beside the harbour office.\n\nIt was built in 1911 to lift timber and coal from ships onto the railway wagons waiting on the quay.\n\nThe crane was restored in 1998, and the harbour trust now opens it to visitors on summer weekends.";
    let dir = common::corpus_with(&[("harbour-crane.txt", article)]);
    let question = "what did the crane do?";
    let snippet = |model: &str| {
        let out = common::stdout_of(
            common::sitrep(dir.path())
                .env("SITREP_MODEL", model)
                .args(["ask", "--json", question]),
        );
        let response: serde_json::Value = serde_json::from_slice(&out).unwrap();
        response["answer"]["snippet"].as_str().unwrap().to_string()
    };
    assert!(snippet("off").starts_with("The Lune harbour crane stands"));
    let by_meaning = snippet(&encoder::shipped_model().to_string_lossy());
    assert!(
        by_meaning.starts_with("It was built in 1911 to lift timber"),
        "{by_meaning}"
    );
}
