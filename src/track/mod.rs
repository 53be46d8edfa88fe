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

use rusqlite::{Transaction, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use crate::answer::{self, AskError, Response};
use crate::corpus::Fingerprint;
use crate::index::{Hit, Index, IndexError, Pointer, SourceInfo, analyzer};
use crate::state::{self, State, StateError};

pub use brief::{Brief, Story, brief, parse_since};

/// How many earlier alerts of a subscription a new passage is compared with for copies.
const RECENT_FOR_COPIES: usize = 200;

/// What a subscription watches for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// New passages that contain every word of a query.
    Search,
    /// Changes in the answer to a question.
    Question,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Search => "search",
            Kind::Question => "question",
        }
    }
}

/// A standing search or question of one channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subscription {
    pub id: i64,
    pub kind: Kind,
    pub platform: String,
    pub channel: String,
    pub query: String,
    pub created_by: String,
}

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
        let connection = self.state.connection();
        connection
            .execute(
                "INSERT INTO subscriptions (kind, platform, channel, query, created_by, created_at, answer)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    kind.as_str(),
                    channel.platform,
                    channel.id,
                    query,
                    created_by,
                    state::now(),
                    answer.map(|a| serde_json::to_string(&a).expect("quote serializes"))
                ],
            )
            .map_err(|e| self.state.error(e))?;
        Ok(Subscription {
            id: connection.last_insert_rowid(),
            kind,
            platform: channel.platform.clone(),
            channel: channel.id.clone(),
            query: query.to_string(),
            created_by: created_by.to_string(),
        })
    }

    /// The subscriptions of a channel.
    pub fn list(&self, channel: &Channel) -> Result<Vec<Subscription>, TrackError> {
        let connection = self.state.connection();
        let mut statement = connection
            .prepare(
                "SELECT id, kind, platform, channel, query, created_by FROM subscriptions
                 WHERE platform = ?1 AND channel = ?2 ORDER BY id",
            )
            .map_err(|e| self.state.error(e))?;
        let rows = statement
            .query_map(params![channel.platform, channel.id], subscription_row)
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.state.error(e))?;
        Ok(rows)
    }

    /// Removes a subscription of this channel (and its undelivered alerts). `false`: the
    /// channel has no such subscription.
    pub fn unsubscribe(&self, channel: &Channel, id: i64) -> Result<bool, TrackError> {
        let removed = self
            .state
            .connection()
            .execute(
                "DELETE FROM subscriptions WHERE id = ?1 AND platform = ?2 AND channel = ?3",
                params![id, channel.platform, channel.id],
            )
            .map_err(|e| self.state.error(e))?;
        Ok(removed == 1)
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
        let mut connection = self.state.connection();
        let tx = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.state.error(e))?;
        let seen: std::collections::HashMap<String, String> = {
            let mut statement = tx
                .prepare("SELECT id, digest FROM seen_sources")
                .map_err(|e| self.state.error(e))?;
            statement
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .and_then(|rows| rows.collect::<Result<_, _>>())
                .map_err(|e| self.state.error(e))?
        };
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
        let subscriptions = all_subscriptions(&tx).map_err(|e| self.state.error(e))?;
        let mut queued = 0;
        if !subscriptions.is_empty() {
            let mut passages = Vec::new();
            for (source, _) in &new {
                passages.extend(index.passages_of(&source.id)?);
            }
            for (subscription, answer) in &subscriptions {
                queued += match subscription.kind {
                    Kind::Search => self.queue_passages(&tx, subscription, &passages)?,
                    Kind::Question => {
                        self.queue_answer_change(&tx, index, subscription, answer.as_deref())?
                    }
                };
            }
        }
        let now = state::now();
        for (source, digest) in &new {
            tx.execute(
                "INSERT INTO seen_sources (id, digest, first_seen) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET digest = excluded.digest",
                params![source.id, digest, now],
            )
            .map_err(|e| self.state.error(e))?;
        }
        tx.commit().map_err(|e| self.state.error(e))?;
        Ok(queued)
    }

    /// Queues the new passages that match a standing search, copies folded.
    fn queue_passages(
        &self,
        tx: &Transaction,
        subscription: &Subscription,
        passages: &[Hit],
    ) -> Result<usize, TrackError> {
        let terms = search_terms(&subscription.query);
        let matching = passages.iter().filter(|hit| {
            let found: HashSet<String> = analyzer::terms(&hit.text)
                .into_iter()
                .map(|t| t.term)
                .collect();
            terms.iter().all(|t| found.contains(t))
        });
        // Earlier alerts of this subscription: a reprint of one of them is not news.
        let earlier: Vec<Fingerprint> = {
            let mut statement = tx
                .prepare(
                    "SELECT body FROM alerts WHERE subscription = ?1 ORDER BY id DESC LIMIT ?2",
                )
                .map_err(|e| self.state.error(e))?;
            statement
                .query_map(params![subscription.id, RECENT_FOR_COPIES as i64], |r| {
                    r.get::<_, String>(0)
                })
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .map_err(|e| self.state.error(e))?
                .iter()
                .filter_map(|body| match serde_json::from_str(body) {
                    Ok(AlertBody::Passage { quote, .. }) => Some(Fingerprint::of(&quote.text)),
                    _ => None,
                })
                .collect()
        };
        let mut quotes: Vec<(Quote, Fingerprint)> = Vec::new();
        for hit in matching {
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
            queued += self.queue(tx, subscription, &key, &body)?;
        }
        if extra > 0 {
            let body = AlertBody::More {
                query: subscription.query.clone(),
                count: extra,
            };
            let key = format!("more-{}-{}", state::now(), queued);
            queued += self.queue(tx, subscription, &key, &body)?;
        }
        Ok(queued)
    }

    /// Re-asks a standing question and queues an alert if the answer changed.
    fn queue_answer_change(
        &self,
        tx: &Transaction,
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
        tx.execute(
            "UPDATE subscriptions SET answer = ?2 WHERE id = ?1",
            params![
                subscription.id,
                serde_json::to_string(&new).expect("serializes")
            ],
        )
        .map_err(|e| self.state.error(e))?;
        self.queue(tx, subscription, &key, &body)
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
        tx: &Transaction,
        subscription: &Subscription,
        key: &str,
        body: &AlertBody,
    ) -> Result<usize, TrackError> {
        let inserted = tx
            .execute(
                "INSERT OR IGNORE INTO alerts (subscription, key, platform, channel, body, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    subscription.id,
                    key,
                    subscription.platform,
                    subscription.channel,
                    serde_json::to_string(body).expect("alert serializes"),
                    state::now()
                ],
            )
            .map_err(|e| self.state.error(e))?;
        Ok(inserted)
    }

    /// Alerts not yet delivered on a platform, oldest first.
    pub fn pending(&self, platform: &str) -> Result<Vec<Alert>, TrackError> {
        let connection = self.state.connection();
        let mut statement = connection
            .prepare(
                "SELECT id, subscription, channel, body FROM alerts
                 WHERE platform = ?1 AND delivered_at IS NULL ORDER BY id",
            )
            .map_err(|e| self.state.error(e))?;
        let rows = statement
            .query_map([platform], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.state.error(e))?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, subscription, channel, body)| {
                let body = serde_json::from_str(&body)
                    .inspect_err(|error| tracing::error!(alert = id, %error, "unreadable alert"))
                    .ok()?;
                Some(Alert {
                    id,
                    subscription,
                    channel: Channel {
                        platform: platform.to_string(),
                        id: channel,
                    },
                    body,
                })
            })
            .collect())
    }

    /// Marks an alert delivered (the platform accepted it).
    pub fn delivered(&self, alert: i64) -> Result<(), TrackError> {
        self.state
            .connection()
            .execute(
                "UPDATE alerts SET delivered_at = ?2 WHERE id = ?1",
                params![alert, state::now()],
            )
            .map_err(|e| self.state.error(e))?;
        Ok(())
    }

    /// When tracking first saw each source (Unix seconds), for `brief`.
    fn first_seen(&self) -> Result<std::collections::HashMap<String, i64>, TrackError> {
        let connection = self.state.connection();
        let mut statement = connection
            .prepare("SELECT id, first_seen FROM seen_sources")
            .map_err(|e| self.state.error(e))?;
        let rows = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect::<Result<_, _>>())
            .map_err(|e| self.state.error(e))?;
        Ok(rows)
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

