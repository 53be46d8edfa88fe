//! The command layer shared by every chat platform: a typed `Command` from one table, the
//! `Actor` who sent it, and a platform-neutral `Reply`. Adapters in `chat` only translate.

mod alerts;
pub mod command;
mod ratelimit;

use std::sync::Arc;
use std::time::{Duration, Instant};

pub use alerts::{ALERT_POLL, Undelivered, deliver_alerts_forever};
pub use command::{
    ArgumentKind, COMMANDS, Command, CommandSpec, NewSource, Permission, invoked, parse,
};
pub use ratelimit::RateLimiter;

use crate::answer::{self, AskError, Found, Response};
use crate::index::{BuildReport, Hit, IndexError, Live, SourceReport};
use crate::sources::{FeedAdded, FeedStatus, Polled, Sources, SourcesError};
use crate::track::{self, AlertBody, Brief, Channel, Kind, Subscription, TrackError, Tracker};

/// Passages listed by `search`.
pub const SEARCH_LIMIT: usize = 5;
/// The last page a search can be turned to; a button asking for more is forged.
pub const MAX_SEARCH_PAGE: usize = 200;

/// Who sent a command, and from where.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: String,
    /// The platform (`discord`, `matrix`, `console`) and the channel or room on it.
    pub platform: &'static str,
    pub room: String,
    /// Decided by the adapter from the platform's roles or power levels.
    pub moderator: bool,
}

impl Actor {
    /// The channel the command came from, where tracking alerts go.
    pub fn channel(&self) -> Channel {
        Channel {
            platform: self.platform.to_string(),
            id: self.room.clone(),
        }
    }
}

/// What the bot answers, before any platform renders it.
#[derive(Debug, Clone)]
pub enum Reply {
    Answer(Box<Response>),
    Passages {
        query: String,
        page: usize,
        found: Vec<Found>,
    },
    Sources {
        report: BuildReport,
        feeds: Vec<FeedStatus>,
    },
    SourceAdded(Box<SourceReport>),
    FeedAdded(Box<FeedAdded>),
    Removed {
        id: String,
    },
    Subscribed(Subscription),
    Subscriptions(Vec<Subscription>),
    Unsubscribed {
        id: i64,
    },
    Brief(Brief),
    /// A tracking alert, delivered without a command.
    Alert(AlertBody),
    /// The commands the asker may use.
    Help {
        commands: Vec<&'static CommandSpec>,
    },
    Reindexed(BuildReport),
    Error(UserError),
}

/// Errors shown to the user as they are. Internal failures become `Internal`, and the
/// details go to the log only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserError {
    /// The command was mistyped.
    #[error("{0}")]
    Usage(String),
    /// The question cannot be asked as it is.
    #[error("{0}")]
    BadQuestion(String),
    /// A source was refused, or could not be fetched or read; says why.
    #[error("{0}")]
    Refused(String),
    /// The command needs a moderator.
    #[error("only moderators may use `{command}`")]
    Forbidden { command: &'static str },
    /// The user sent too many commands too fast.
    #[error("you're asking faster than I can keep up; try again in {} s", retry_after.as_secs().max(1))]
    RateLimited { retry_after: Duration },
    /// A rebuild is already running.
    #[error("a reindex is already running; try again when it has finished")]
    Busy,
    /// The state file is unusable, so tracking is off; questions still work.
    #[error(
        "tracking is unavailable right now (its state file is damaged); questions still work, and the moderators can find the details in the log"
    )]
    TrackingUnavailable,
    /// Something broke on our side; it has been logged.
    #[error("something went wrong on my side; the moderators can find the details in the log")]
    Internal,
}

/// Most suggestions offered at once (Discord shows at most 25).
pub const MAX_SUGGESTIONS: usize = 25;

/// A possible argument value, and how it is shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub label: String,
    pub value: String,
}

/// Runs commands against the live index, its sources and the channel subscriptions.
pub struct Handler {
    sources: Arc<Sources>,
    tracker: Arc<Tracker>,
    limiter: RateLimiter,
    /// Anyone may add and remove tracking (`SITREP_TRACK_OPEN`).
    track_open: bool,
}

