//! What tracking keeps: the channels' subscriptions, the sources it has matched, and the
//! outbox of alerts. Alert bodies and remembered answers are JSON written by `track`.

use std::collections::HashMap;

use rusqlite::{Connection, Transaction, TransactionBehavior, params};
use serde::Serialize;

use super::{State, StateError, now};

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

/// An alert in the outbox, its body as `track` wrote it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAlert {
    pub id: i64,
    pub subscription: i64,
    pub channel: String,
    pub body: String,
}

impl State {
    /// Stores a new subscription (with a standing question's current answer).
    pub fn add_subscription(
        &self,
        kind: Kind,
        platform: &str,
        channel: &str,
        query: &str,
        created_by: &str,
        answer: Option<&str>,
    ) -> Result<Subscription, StateError> {
        let id = self.run(|c| {
            c.execute(
                "INSERT INTO subscriptions
                 (kind, platform, channel, query, created_by, created_at, answer)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    kind.as_str(),
                    platform,
                    channel,
                    query,
                    created_by,
                    now(),
                    answer
                ],
            )?;
            Ok(c.last_insert_rowid())
        })?;
        Ok(Subscription {
            id,
            kind,
            platform: platform.to_string(),
            channel: channel.to_string(),
            query: query.to_string(),
            created_by: created_by.to_string(),
        })
    }

    /// The subscriptions of a channel, oldest first.
    pub fn subscriptions_of(
        &self,
        platform: &str,
        channel: &str,
    ) -> Result<Vec<Subscription>, StateError> {
        self.run(|c| {
            c.prepare(
                "SELECT id, kind, platform, channel, query, created_by FROM subscriptions
                 WHERE platform = ?1 AND channel = ?2 ORDER BY id",
            )?
            .query_map(params![platform, channel], subscription_row)?
            .collect()
        })
    }

    /// Removes a subscription of this channel with its undelivered alerts. `false`: the
    /// channel has no such subscription.
    pub fn remove_subscription(
        &self,
        platform: &str,
        channel: &str,
        id: i64,
    ) -> Result<bool, StateError> {
        self.run(|c| {
            c.execute(
                "DELETE FROM subscriptions WHERE id = ?1 AND platform = ?2 AND channel = ?3",
                params![id, platform, channel],
            )
        })
        .map(|removed| removed == 1)
    }

    /// Alerts not yet delivered on a platform, oldest first.
    pub fn pending_alerts(&self, platform: &str) -> Result<Vec<StoredAlert>, StateError> {
        self.run(|c| {
            c.prepare(
                "SELECT id, subscription, channel, body FROM alerts
                 WHERE platform = ?1 AND delivered_at IS NULL ORDER BY id",
            )?
            .query_map([platform], |r| {
                Ok(StoredAlert {
                    id: r.get(0)?,
                    subscription: r.get(1)?,
                    channel: r.get(2)?,
                    body: r.get(3)?,
                })
            })?
            .collect()
        })
    }

    /// Marks an alert delivered (the platform accepted it).
    pub fn alert_delivered(&self, id: i64) -> Result<(), StateError> {
        self.run(|c| {
            c.execute(
                "UPDATE alerts SET delivered_at = ?2 WHERE id = ?1",
                params![id, now()],
            )
        })?;
        Ok(())
    }

    /// When tracking first saw each source (Unix seconds).
    pub fn first_seen(&self) -> Result<HashMap<String, i64>, StateError> {
        self.run(|c| {
            c.prepare("SELECT id, first_seen FROM seen_sources")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        })
    }

    /// Runs `work` in one write transaction, committed only if it succeeds: what tracking
    /// queues for new sources and marking them seen happen together or not at all.
    pub fn matching<T, E: From<StateError>>(
        &self,
        work: impl FnOnce(&Matching) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut connection = self.lock();
        let tx = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.error(e))?;
        let matching = Matching { tx, state: self };
        let out = work(&matching)?;
        matching.tx.commit().map_err(|e| self.error(e))?;
        Ok(out)
    }
}

/// The transaction in which tracking matches new sources (see `State::matching`).
pub struct Matching<'a> {
    tx: Transaction<'a>,
    state: &'a State,
}

