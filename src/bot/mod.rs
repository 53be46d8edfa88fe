//! The command layer shared by every chat platform: a typed `Command` from one table, the
//! `Actor` who sent it, and a platform-neutral `Reply`. Adapters in `chat` only translate.

pub mod command;
mod ratelimit;

use std::sync::Arc;
use std::time::{Duration, Instant};

pub use command::{COMMANDS, Command, CommandSpec, Permission, parse};
pub use ratelimit::RateLimiter;

use crate::answer::{self, AskError, Found, Response};
use crate::index::{BuildReport, IndexError, Live};

/// Passages listed by `search`.
pub const SEARCH_LIMIT: usize = 5;

/// Who sent a command, and from where.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: String,
    pub room: String,
    /// Decided by the adapter from the platform's roles or power levels.
    pub moderator: bool,
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
    Sources(BuildReport),
    Help {
        moderator: bool,
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
    /// The command needs a moderator.
    #[error("only moderators may use `{command}`")]
    Forbidden { command: &'static str },
    /// The user sent too many commands too fast.
    #[error("you're asking faster than I can keep up; try again in {} s", retry_after.as_secs().max(1))]
    RateLimited { retry_after: Duration },
    /// A rebuild is already running.
    #[error("a reindex is already running; try again when it has finished")]
    Busy,
    /// Something broke on our side; it has been logged.
    #[error("something went wrong on my side; the moderators can find the details in the log")]
    Internal,
}

/// Runs commands against the live index.
pub struct Handler {
    live: Arc<Live>,
    limiter: RateLimiter,
}

impl Handler {
    pub fn new(live: Arc<Live>, limiter: RateLimiter) -> Self {
        Handler { live, limiter }
    }

    pub fn live(&self) -> &Arc<Live> {
        &self.live
    }

    /// Handles one command. Blocking: adapters call it off their event loop.
    pub fn handle(&self, actor: &Actor, command: Command) -> Reply {
        let spec = command.spec();
        if spec.permission == Permission::Moderator && !actor.moderator {
            return Reply::Error(UserError::Forbidden { command: spec.name });
        }
        if !actor.moderator
            && command != Command::Help
            && let Err(retry_after) = self.limiter.check(&actor.user, Instant::now())
        {
            return Reply::Error(UserError::RateLimited { retry_after });
        }
        let result = match command {
            Command::Ask { question } => {
                answer::ask(&self.live.get(), &question).map(|r| Reply::Answer(Box::new(r)))
            }
            Command::Search { query, page } => {
                answer::search(&self.live.get(), &query, SEARCH_LIMIT, page * SEARCH_LIMIT)
                    .map(|found| Reply::Passages { query, page, found })
            }
            Command::Sources => Ok(Reply::Sources(self.live.get().report().clone())),
            Command::Help => Ok(Reply::Help {
                moderator: actor.moderator,
            }),
            Command::Reindex => self
                .live
                .rebuild(|_| {})
                .map(Reply::Reindexed)
                .map_err(AskError::Index),
        };
        result.unwrap_or_else(|error| Reply::Error(user_error(error)))
    }
}

fn user_error(error: AskError) -> UserError {
    match error {
        AskError::Question(e) => UserError::BadQuestion(e.to_string()),
        AskError::Index(IndexError::Busy(_)) => UserError::Busy,
        AskError::Index(error) => {
            tracing::error!(%error, "command failed");
            UserError::Internal
        }
    }
}

/// The citation of a source as every platform shows it: title (or id), outlet, date.
pub fn citation(source: &crate::index::SourceInfo) -> String {
    let mut parts = vec![match &source.title {
        Some(title) => format!("“{title}” ({})", source.id),
        None => source.id.clone(),
    }];
    parts.extend(source.outlet.clone());
    parts.push(
        source
            .published
            .map_or_else(|| "undated".to_string(), |d| d.to_string()),
    );
    parts.join(", ")
}
