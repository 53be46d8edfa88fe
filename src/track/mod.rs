//! Tracking: standing searches and standing questions of a channel, matched against what
//! each index update added, with the alerts kept in an outbox in the state file.
//!
//! After an update, `sync` finds the sources whose text is new (by digest), matches their
//! passages, and in one transaction writes the alerts and marks the sources seen — so a
//! crash loses nothing and matches nothing twice. Adapters deliver pending alerts with the
//! alert id as the platform's idempotency key (Discord nonce, Matrix transaction id) and
//! then mark them delivered, so a crash between sending and marking sends no duplicate.

mod brief;

use std::collections::HashSet;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::answer::{self, AskError, Response};
use crate::corpus::Fingerprint;
use crate::index::{Hit, Index, IndexError, Pointer, SourceInfo, analyzer};
use crate::state::{self, Matching, State, StateError};

pub use crate::state::{Kind, Subscription};

pub use brief::{Brief, Story, brief, parse_since};

/// How many earlier alerts of a subscription a new passage is compared with for copies.
const RECENT_FOR_COPIES: usize = 200;

/// Where alerts go: a platform and a channel (room) on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    pub platform: String,
    pub id: String,
}

/// A quoted passage or answer with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    pub source: SourceInfo,
    pub passage: u64,
    /// The quoted text: the passage, or the answer's snippet.
    pub text: String,
    /// The answer span, for answers.
    pub answer: Option<String>,
    /// Other outlets that carry the same (syndicated) text.
    #[serde(default)]
    pub also_reported_by: Vec<SourceInfo>,
}

/// What an alert says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AlertBody {
    /// A new passage matches a standing search.
    Passage { query: String, quote: Quote },
    /// More passages matched than one update may post.
    More { query: String, count: usize },
    /// A standing question's answer changed.
    AnswerChanged {
        question: String,
        old: Option<Box<Quote>>,
        new: Option<Box<Quote>>,
        /// Sources whose figure differs from the new answer.
        differing: Vec<Quote>,
    },
}

/// An alert waiting in the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub id: i64,
    pub subscription: i64,
    pub channel: Channel,
    pub body: AlertBody,
}

/// Why tracking failed.
#[derive(Debug, thiserror::Error)]
pub enum TrackError {
    /// The state file failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// The index failed.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// The question or query cannot be tracked as it is; the message is for the user.
    #[error("{0}")]
    Unusable(String),
}

/// Subscriptions and the alert outbox.
pub struct Tracker {
    state: Arc<State>,
    /// The index revision this process last matched: the bots call `sync` every few
    /// seconds, and an unchanged index has nothing new.
    synced: std::sync::Mutex<Option<Pointer>>,
    /// Passages posted per subscription and update; the rest are summed up in one line.
    max_per_update: usize,
}

impl Tracker {
    pub fn new(state: Arc<State>, max_per_update: usize) -> Self {
        Tracker {
            state,
            synced: std::sync::Mutex::new(None),
            max_per_update: max_per_update.max(1),
        }
    }

    /// Whether tracking cannot work now: the state file could not be opened.
    pub fn unavailable(&self) -> bool {
        self.state.unavailable().is_some()
    }

    /// Adds a standing search or question for a channel. Everything already indexed counts
    /// as seen: only later reporting alerts.
    pub fn subscribe(
        &self,
        index: &Index,
        channel: &Channel,
        kind: Kind,
        query: &str,
        created_by: &str,
    ) -> Result<Subscription, TrackError> {
        let query = query.trim();
        let answer = match kind {
            Kind::Search if search_terms(query).is_empty() => {
                return Err(TrackError::Unusable(
                    "that query has no words to look for (only common words like \"the\")".into(),
                ));
            }
            Kind::Search => None,
            Kind::Question => Some(self.current_answer(index, query)?),
        };
        self.sync(index)?;
        let answer = answer.map(|a| serde_json::to_string(&a).expect("an answer serializes"));
        Ok(self.state.add_subscription(
            kind,
            &channel.platform,
            &channel.id,
            query,
            created_by,
            answer.as_deref(),
        )?)
    }