impl Matching<'_> {
    fn run<T>(
        &self,
        statements: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StateError> {
        statements(&self.tx).map_err(|e| self.state.error(e))
    }

    /// The digest of each source's text when tracking last matched it.
    pub fn seen(&self) -> Result<HashMap<String, String>, StateError> {
        self.run(|c| {
            c.prepare("SELECT id, digest FROM seen_sources")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        })
    }

    /// Marks a source's text (by digest) as matched.
    pub fn mark_seen(&self, id: &str, digest: &str) -> Result<(), StateError> {
        self.run(|c| {
            c.execute(
                "INSERT INTO seen_sources (id, digest, first_seen) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET digest = excluded.digest",
                params![id, digest, now()],
            )
        })?;
        Ok(())
    }

    /// Every subscription with a standing question's remembered answer.
    pub fn subscriptions(&self) -> Result<Vec<(Subscription, Option<String>)>, StateError> {
        self.run(|c| {
            c.prepare(
                "SELECT id, kind, platform, channel, query, created_by, answer
                 FROM subscriptions ORDER BY id",
            )?
            .query_map([], |r| Ok((subscription_row(r)?, r.get(6)?)))?
            .collect()
        })
    }

    /// Remembers a standing question's answer.
    pub fn remember_answer(&self, subscription: i64, answer: &str) -> Result<(), StateError> {
        self.run(|c| {
            c.execute(
                "UPDATE subscriptions SET answer = ?2 WHERE id = ?1",
                params![subscription, answer],
            )
        })?;
        Ok(())
    }

    /// The bodies of a subscription's latest alerts, newest first.
    pub fn recent_alerts(
        &self,
        subscription: i64,
        limit: usize,
    ) -> Result<Vec<String>, StateError> {
        self.run(|c| {
            c.prepare("SELECT body FROM alerts WHERE subscription = ?1 ORDER BY id DESC LIMIT ?2")?
                .query_map(params![subscription, limit as i64], |r| r.get(0))?
                .collect()
        })
    }

    /// Queues an alert for the subscription's channel unless one with this key was queued
    /// before. Returns whether it was queued.
    pub fn queue_alert(
        &self,
        subscription: &Subscription,
        key: &str,
        body: &str,
    ) -> Result<bool, StateError> {
        self.run(|c| {
            c.execute(
                "INSERT OR IGNORE INTO alerts
                 (subscription, key, platform, channel, body, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    subscription.id,
                    key,
                    subscription.platform,
                    subscription.channel,
                    body,
                    now()
                ],
            )
        })
        .map(|inserted| inserted == 1)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn subscribe(state: &State, channel: &str) -> Subscription {
        state
            .add_subscription(Kind::Search, "console", channel, "drones", "ana", None)
            .unwrap()
    }

    #[test]
    fn subscriptions_belong_to_their_channel() {
        let state = State::in_memory();
        let first = subscribe(&state, "a");
        let other = subscribe(&state, "b");
        assert_eq!(
            state.subscriptions_of("console", "a").unwrap(),
            vec![first.clone()]
        );
        // Another channel cannot remove it.
        assert!(!state.remove_subscription("console", "a", other.id).unwrap());
        assert!(state.remove_subscription("console", "a", first.id).unwrap());
        assert!(state.subscriptions_of("console", "a").unwrap().is_empty());
    }

    #[test]
    fn a_subscription_of_an_unknown_kind_is_an_error_not_a_search() {
        let state = State::in_memory();
        subscribe(&state, "a");
        state
            .run(|c| c.execute("UPDATE subscriptions SET kind = 'digest'", []))
            .unwrap();
        let error = state
            .subscriptions_of("console", "a")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("unknown subscription kind \"digest\""),
            "{error}"
        );
    }

    #[test]
    fn an_alert_is_queued_once_per_key_and_pending_until_delivered() {
        let state = State::in_memory();
        let subscription = subscribe(&state, "a");
        let queued: Vec<bool> = state
            .matching(|m| {
                Ok::<_, StateError>(vec![
                    m.queue_alert(&subscription, "k1", "one")?,
                    m.queue_alert(&subscription, "k1", "one again")?,
                    m.queue_alert(&subscription, "k2", "two")?,
                ])
            })
            .unwrap();
        assert_eq!(queued, [true, false, true]);
        let pending = state.pending_alerts("console").unwrap();
        let bodies: Vec<&str> = pending.iter().map(|a| a.body.as_str()).collect();
        assert_eq!(bodies, ["one", "two"]);
        assert!(state.pending_alerts("matrix").unwrap().is_empty());
        state.alert_delivered(pending[0].id).unwrap();
        assert_eq!(state.pending_alerts("console").unwrap().len(), 1);
        // Unsubscribing drops what is still undelivered.
        state
            .remove_subscription("console", "a", subscription.id)
            .unwrap();
        assert!(state.pending_alerts("console").unwrap().is_empty());
    }

    #[test]
    fn a_failed_match_leaves_nothing_behind() {
        let state = State::in_memory();
        let subscription = subscribe(&state, "a");
        let failed: Result<(), StateError> = state.matching(|m| {
            m.mark_seen("source", "d1")?;
            m.queue_alert(&subscription, "k", "body")?;
            Err(m.run(|c| c.execute("NOT SQL", [])).unwrap_err())
        });
        assert!(failed.is_err());
        assert!(state.pending_alerts("console").unwrap().is_empty());
        assert!(state.first_seen().unwrap().is_empty());
        state.matching(|m| m.mark_seen("source", "d1")).unwrap();
        assert_eq!(state.matching(|m| m.seen()).unwrap()["source"], "d1");
        assert!(state.first_seen().unwrap().contains_key("source"));
    }
}