impl Handler {
    pub fn new(
        sources: Arc<Sources>,
        tracker: Arc<Tracker>,
        limiter: RateLimiter,
        track_open: bool,
    ) -> Self {
        Handler {
            sources,
            tracker,
            limiter,
            track_open,
        }
    }

    fn live(&self) -> &Arc<Live> {
        self.sources.live()
    }

    /// What the argument of `command` (a `suggested` one) could be, for what has been typed
    /// so far: the sources and feeds for `sources remove`, the channel's subscriptions for
    /// `track remove`. Matched anywhere in the label (which holds the value), ignoring case.
    pub fn suggestions(&self, actor: &Actor, command: &str, typed: &str) -> Vec<Suggestion> {
        let all: Vec<Suggestion> = match command {
            "sources remove" => {
                let index = self.live().get();
                let files = index.report().sources.iter().map(|s| Suggestion {
                    label: match &s.title {
                        Some(title) => format!("{} — {title}", s.id),
                        None => s.id.clone(),
                    },
                    value: s.id.clone(),
                });
                let feeds = self.sources.feeds().unwrap_or_else(|error| {
                    tracing::error!(%error, "cannot list the feeds");
                    Vec::new()
                });
                let feeds = feeds.into_iter().map(|f| Suggestion {
                    label: format!("{} — feed {}", f.id, f.url),
                    value: f.id,
                });
                files.chain(feeds).collect()
            }
            "track remove" => self
                .tracker
                .list(&actor.channel())
                .unwrap_or_else(|error| {
                    tracing::error!(%error, "cannot list the subscriptions");
                    Vec::new()
                })
                .into_iter()
                .map(|s| Suggestion {
                    label: format!("#{} {}", s.id, s.query),
                    value: s.id.to_string(),
                })
                .collect(),
            _ => Vec::new(),
        };
        let typed = typed.trim().to_lowercase();
        all.into_iter()
            .filter(|s| s.label.to_lowercase().contains(&typed))
            .take(MAX_SUGGESTIONS)
            .collect()
    }

    pub fn sources(&self) -> &Arc<Sources> {
        &self.sources
    }

    /// Handles one command. Blocking: adapters call it off their event loop.
    pub fn handle(&self, actor: &Actor, command: Command) -> Reply {
        let spec = command.spec();
        if !self.may(actor, spec.permission) {
            return Reply::Error(UserError::Forbidden { command: spec.name });
        }
        if command != Command::Help
            && let Err(error) = self.admit(actor)
        {
            return Reply::Error(error);
        }
        let updates_index = matches!(
            command,
            Command::AddSource(_) | Command::RemoveSource { .. } | Command::Reindex
        );
        let reply = self.run(actor, command).unwrap_or_else(Reply::Error);
        if updates_index {
            self.sync_tracking();
        }
        reply
    }

    /// A whole passage of a source, as cited ("Show passage"), rate-limited like commands.
    pub fn passage(&self, actor: &Actor, source: &str, passage: u64) -> Result<Hit, UserError> {
        self.admit(actor)?;
        match self.live().get().passage(source, passage) {
            Ok(Some(hit)) => Ok(hit),
            Ok(None) => Err(UserError::Usage(
                "that passage is no longer in the index".into(),
            )),
            Err(error) => Err(internal(&error)),
        }
    }

    /// Counts a request of `actor` against the rate limit; moderators are not limited.
    fn admit(&self, actor: &Actor) -> Result<(), UserError> {
        if actor.moderator {
            return Ok(());
        }
        self.limiter
            .check(&actor.user, Instant::now())
            .map_err(|retry_after| UserError::RateLimited { retry_after })
    }

    /// Whether `actor` may use a command that needs `permission`.
    fn may(&self, actor: &Actor, permission: Permission) -> bool {
        match permission {
            Permission::Anyone => true,
            Permission::Tracking => actor.moderator || self.track_open,
            Permission::Moderator => actor.moderator,
        }
    }