    /// The subscriptions of a channel.
    pub fn list(&self, channel: &Channel) -> Result<Vec<Subscription>, TrackError> {
        Ok(self
            .state
            .subscriptions_of(&channel.platform, &channel.id)?)
    }

    /// Removes a subscription of this channel (and its undelivered alerts). `false`: the
    /// channel has no such subscription.
    pub fn unsubscribe(&self, channel: &Channel, id: i64) -> Result<bool, TrackError> {
        Ok(self
            .state
            .remove_subscription(&channel.platform, &channel.id, id)?)
    }

    /// Matches what the index has that tracking has not seen yet, and queues the alerts.
    /// Safe to call from any process at any time: it is one transaction. Returns how many
    /// alerts were queued.
    pub fn sync(&self, index: &Index) -> Result<usize, TrackError> {
        let mut synced = self.synced.lock().unwrap_or_else(|e| e.into_inner());
        if synced.as_ref() == Some(index.pointer()) {
            return Ok(0);
        }
        let queued = self.match_new_sources(index)?;
        *synced = Some(index.pointer().clone());
        Ok(queued)
    }

    fn match_new_sources(&self, index: &Index) -> Result<usize, TrackError> {
        self.state.matching(|matching| {
            let seen = matching.seen()?;
            let new: Vec<_> = index
                .report()
                .sources
                .iter()
                .filter_map(|s| Some((s, s.digest.as_deref()?)))
                .filter(|(s, digest)| seen.get(&s.id).map(String::as_str) != Some(*digest))
                .collect();
            if new.is_empty() {
                return Ok(0);
            }
            let subscriptions = matching.subscriptions()?;
            let mut queued = 0;
            if !subscriptions.is_empty() {
                let mut passages = Vec::new();
                for (source, _) in &new {
                    passages.extend(index.passages_of(&source.id)?);
                }
                for (subscription, answer) in &subscriptions {
                    queued += match subscription.kind {
                        Kind::Search => self.queue_passages(matching, subscription, &passages)?,
                        Kind::Question => self.queue_answer_change(
                            matching,
                            index,
                            subscription,
                            answer.as_deref(),
                        )?,
                    };
                }
            }
            for (source, digest) in &new {
                matching.mark_seen(&source.id, digest)?;
            }
            Ok(queued)
        })
    }

    /// Queues the new passages that match a standing search, copies folded.
    fn queue_passages(
        &self,
        matching: &Matching,
        subscription: &Subscription,
        passages: &[Hit],
    ) -> Result<usize, TrackError> {
        let terms = search_terms(&subscription.query);
        let hits = passages.iter().filter(|hit| {
            let found: HashSet<String> = analyzer::terms(&hit.text)
                .into_iter()
                .map(|t| t.term)
                .collect();
            terms.iter().all(|t| found.contains(t))
        });
        // Earlier alerts of this subscription: a reprint of one of them is not news.
        let earlier: Vec<Fingerprint> = matching
            .recent_alerts(subscription.id, RECENT_FOR_COPIES)?
            .iter()
            .filter_map(|body| match serde_json::from_str(body) {
                Ok(AlertBody::Passage { quote, .. }) => Some(Fingerprint::of(&quote.text)),
                _ => None,
            })
            .collect();
        let mut quotes: Vec<(Quote, Fingerprint)> = Vec::new();
        for hit in hits {
            let fingerprint = Fingerprint::of(&hit.text);
            if earlier.iter().any(|f| f.is_copy(&fingerprint)) {
                continue;
            }
            match quotes.iter_mut().find(|(_, f)| f.is_copy(&fingerprint)) {
                Some((quote, _)) => {
                    if quote.source.id != hit.source.id
                        && !quote.also_reported_by.contains(&hit.source)
                    {
                        quote.also_reported_by.push((*hit.source).clone());
                    }
                }
                None => quotes.push((
                    Quote {
                        source: (*hit.source).clone(),
                        passage: hit.passage,
                        text: hit.text.clone(),
                        answer: None,
                        also_reported_by: Vec::new(),
                    },
                    fingerprint,
                )),
            }
        }
        let mut queued = 0;
        let extra = quotes.len().saturating_sub(self.max_per_update);
        for (quote, _) in quotes.into_iter().take(self.max_per_update) {
            // The key is the text: the same passage is never posted twice, even re-added.
            let key = blake3::hash(quote.text.as_bytes()).to_hex()[..32].to_string();
            let body = AlertBody::Passage {
                query: subscription.query.clone(),
                quote,
            };
            queued += self.queue(matching, subscription, &key, &body)?;
        }
        if extra > 0 {
            let body = AlertBody::More {
                query: subscription.query.clone(),
                count: extra,
            };
            let key = format!("more-{}-{}", state::now(), queued);
            queued += self.queue(matching, subscription, &key, &body)?;
        }
        Ok(queued)
    }