fn subscription_row(r: &rusqlite::Row) -> rusqlite::Result<Subscription> {
    let kind: String = r.get(1)?;
    // A kind this version does not know is an error, not silently a search.
    let kind = [Kind::Search, Kind::Question]
        .into_iter()
        .find(|k| k.as_str() == kind)
        .ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                1,
                rusqlite::types::Type::Text,
                format!("unknown subscription kind {kind:?}").into(),
            )
        })?;
    Ok(Subscription {
        id: r.get(0)?,
        kind,
        platform: r.get(2)?,
        channel: r.get(3)?,
        query: r.get(4)?,
        created_by: r.get(5)?,
    })
}

fn all_subscriptions(tx: &Transaction) -> rusqlite::Result<Vec<(Subscription, Option<String>)>> {
    let mut statement = tx.prepare(
        "SELECT id, kind, platform, channel, query, created_by, answer FROM subscriptions ORDER BY id",
    )?;
    statement
        .query_map([], |r| Ok((subscription_row(r)?, r.get(6)?)))?
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subscription_of_an_unknown_kind_is_an_error_not_a_search() {
        let dir = tempfile::tempdir().unwrap();
        let state = Arc::new(State::open(&dir.path().join("state.sqlite")).unwrap());
        let channel = Channel {
            platform: "console".into(),
            id: "console".into(),
        };
        let insert = |kind: &str| {
            state
                .connection()
                .execute(
                    "INSERT INTO subscriptions (kind, platform, channel, query, created_by, created_at)
                     VALUES (?1, 'console', 'console', 'drones', 'ana', 0)",
                    params![kind],
                )
                .unwrap();
        };
        let tracker = Tracker::new(state.clone(), 5);
        insert("question");
        assert_eq!(tracker.list(&channel).unwrap()[0].kind, Kind::Question);
        insert("digest");
        let error = tracker.list(&channel).unwrap_err().to_string();
        assert!(
            error.contains("unknown subscription kind \"digest\""),
            "{error}"
        );
    }
}
