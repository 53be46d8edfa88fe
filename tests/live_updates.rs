//! Questions asked while the index changes: a full reindex (in this process and in
//! another) and incremental adds and removals run while other threads keep asking. Every
//! question the corpus answers must be answered each time — no error, no empty answer.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use sitrep::corpus::Limits;
use sitrep::index::{Layout, Live};
use sitrep::sources::Sources;
use sitrep::sources::fetch::{AllowInternal, Fetcher};
use sitrep::state::State;

const QUESTIONS: &[&str] = &[
    "how many drones were used?",
    "who leads Russia's delegation?",
    "how many Russian warplanes were hit?",
];

#[test]
fn questions_are_answered_throughout_reindexes_and_updates() {
    let dir = common::corpus_copy();
    let layout = Layout::new(dir.path());
    let live = Arc::new(Live::open(layout.clone(), Limits::default(), || {}).unwrap());
    let state = Arc::new(State::open(&dir.path().join("state.sqlite")).unwrap());
    let fetcher = Fetcher {
        allow_internal: AllowInternal::None,
        max_bytes: 10 << 20,
        timeout: Duration::from_secs(5),
    };
    let sources = Sources::new(live.clone(), state, fetcher, Duration::from_secs(600));

    let stop = Arc::new(AtomicBool::new(false));
    let asked = Arc::new(AtomicUsize::new(0));
    let askers: Vec<_> = (0..2)
        .map(|_| {
            let (live, stop, asked) = (live.clone(), stop.clone(), asked.clone());
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    for question in QUESTIONS {
                        match sitrep::answer::ask(&live.get(), question) {
                            Ok(response) if response.answer.is_some() => {}
                            Ok(_) => failures.push(format!("{question}: no answer")),
                            Err(error) => failures.push(format!("{question}: {error}")),
                        }
                        asked.fetch_add(1, Ordering::Relaxed);
                    }
                }
                failures
            })
        })
        .collect();

    // At least three rounds, and as many as it takes for the askers to ask 30 questions
    // while the index changes.
    for round in (0..).take_while(|&r| r < 3 || asked.load(Ordering::Relaxed) < 30) {
        let report = live.rebuild(|_| {}).unwrap();
        assert_eq!(report.skipped().count(), 0);
        let added = sources
            .add_file(
                &format!("update-{round}.md"),
                format!("# Update {round}\n\nCrews cleared debris from the rail line near the bridge on day {round} of the repairs, officials said.\n").as_bytes(),
                "test",
            )
            .unwrap();
        // Another process rebuilds too, while this one removes what it just added.
        let mut other = std::process::Command::new(assert_cmd::cargo::cargo_bin("sitrep"))
            .arg("--index")
            .arg(dir.path())
            .arg("reindex")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        sources.remove(&added.id).unwrap();
        other.wait().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    let failures: Vec<String> = askers.into_iter().flat_map(|a| a.join().unwrap()).collect();
    assert!(failures.is_empty(), "{failures:#?}");
    let asked = asked.load(Ordering::Relaxed);
    assert!(asked >= 30, "only {asked} questions were asked");
    eprintln!("{asked} questions answered while the index changed");
    // The removals stuck: only the shipped sources are left.
    assert_eq!(live.get().report().sources.len(), 3);
}