    /// Re-asks a standing question and queues an alert if the answer changed.
    fn queue_answer_change(
        &self,
        matching: &Matching,
        index: &Index,
        subscription: &Subscription,
        old: Option<&str>,
    ) -> Result<usize, TrackError> {
        let old: Option<Remembered> = old.and_then(|a| serde_json::from_str(a).ok());
        let new = self.current_answer(index, &subscription.query)?;
        let old_answer = old.as_ref().and_then(|o| o.answer.as_ref());
        let old_differing: HashSet<&str> = old
            .iter()
            .flat_map(|o| o.differing.iter().map(|q| q.source.id.as_str()))
            .collect();
        let new_figure = match (old_answer, &new.answer) {
            (Some(a), Some(b)) => normalized(a) != normalized(b),
            (None, None) => false,
            _ => true,
        };
        let new_disagreement = new
            .differing
            .iter()
            .any(|q| !old_differing.contains(q.source.id.as_str()));
        if !new_figure && !new_disagreement {
            return Ok(0);
        }
        // The old answer is shown once, as "before", not again among the dissenters.
        let differing = new
            .differing
            .iter()
            .filter(|q| old_answer.is_none_or(|o| o.source.id != q.source.id || o.text != q.text))
            .cloned()
            .collect();
        let body = AlertBody::AnswerChanged {
            question: subscription.query.clone(),
            old: old.and_then(|o| o.answer).map(Box::new),
            new: new.answer.clone().map(Box::new),
            differing,
        };
        let key = format!(
            "answer-{}",
            blake3::hash(serde_json::to_string(&body).expect("serializes").as_bytes()).to_hex()
        );
        matching.remember_answer(
            subscription.id,
            &serde_json::to_string(&new).expect("serializes"),
        )?;
        self.queue(matching, subscription, &key, &body)
    }

    fn current_answer(&self, index: &Index, question: &str) -> Result<Remembered, TrackError> {
        let response = match answer::ask(index, question) {
            Ok(response) => response,
            Err(AskError::Question(e)) => return Err(TrackError::Unusable(e.to_string())),
            Err(AskError::Index(e)) => return Err(e.into()),
        };
        Ok(Remembered::of(&response))
    }

    fn queue(
        &self,
        matching: &Matching,
        subscription: &Subscription,
        key: &str,
        body: &AlertBody,
    ) -> Result<usize, TrackError> {
        let body = serde_json::to_string(body).expect("an alert serializes");
        Ok(usize::from(matching.queue_alert(
            subscription,
            key,
            &body,
        )?))
    }

    /// Alerts not yet delivered on a platform, oldest first.
    pub fn pending(&self, platform: &str) -> Result<Vec<Alert>, TrackError> {
        Ok(self
            .state
            .pending_alerts(platform)?
            .into_iter()
            .filter_map(|stored| {
                let body = serde_json::from_str(&stored.body)
                    .inspect_err(
                        |error| tracing::error!(alert = stored.id, %error, "unreadable alert"),
                    )
                    .ok()?;
                Some(Alert {
                    id: stored.id,
                    subscription: stored.subscription,
                    channel: Channel {
                        platform: platform.to_string(),
                        id: stored.channel,
                    },
                    body,
                })
            })
            .collect())
    }

    /// Marks an alert delivered (the platform accepted it).
    pub fn delivered(&self, alert: i64) -> Result<(), TrackError> {
        Ok(self.state.alert_delivered(alert)?)
    }