    fn run(&self, actor: &Actor, command: Command) -> Result<Reply, UserError> {
        let live = self.live();
        let tracking = matches!(
            command,
            Command::Tracked
                | Command::TrackSearch { .. }
                | Command::TrackQuestion { .. }
                | Command::Untrack { .. }
                | Command::Brief { .. }
        );
        if tracking && self.tracker.unavailable() {
            return Err(UserError::TrackingUnavailable);
        }
        let by = format!("{}:{}", actor.platform, actor.user);
        Ok(match command {
            Command::Ask { question } => Reply::Answer(Box::new(
                answer::ask(&live.get(), &question).map_err(ask_error)?,
            )),
            Command::Search { query, page } => Reply::Passages {
                found: answer::search(
                    &live.get(),
                    &query,
                    SEARCH_LIMIT,
                    page.min(MAX_SEARCH_PAGE) * SEARCH_LIMIT,
                )
                .map_err(ask_error)?,
                query,
                page,
            },
            Command::Sources => Reply::Sources {
                report: live.get().report().clone(),
                feeds: self.sources.feeds().map_err(sources_error)?,
            },
            Command::AddSource(source) => {
                let sources = &self.sources;
                let added = match source {
                    NewSource::Page(url) => sources.add_url(&url, &by),
                    NewSource::Upload { name, bytes } => sources.add_file(&name, &bytes, &by),
                    NewSource::Attachment { name, url } => sources.add_attachment(&name, &url, &by),
                    NewSource::Feed(url) => {
                        let feed = sources.add_feed(&url, &by).map_err(sources_error)?;
                        return Ok(Reply::FeedAdded(Box::new(feed)));
                    }
                };
                Reply::SourceAdded(Box::new(added.map_err(sources_error)?))
            }
            Command::RemoveSource { id } => {
                self.sources.remove(&id).map_err(sources_error)?;
                Reply::Removed { id }
            }
            Command::Tracked => {
                Reply::Subscriptions(self.tracker.list(&actor.channel()).map_err(track_error)?)
            }
            Command::TrackSearch { query } => Reply::Subscribed(
                self.tracker
                    .subscribe(&live.get(), &actor.channel(), Kind::Search, &query, &by)
                    .map_err(track_error)?,
            ),
            Command::TrackQuestion { question } => Reply::Subscribed(
                self.tracker
                    .subscribe(
                        &live.get(),
                        &actor.channel(),
                        Kind::Question,
                        &question,
                        &by,
                    )
                    .map_err(track_error)?,
            ),
            Command::Untrack { id } => {
                if !self
                    .tracker
                    .unsubscribe(&actor.channel(), id)
                    .map_err(track_error)?
                {
                    return Err(UserError::Usage(format!(
                        "this channel has no standing search or question #{id}; `track` lists them"
                    )));
                }
                Reply::Unsubscribed { id }
            }
            Command::Brief { since } => {
                Reply::Brief(track::brief(&live.get(), &self.tracker, since).map_err(track_error)?)
            }
            Command::Help => Reply::Help {
                commands: COMMANDS
                    .iter()
                    .copied()
                    .filter(|c| self.may(actor, c.permission))
                    .collect(),
            },
            Command::Reindex => Reply::Reindexed(live.rebuild(|_| {}).map_err(|e| match e {
                IndexError::Busy(_) => UserError::Busy,
                error => internal(&error),
            })?),
        })
    }

    /// Polls the feeds that are due, then matches what they added. Blocking.
    pub fn poll_feeds(&self) -> Vec<Polled> {
        let polled = self.sources.poll_due().unwrap_or_else(|error| {
            tracing::error!(%error, "feeds could not be polled");
            Vec::new()
        });
        if polled.iter().any(|p| !p.added.is_empty()) {
            self.sync_tracking();
        }
        polled
    }

    /// Matches what the last index update added against the subscriptions. Failures are
    /// logged; the next sync picks the same sources up again.
    pub fn sync_tracking(&self) {
        if let Err(error) = self.tracker.sync(&self.live().get()) {
            tracing::error!(%error, "tracking could not match the update");
        }
    }
}

/// Polls feeds for as long as the bot runs: each time the next feed is due, and at least
/// once per poll interval (at most a minute), since a feed may be added at any time.
pub async fn poll_feeds_forever(handler: Arc<Handler>) {
    loop {
        let polling = handler.clone();
        let next = tokio::task::spawn_blocking(move || {
            polling.poll_feeds();
            polling.sources().next_due().unwrap_or_else(|error| {
                tracing::error!(%error, "cannot read when the next feed is due");
                None
            })
        })
        .await
        .unwrap_or_else(|error| {
            tracing::error!(%error, "feed polling panicked");
            None
        });
        let longest = handler.sources().poll_interval().as_secs().clamp(1, 60) as i64;
        let wait = next.map_or(longest, |due| (due - crate::state::now()).clamp(1, longest));
        tokio::time::sleep(Duration::from_secs(wait as u64)).await;
    }
}

