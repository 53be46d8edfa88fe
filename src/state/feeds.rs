//! What the sources poll and fetch: each feed's polling state, and every article or feed
//! entry fetched, so that nothing is fetched or added twice.

use rusqlite::{OptionalExtension, params};

use super::{State, StateError, now};

/// A feed's polling state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FeedRecord {
    /// The HTTP validators of the last fetch, for a conditional request.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Unix seconds of the last attempt, if any.
    pub last_fetch: Option<i64>,
    /// Unix seconds when the feed is due again.
    pub next_poll: i64,
    pub last_error: Option<String>,
    /// Failed polls in a row.
    pub failures: u32,
}

/// Where a source came from: a URL, a feed entry, both, or neither (an upload).
#[derive(Debug, Clone, Copy, Default)]
pub struct FetchedFrom<'a> {
    pub url: Option<&'a str>,
    pub feed: Option<&'a str>,
    pub entry_id: Option<&'a str>,
}

impl State {
    /// A feed's polling state, if it has one.
    pub fn feed(&self, id: &str) -> Result<Option<FeedRecord>, StateError> {
        self.run(|c| {
            c.query_row(
                "SELECT etag, last_modified, last_fetch, next_poll, last_error, failures
                 FROM feeds WHERE id = ?1",
                [id],
                |r| {
                    Ok(FeedRecord {
                        etag: r.get(0)?,
                        last_modified: r.get(1)?,
                        last_fetch: r.get(2)?,
                        next_poll: r.get(3)?,
                        last_error: r.get(4)?,
                        failures: r.get(5)?,
                    })
                },
            )
            .optional()
        })
    }

    /// A new feed, due now, with no history (any left by an earlier feed of that id goes).
    pub fn add_feed(&self, id: &str, url: &str) -> Result<(), StateError> {
        self.run(|c| {
            c.execute(
                "INSERT OR REPLACE INTO feeds (id, url, next_poll) VALUES (?1, ?2, 0)",
                params![id, url],
            )
        })?;
        Ok(())
    }

    pub fn remove_feed(&self, id: &str) -> Result<(), StateError> {
        self.run(|c| c.execute("DELETE FROM feeds WHERE id = ?1", [id]))?;
        Ok(())
    }

    /// Claims a feed of the manifest for polling if it is due at `now`, so that no other
    /// poller takes it until `until`; a feed without state yet is due. Claiming is one
    /// conditional update, so of several processes only one wins.
    pub fn claim_feed(
        &self,
        id: &str,
        url: &str,
        now: i64,
        until: i64,
    ) -> Result<bool, StateError> {
        self.run(|c| {
            c.execute(
                "INSERT INTO feeds (id, url, next_poll) VALUES (?1, ?2, 0)
                 ON CONFLICT (id) DO UPDATE SET url = excluded.url",
                params![id, url],
            )?;
            c.execute(
                "UPDATE feeds SET next_poll = ?3 WHERE id = ?1 AND next_poll <= ?2",
                params![id, now, until],
            )
        })
        .map(|claimed| claimed == 1)
    }

    /// When the next feed is due (Unix seconds), if there are feeds.
    pub fn next_poll(&self) -> Result<Option<i64>, StateError> {
        self.run(|c| c.query_row("SELECT MIN(next_poll) FROM feeds", [], |r| r.get(0)))
    }

    /// Records a successful poll: the new validators, no failures, due again at `next_poll`.
    pub fn feed_polled(
        &self,
        id: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
        next_poll: i64,
    ) -> Result<(), StateError> {
        self.run(|c| {
            c.execute(
                "UPDATE feeds SET etag = ?2, last_modified = ?3, last_fetch = ?4,
                 last_error = NULL, failures = 0, next_poll = ?5 WHERE id = ?1",
                params![id, etag, last_modified, now(), next_poll],
            )
        })?;
        Ok(())
    }

    /// Records a failed poll; `next_poll` gives the next attempt from the number of
    /// failures in a row, which is returned.
    pub fn feed_failed(
        &self,
        id: &str,
        error: &str,
        next_poll: impl FnOnce(u32) -> i64,
    ) -> Result<u32, StateError> {
        self.run(|c| {
            let tx = c.transaction()?;
            let failures = tx
                .query_row("SELECT failures FROM feeds WHERE id = ?1", [id], |r| {
                    r.get::<_, u32>(0)
                })
                .optional()?
                .unwrap_or(0)
                + 1;
            tx.execute(
                "UPDATE feeds SET last_fetch = ?2, last_error = ?3, failures = ?4,
                 next_poll = ?5 WHERE id = ?1",
                params![id, now(), error, failures, next_poll(failures)],
            )?;
            tx.commit()?;
            Ok(failures)
        })
    }