    /// When tracking first saw each source (Unix seconds), for `brief`.
    fn first_seen(&self) -> Result<std::collections::HashMap<String, i64>, TrackError> {
        Ok(self.state.first_seen()?)
    }
}

/// A standing question's answer as remembered between updates.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Remembered {
    answer: Option<Quote>,
    differing: Vec<Quote>,
}

impl Remembered {
    fn of(response: &Response) -> Self {
        let quote = |c: &answer::Cited| Quote {
            source: c.source.clone(),
            passage: c.passage,
            text: c.snippet.clone(),
            answer: c.text.clone(),
            also_reported_by: Vec::new(),
        };
        Remembered {
            answer: response.answer.as_ref().map(quote),
            differing: response
                .also
                .iter()
                .filter(|c| c.agrees == Some(false))
                .map(quote)
                .collect(),
        }
    }
}

/// What identifies an answer: its span, else its sentence, without case or punctuation.
fn normalized(quote: &Quote) -> String {
    quote
        .answer
        .as_deref()
        .unwrap_or(&quote.text)
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The analyzed words a passage must contain to match a standing search.
fn search_terms(query: &str) -> Vec<String> {
    let mut terms: Vec<String> = analyzer::terms(query)
        .into_iter()
        .filter(|t| !crate::lexicon::is_stop_word(&query[t.range.clone()].to_lowercase()))
        .map(|t| t.term)
        .collect();
    terms.sort();
    terms.dedup();
    terms
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Fixture, article};

    const BRIDGE: &str = "Crews began repairs on the Crimean bridge on Tuesday, officials said.";

    fn console() -> Channel {
        Channel {
            platform: "console".into(),
            id: "newsroom".into(),
        }
    }

    fn fixture() -> Fixture {
        Fixture::new(&[(
            "strike.md",
            &article(
                "Drones strike airbases",
                "Kyiv Post",
                "2025-06-01",
                &[
                    "Ukraine's security service said 117 drones were used in the operation.",
                    "An earlier attack had damaged the Crimean bridge in 2023.",
                ],
            ),
        )])
    }

    fn add(fixture: &Fixture, name: &str, outlet: &str, paragraphs: &[&str]) -> String {
        let text = article("Update", outlet, "2025-06-02", paragraphs);
        let sources = fixture.sources();
        sources.add_file(name, text.as_bytes(), "test").unwrap().id
    }

    fn subscribe(fixture: &Fixture, tracker: &Tracker, kind: Kind, query: &str) -> Subscription {
        tracker
            .subscribe(&fixture.live.get(), &console(), kind, query, "ana")
            .unwrap()
    }

    fn pending(tracker: &Tracker) -> Vec<AlertBody> {
        tracker
            .pending("console")
            .unwrap()
            .into_iter()
            .map(|a| a.body)
            .collect()
    }

    #[test]
    fn a_standing_search_alerts_once_and_only_on_new_reporting() {
        let fixture = fixture();
        let tracker = Tracker::new(fixture.state.clone(), 5);
        subscribe(&fixture, &tracker, Kind::Search, "Crimean bridge");
        // What was indexed before the subscription is not news.
        tracker.sync(&fixture.live.get()).unwrap();
        assert!(pending(&tracker).is_empty());

        add(
            &fixture,
            "repairs.md",
            "Reuters",
            &[BRIDGE, "Traffic stays closed."],
        );
        assert_eq!(tracker.sync(&fixture.live.get()).unwrap(), 1);
        let alerts = tracker.pending("console").unwrap();
        let [alert] = alerts.as_slice() else {
            panic!("one alert: {alerts:?}")
        };
        assert_eq!(alert.channel, console());
        let AlertBody::Passage { query, quote } = &alert.body else {
            panic!("a passage: {alert:?}")
        };
        assert_eq!(query, "Crimean bridge");
        assert!(quote.text.contains(BRIDGE), "{}", quote.text);
        assert_eq!(quote.source.outlet.as_deref(), Some("Reuters"));

        // Matching again finds nothing new; a delivered alert leaves the outbox.
        assert_eq!(tracker.sync(&fixture.live.get()).unwrap(), 0);
        tracker.delivered(alert.id).unwrap();
        assert!(pending(&tracker).is_empty());
    }

    #[test]
    fn a_reprint_is_one_alert_naming_every_outlet_and_is_not_news_again() {
        let fixture = fixture();
        let tracker = Tracker::new(fixture.state.clone(), 5);
        subscribe(&fixture, &tracker, Kind::Search, "bridge repairs");
        add(&fixture, "wire.md", "Reuters", &[BRIDGE]);
        add(
            &fixture,
            "reprint.md",
            "Daily Star",
            &[BRIDGE, "Our reporter adds: traffic is closed."],
        );
        tracker.sync(&fixture.live.get()).unwrap();
        let alerts = pending(&tracker);
        let [AlertBody::Passage { quote, .. }] = alerts.as_slice() else {
            panic!("one passage alert: {alerts:?}")
        };
        let also: Vec<_> = quote
            .also_reported_by
            .iter()
            .map(|s| s.outlet.clone())
            .collect();
        assert_eq!(also.len(), 1, "{quote:?}");
        assert_ne!(also[0], quote.source.outlet);

        // A later reprint of an alerted passage is not posted again.
        add(
            &fixture,
            "late.md",
            "Evening Post",
            &[BRIDGE, "Filed late."],
        );
        assert_eq!(tracker.sync(&fixture.live.get()).unwrap(), 0);
    }

    #[test]
    fn more_matches_than_an_update_may_post_are_summed_up() {
        let fixture = fixture();
        let tracker = Tracker::new(fixture.state.clone(), 1);
        subscribe(&fixture, &tracker, Kind::Search, "bridge");
        // Three sources, since short paragraphs of one article make one passage.
        for (name, text) in [
            ("repairs.md", BRIDGE),
            (
                "divers.md",
                "Divers inspected the bridge supports for a second day.",
            ),
            (
                "ferries.md",
                "Ferries replace the bridge for freight until the repairs end.",
            ),
        ] {
            add(&fixture, name, "Reuters", &[text]);
        }
        let alerts = pending(&tracker);
        assert_eq!(alerts.len(), 0, "nothing before a sync");
        tracker.sync(&fixture.live.get()).unwrap();
        let alerts = pending(&tracker);
        assert!(
            matches!(
                alerts.as_slice(),
                [AlertBody::Passage { .. }, AlertBody::More { count: 2, .. }]
            ),
            "{alerts:?}"
        );
    }

    #[test]
    fn a_standing_question_alerts_when_reporting_changes_its_answer() {
        let fixture = fixture();
        let tracker = Tracker::new(fixture.state.clone(), 5);
        subscribe(
            &fixture,
            &tracker,
            Kind::Question,
            "how many drones were used?",
        );
        add(&fixture, "unrelated.md", "Reuters", &[BRIDGE]);
        tracker.sync(&fixture.live.get()).unwrap();
        assert!(pending(&tracker).is_empty(), "the answer did not change");

        add(
            &fixture,
            "recount.md",
            "BBC",
            &["Officials later said 150 drones were used in the operation."],
        );
        tracker.sync(&fixture.live.get()).unwrap();
        let alerts = pending(&tracker);
        let [
            AlertBody::AnswerChanged {
                question,
                old,
                new,
                differing,
            },
        ] = alerts.as_slice()
        else {
            panic!("one changed answer: {alerts:?}")
        };
        assert_eq!(question, "how many drones were used?");
        let figures: Vec<_> = old
            .iter()
            .chain(new)
            .map(|q| q.as_ref())
            .chain(differing)
            .filter_map(|q| q.answer.clone())
            .collect();
        assert!(figures.iter().any(|f| f.contains("150")), "{figures:?}");
        assert!(figures.iter().any(|f| f.contains("117")), "{figures:?}");
    }

    #[test]
    fn a_query_of_common_words_only_cannot_be_tracked() {
        let fixture = fixture();
        let tracker = Tracker::new(fixture.state.clone(), 5);
        let error = tracker
            .subscribe(
                &fixture.live.get(),
                &console(),
                Kind::Search,
                "the of it",
                "ana",
            )
            .unwrap_err();
        assert!(matches!(error, TrackError::Unusable(_)), "{error}");
        assert!(tracker.list(&console()).unwrap().is_empty());
    }
}