fn internal(error: &dyn std::fmt::Display) -> UserError {
    tracing::error!(%error, "command failed");
    UserError::Internal
}

fn ask_error(error: AskError) -> UserError {
    match error {
        AskError::Question(e) => UserError::BadQuestion(e.to_string()),
        AskError::Index(IndexError::Busy(_)) => UserError::Busy,
        AskError::Index(error) => internal(&error),
    }
}

fn sources_error(error: SourcesError) -> UserError {
    if error.is_users() {
        UserError::Refused(error.to_string())
    } else {
        internal(&error)
    }
}

fn track_error(error: TrackError) -> UserError {
    match error {
        TrackError::Unusable(message) => UserError::BadQuestion(message),
        error => internal(&error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::State;
    use crate::testing::{Fixture, article};

    fn fixture_with(state: State) -> Fixture {
        let strike = article(
            "Drones strike airbases",
            "Kyiv Post",
            "2025-06-01",
            &["Ukraine's security service said 117 drones were used in the operation."],
        );
        Fixture::with_state(&[("strike.md", &strike)], state)
    }

    /// A handler allowing `burst` commands per member a minute.
    fn handler(fixture: &Fixture, burst: u32, track_open: bool) -> Handler {
        let tracker = Arc::new(Tracker::new(fixture.state.clone(), 5));
        let limiter = RateLimiter::new(burst, Duration::from_secs(60));
        Handler::new(fixture.sources(), tracker, limiter, track_open)
    }

    fn actor(user: &str, moderator: bool) -> Actor {
        Actor {
            user: user.into(),
            platform: "console",
            room: "newsroom".into(),
            moderator,
        }
    }

    fn upload(name: &str, text: &str) -> Command {
        let text = article("Update", "Reuters", "2025-06-02", &[text]);
        Command::AddSource(NewSource::Upload {
            name: name.into(),
            bytes: text.into_bytes(),
        })
    }

    fn error(reply: Reply) -> UserError {
        match reply {
            Reply::Error(error) => error,
            other => panic!("an error, not {other:?}"),
        }
    }

    #[test]
    fn members_ask_and_moderators_change_the_sources() {
        let fixture = fixture_with(State::in_memory());
        let handler = handler(&fixture, 10, false);
        let member = actor("ana", false);
        let ask = Command::Ask {
            question: "how many drones were used?".into(),
        };
        let Reply::Answer(response) = handler.handle(&member, ask) else {
            panic!("an answer")
        };
        assert_eq!(response.answer.unwrap().text.as_deref(), Some("117"));

        for command in [
            upload("talks.md", "The talks lasted an hour."),
            Command::Reindex,
        ] {
            let name = command.spec().name;
            assert_eq!(
                error(handler.handle(&member, command)),
                UserError::Forbidden { command: name }
            );
        }
        let track = Command::TrackSearch {
            query: "talks".into(),
        };
        assert!(matches!(
            error(handler.handle(&member, track)),
            UserError::Forbidden { .. }
        ));
        let Reply::Help { commands } = handler.handle(&member, Command::Help) else {
            panic!("help")
        };
        assert!(commands.iter().all(|c| c.permission == Permission::Anyone));

        let moderator = actor("mod", true);
        let reply = handler.handle(&moderator, upload("talks.md", "The talks lasted an hour."));
        assert!(matches!(reply, Reply::SourceAdded(_)), "{reply:?}");
        assert_eq!(fixture.live.get().report().sources.len(), 2);
    }

    #[test]
    fn a_channels_tracking_alerts_it_when_a_source_is_added() {
        let fixture = fixture_with(State::in_memory());
        let handler = handler(&fixture, 10, true);
        let member = actor("ana", false);
        let track = Command::TrackSearch {
            query: "bridge repairs".into(),
        };
        let Reply::Subscribed(subscription) = handler.handle(&member, track) else {
            panic!("subscribed")
        };
        let text = "Crews began bridge repairs on Tuesday.";
        handler.handle(&actor("mod", true), upload("bridge.md", text));

        let mut sent = Vec::new();
        handler.deliver_alerts("console", |alert| {
            sent.push(alert.clone());
            Ok(())
        });
        let [alert] = sent.as_slice() else {
            panic!("one alert: {sent:?}")
        };
        assert_eq!(alert.subscription, subscription.id);
        assert_eq!(alert.channel, member.channel());
        // Delivered alerts are not sent again.
        handler.deliver_alerts("console", |alert| panic!("sent twice: {alert:?}"));

        // Another channel cannot remove this channel's subscription.
        let elsewhere = Actor {
            room: "elsewhere".into(),
            ..member.clone()
        };
        let untrack = Command::Untrack {
            id: subscription.id,
        };
        assert!(matches!(
            error(handler.handle(&elsewhere, untrack.clone())),
            UserError::Usage(_)
        ));
        assert!(matches!(
            handler.handle(&member, untrack),
            Reply::Unsubscribed { .. }
        ));
    }

    #[test]
    fn an_alert_the_platform_fails_to_take_is_retried_in_order() {
        let fixture = fixture_with(State::in_memory());
        let handler = handler(&fixture, 10, true);
        let member = actor("ana", false);
        for query in ["bridge", "ferries"] {
            let track = Command::TrackSearch {
                query: query.into(),
            };
            handler.handle(&member, track);
        }
        let moderator = actor("mod", true);
        handler.handle(&moderator, upload("bridge.md", "The bridge reopened."));
        handler.handle(&moderator, upload("ferries.md", "Ferries stopped running."));

        let mut tried = 0;
        handler.deliver_alerts("console", |_| {
            tried += 1;
            Err(Undelivered::Failed("HTTP 503".into()))
        });
        assert_eq!(tried, 1, "a failure stops the round");
        let mut sent = Vec::new();
        handler.deliver_alerts("console", |alert| {
            sent.push(alert.id);
            Ok(())
        });
        assert_eq!(sent.len(), 2);
        assert!(sent.is_sorted(), "oldest first: {sent:?}");
    }

    #[test]
    fn members_asking_too_fast_are_limited_and_moderators_are_not() {
        let fixture = fixture_with(State::in_memory());
        let handler = handler(&fixture, 2, false);
        let member = actor("ana", false);
        let search = || Command::Search {
            query: "drones".into(),
            page: 0,
        };
        assert!(matches!(
            handler.handle(&member, search()),
            Reply::Passages { .. }
        ));
        assert!(handler.passage(&member, "strike", 0).is_ok());
        assert!(matches!(
            error(handler.handle(&member, search())),
            UserError::RateLimited { .. }
        ));
        assert!(matches!(
            handler.passage(&member, "strike", 0),
            Err(UserError::RateLimited { .. })
        ));
        // Help stays available, and another member has a limit of their own.
        assert!(matches!(
            handler.handle(&member, Command::Help),
            Reply::Help { .. }
        ));
        assert!(matches!(
            handler.handle(&actor("bo", false), search()),
            Reply::Passages { .. }
        ));
        let moderator = actor("mod", true);
        for _ in 0..5 {
            assert!(matches!(
                handler.handle(&moderator, search()),
                Reply::Passages { .. }
            ));
        }
    }

    #[test]
    fn a_damaged_state_file_turns_tracking_off_and_questions_still_work() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite");
        std::fs::write(&path, b"this is not a SQLite database, only text").unwrap();
        let fixture = fixture_with(State::open_or_memory(&path));
        let handler = handler(&fixture, 10, true);
        let member = actor("ana", false);
        let track = Command::TrackSearch {
            query: "drones".into(),
        };
        assert_eq!(
            error(handler.handle(&member, track)),
            UserError::TrackingUnavailable
        );
        assert_eq!(
            error(handler.handle(&member, Command::Tracked)),
            UserError::TrackingUnavailable
        );
        let ask = Command::Ask {
            question: "how many drones were used?".into(),
        };
        assert!(matches!(handler.handle(&member, ask), Reply::Answer(_)));
        // The damaged file is left as it was, for the moderators to inspect.
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"this is not a SQLite database, only text"
        );
    }
}