    /// Records what a source was fetched from (a feed entry that duplicates an existing
    /// source is recorded under that source) and the digest of its text.
    pub fn record_fetched(
        &self,
        source_id: &str,
        from: FetchedFrom,
        digest: Option<&str>,
    ) -> Result<(), StateError> {
        self.run(|c| {
            c.execute(
                "INSERT INTO fetched (source_id, feed, entry_id, url, content_hash, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![source_id, from.feed, from.entry_id, from.url, digest, now()],
            )
        })?;
        Ok(())
    }

    /// Whether this entry of this feed was fetched before.
    pub fn entry_fetched(&self, feed: &str, entry_id: &str) -> Result<bool, StateError> {
        self.run(|c| {
            c.query_row(
                "SELECT 1 FROM fetched WHERE feed = ?1 AND entry_id = ?2",
                params![feed, entry_id],
                |_| Ok(()),
            )
            .optional()
        })
        .map(|row| row.is_some())
    }

    /// The source fetched from this URL, if any.
    pub fn source_fetched_from(&self, url: &str) -> Result<Option<String>, StateError> {
        self.run(|c| {
            c.query_row("SELECT source_id FROM fetched WHERE url = ?1", [url], |r| {
                r.get(0)
            })
            .optional()
        })
    }

    /// Forgets what a removed source was fetched from, so it may be added again.
    pub fn forget_fetched(&self, source_id: &str) -> Result<(), StateError> {
        self.run(|c| c.execute("DELETE FROM fetched WHERE source_id = ?1", [source_id]))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_due_feed_is_claimed_once() {
        let state = State::in_memory();
        assert!(state.claim_feed("f", "http://a/", 100, 400).unwrap());
        assert!(!state.claim_feed("f", "http://a/", 100, 400).unwrap());
        assert_eq!(state.feed("f").unwrap().unwrap().next_poll, 400);
        assert_eq!(state.next_poll().unwrap(), Some(400));
        // Once the claim runs out the feed is due again.
        assert!(state.claim_feed("f", "http://a/", 401, 700).unwrap());
    }

    #[test]
    fn failures_count_up_and_a_success_clears_them() {
        let state = State::in_memory();
        state.add_feed("f", "http://a/").unwrap();
        let backoff = |failures: u32| i64::from(failures) * 60;
        assert_eq!(state.feed_failed("f", "timeout", backoff).unwrap(), 1);
        assert_eq!(state.feed_failed("f", "HTTP 500", backoff).unwrap(), 2);
        let failed = state.feed("f").unwrap().unwrap();
        assert_eq!(
            (
                failed.failures,
                failed.next_poll,
                failed.last_error.as_deref()
            ),
            (2, 120, Some("HTTP 500"))
        );
        state.feed_polled("f", Some("\"v1\""), None, 999).unwrap();
        let polled = state.feed("f").unwrap().unwrap();
        assert_eq!(polled.failures, 0);
        assert_eq!(polled.last_error, None);
        assert_eq!(polled.etag.as_deref(), Some("\"v1\""));
        // A feed added again starts afresh.
        state.add_feed("f", "http://b/").unwrap();
        assert_eq!(state.feed("f").unwrap().unwrap(), FeedRecord::default());
        state.remove_feed("f").unwrap();
        assert_eq!(state.feed("f").unwrap(), None);
        assert_eq!(state.next_poll().unwrap(), None);
    }

    #[test]
    fn fetched_entries_and_urls_are_known_until_forgotten() {
        let state = State::in_memory();
        let from = FetchedFrom {
            url: Some("http://a/1"),
            feed: Some("f"),
            entry_id: Some("e1"),
        };
        assert!(!state.entry_fetched("f", "e1").unwrap());
        state.record_fetched("a-1", from, Some("digest")).unwrap();
        assert!(state.entry_fetched("f", "e1").unwrap());
        assert!(!state.entry_fetched("g", "e1").unwrap());
        assert_eq!(
            state.source_fetched_from("http://a/1").unwrap().as_deref(),
            Some("a-1")
        );
        state.forget_fetched("a-1").unwrap();
        assert!(!state.entry_fetched("f", "e1").unwrap());
        assert_eq!(state.source_fetched_from("http://a/1").unwrap(), None);
    }
}
