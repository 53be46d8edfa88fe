//! The one command table (Discord registration, Matrix `!help` and the console all read
//! it) and the pure parser from a line of text to a typed `Command`.

use super::UserError;

/// Who may run a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Anyone,
    /// Moderators, or anyone when tracking is open (`SITREP_TRACK_OPEN`).
    Tracking,
    Moderator,
}

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Ask {
        question: String,
    },
    /// `page` counts from 0; chat platforms page with buttons.
    Search {
        query: String,
        page: usize,
    },
    Sources,
    AddSource(NewSource),
    RemoveSource {
        id: String,
    },
    /// The channel's standing searches and questions.
    Tracked,
    TrackSearch {
        query: String,
    },
    TrackQuestion {
        question: String,
    },
    Untrack {
        id: i64,
    },
    Brief {
        since: Option<chrono::DateTime<chrono::Utc>>,
    },
    Help,
    Reindex,
}

/// What `sources add` adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewSource {
    /// A web page.
    Page(String),
    /// A feed, polled from now on.
    Feed(String),
    /// A file sent with the command (Matrix file message, console path).
    Upload { name: String, bytes: Vec<u8> },
    /// A file the platform holds at a URL (a Discord attachment).
    Attachment { name: String, url: String },
}

/// One row of the command table: a command's name, argument, summary, who may run it,
/// and how its argument becomes the typed `Command`. A name of two words is a subcommand
/// of the first; the group's one-word entry, if any, is what the bare group word does.
#[derive(Debug)]
pub struct CommandSpec {
    pub name: &'static str,
    pub argument: Option<Argument>,
    pub summary: &'static str,
    pub permission: Permission,
    /// The command, from its argument once checked against `argument` ("" if none).
    build: fn(String) -> Result<Command, UserError>,
}

#[derive(Debug)]
pub struct Argument {
    pub name: &'static str,
    pub description: &'static str,
    pub max_chars: usize,
    pub required: bool,
    pub kind: ArgumentKind,
}

/// What an argument holds, for parsing it and for the clients that offer more than text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgumentKind {
    /// Words: a question, a query.
    Text,
    /// A date (2025-06-01) or a duration back from now (24h, 7d).
    Since,
    /// A page's URL, or `--feed` and a feed's URL (Discord: a flag, and a file instead).
    Source,
    /// The id of a source or feed, as `sources` lists it.
    SourceId,
    /// The number of a standing search or question, as `track` lists it.
    SubscriptionId,
}

impl Argument {
    /// It names something that exists (a source, a subscription): clients that can offer
    /// the choices as it is typed (`Handler::suggestions`).
    pub fn suggested(&self) -> bool {
        matches!(
            self.kind,
            ArgumentKind::SourceId | ArgumentKind::SubscriptionId
        )
    }
}

const QUESTION_CHARS: usize = crate::answer::question::MAX_QUESTION_CHARS;

const fn text(name: &'static str, description: &'static str) -> Option<Argument> {
    Some(Argument {
        name,
        description,
        max_chars: QUESTION_CHARS,
        required: true,
        kind: ArgumentKind::Text,
    })
}

pub const ASK: CommandSpec = CommandSpec {
    name: "ask",
    argument: text("question", "Your question, in plain words"),
    summary: "Answer a question with the sentence that says so, cited",
    permission: Permission::Anyone,
    build: |question| Ok(Command::Ask { question }),
};

pub const SEARCH: CommandSpec = CommandSpec {
    name: "search",
    argument: text("query", "Words to look for"),
    summary: "List the passages that best match some words",
    permission: Permission::Anyone,
    build: |query| Ok(Command::Search { query, page: 0 }),
};

pub const BRIEF: CommandSpec = CommandSpec {
    name: "brief",
    argument: Some(Argument {
        name: "since",
        description: "A date (2025-06-01) or a duration (24h, 7d); default: the last 24 hours",
        max_chars: 40,
        required: false,
        kind: ArgumentKind::Since,
    }),
    summary: "What was added since a date or for a while, by story, newest first",
    permission: Permission::Anyone,
    build: |since| {
        let since = Some(since)
            .filter(|s| !s.is_empty())
            .map(|s| crate::track::parse_since(&s, chrono::Utc::now()))
            .transpose()
            .map_err(UserError::Usage)?;
        Ok(Command::Brief { since })
    },
};

pub const SOURCES: CommandSpec = CommandSpec {
    name: "sources",
    argument: None,
    summary: "List the articles and feeds, with dates, passages and feed errors",
    permission: Permission::Anyone,
    build: |_| Ok(Command::Sources),
};

pub const SOURCES_ADD: CommandSpec = CommandSpec {
    name: "sources add",
    argument: Some(Argument {
        name: "url",
        description: "A web page's URL, or --feed and a feed's URL",
        max_chars: 2000,
        required: true,
        kind: ArgumentKind::Source,
    }),
    summary: "Add a web page, a feed (--feed) or a file (moderators)",
    permission: Permission::Moderator,
    build: |url| {
        Ok(Command::AddSource(match url.strip_prefix("--feed") {
            Some(feed) if feed.starts_with(char::is_whitespace) => {
                NewSource::Feed(feed.trim().to_string())
            }
            _ => NewSource::Page(url),
        }))
    },
};

pub const SOURCES_REMOVE: CommandSpec = CommandSpec {
    name: "sources remove",
    argument: Some(Argument {
        name: "id",
        description: "The id of a source or feed, as `sources` lists it",
        max_chars: 200,
        required: true,
        kind: ArgumentKind::SourceId,
    }),
    summary: "Remove a source or stop polling a feed (moderators)",
    permission: Permission::Moderator,
    build: |id| Ok(Command::RemoveSource { id }),
};

pub const TRACK: CommandSpec = CommandSpec {
    name: "track",
    argument: None,
    summary: "List this channel's standing searches and questions",
    permission: Permission::Anyone,
    build: |_| Ok(Command::Tracked),
};

pub const TRACK_ADD: CommandSpec = CommandSpec {
    name: "track add",
    argument: text("query", "Words every new passage must contain"),
    summary: "Post new passages with these words here, after each update",
    permission: Permission::Tracking,
    build: |query| Ok(Command::TrackSearch { query }),
};

pub const TRACK_ASK: CommandSpec = CommandSpec {
    name: "track ask",
    argument: text("question", "A question whose answer may change"),
    summary: "Post here when the answer to a question changes",
    permission: Permission::Tracking,
    build: |question| Ok(Command::TrackQuestion { question }),
};

pub const TRACK_REMOVE: CommandSpec = CommandSpec {
    name: "track remove",
    argument: Some(Argument {
        name: "id",
        description: "The number `track` lists",
        max_chars: 20,
        required: true,
        kind: ArgumentKind::SubscriptionId,
    }),
    summary: "Stop a standing search or question",
    permission: Permission::Tracking,
    build: |id| {
        let number = id
            .trim_start_matches('#')
            .parse()
            .map_err(|_| UserError::Usage(format!("{id:?} is not a number `track` lists")))?;
        Ok(Command::Untrack { id: number })
    },
};

pub const HELP: CommandSpec = CommandSpec {
    name: "help",
    argument: None,
    summary: "Show the commands",
    permission: Permission::Anyone,
    build: |_| Ok(Command::Help),
};

pub const REINDEX: CommandSpec = CommandSpec {
    name: "reindex",
    argument: None,
    summary: "Rebuild the index from the sources (moderators)",
    permission: Permission::Moderator,
    build: |_| Ok(Command::Reindex),
};

/// Every command sitrep understands, on every platform, in the order help lists them.
pub const COMMANDS: &[&CommandSpec] = &[
    &ASK,
    &SEARCH,
    &BRIEF,
    &SOURCES,
    &SOURCES_ADD,
    &SOURCES_REMOVE,
    &TRACK,
    &TRACK_ADD,
    &TRACK_ASK,
    &TRACK_REMOVE,
    &HELP,
    &REINDEX,
];

impl Command {
    /// The table entry of this command.
    pub fn spec(&self) -> &'static CommandSpec {
        match self {
            Command::Ask { .. } => &ASK,
            Command::Search { .. } => &SEARCH,
            Command::Sources => &SOURCES,
            Command::AddSource(_) => &SOURCES_ADD,
            Command::RemoveSource { .. } => &SOURCES_REMOVE,
            Command::Tracked => &TRACK,
            Command::TrackSearch { .. } => &TRACK_ADD,
            Command::TrackQuestion { .. } => &TRACK_ASK,
            Command::Untrack { .. } => &TRACK_REMOVE,
            Command::Brief { .. } => &BRIEF,
            Command::Help => &HELP,
            Command::Reindex => &REINDEX,
        }
    }
}

/// The table entry named `name` (`track remove`).
pub fn spec(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().copied().find(|c| c.name == name)
}

impl CommandSpec {
    /// How the command is typed: `track add <query>`, `brief [since]`.
    pub fn usage(&self) -> String {
        match &self.argument {
            Some(arg) if arg.required => format!("{} <{}>", self.name, arg.name),
            Some(arg) => format!("{} [{}]", self.name, arg.name),
            None => self.name.to_string(),
        }
    }
}

/// The command a line names (a two-word one first: `track add …`) and the rest of the line.
pub fn invoked(line: &str) -> Option<(&'static CommandSpec, &str)> {
    let line = line.trim();
    let mut words = line.splitn(3, char::is_whitespace);
    // Sliced by the word as typed: lower-casing may change its length ("K", the Kelvin sign).
    let typed = words.next().unwrap_or("");
    let first = typed.to_lowercase();
    let second = words.next().unwrap_or("");
    match spec(&format!("{first} {}", second.to_lowercase())) {
        Some(spec) => Some((spec, words.next().unwrap_or(""))),
        None => spec(&first).map(|spec| (spec, line[typed.len()..].trim_start())),
    }
}

/// Whether the words after a one-word command fit its form: "brief me on the talks" and
/// "sources say…" are questions. A two-word command ("track remove three") was meant as
/// one, and gets its usage.
fn fits(spec: &CommandSpec, rest: &str) -> bool {
    if spec.name.contains(' ') || rest.is_empty() {
        return true;
    }
    match &spec.argument {
        Some(arg) if arg.kind == ArgumentKind::Since => {
            crate::track::parse_since(rest, chrono::Utc::now()).is_ok()
        }
        Some(_) => true,
        None => false,
    }
}

/// Parses `name [argument]`. A line that names no command, or starts with a one-word
/// command but does not fit its form, is a question.
pub fn parse(line: &str) -> Result<Command, UserError> {
    let line = line.trim();
    if line.is_empty() {
        return Err(UserError::Usage(
            "type a question, or `help` for the commands".into(),
        ));
    }
    let Some((spec, rest)) = invoked(line) else {
        return Ok(Command::Ask {
            question: line.to_string(),
        });
    };
    let rest = rest.trim();
    if !fits(spec, rest) {
        return Ok(Command::Ask {
            question: line.to_string(),
        });
    }
    spec.with_argument(rest)
}

impl CommandSpec {
    /// This command with its argument as given (a slash command's option, or the rest of a
    /// typed line), checked against the table: present when required, not too long, of
    /// the right form.
    pub fn with_argument(&self, argument: &str) -> Result<Command, UserError> {
        let spec = self;
        let rest = argument.trim();
        let usage = || UserError::Usage(usage_of_group(spec));
        match (&spec.argument, rest.is_empty()) {
            (Some(arg), true) if arg.required => return Err(usage()),
            (Some(arg), false) if rest.chars().count() > arg.max_chars => {
                return Err(UserError::Usage(format!(
                    "the {} is too long: keep it under {} characters",
                    arg.name, arg.max_chars
                )));
            }
            (None, false) => return Err(usage()),
            _ => {}
        }
        (spec.build)(rest.to_string())
    }
}

/// The usage of a command and of the other commands of its group.
fn usage_of_group(spec: &CommandSpec) -> String {
    let group = spec.name.split(' ').next().unwrap_or(spec.name);
    let forms: Vec<String> = COMMANDS
        .iter()
        .copied()
        .filter(|c| c.name.split(' ').next() == Some(group))
        .map(CommandSpec::usage)
        .collect();
    format!("usage: {}", forms.join(" | "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar() {
        let ask = |q: &str| Ok(Command::Ask { question: q.into() });
        let table: &[(&str, Result<Command, UserError>)] = &[
            ("ask how many drones?", ask("how many drones?")),
            ("  ASK   who leads? ", ask("who leads?")),
            (
                "who leads Russia's delegation?",
                ask("who leads Russia's delegation?"),
            ),
            (
                "search drone strike",
                Ok(Command::Search {
                    query: "drone strike".into(),
                    page: 0,
                }),
            ),
            ("sources", Ok(Command::Sources)),
            ("help", Ok(Command::Help)),
            ("reindex", Ok(Command::Reindex)),
            ("ask", Err(UserError::Usage("usage: ask <question>".into()))),
            // A one-word command followed by words that do not fit it is a question.
            ("sources now", ask("sources now")),
            (
                "sources say the talks failed?",
                ask("sources say the talks failed?"),
            ),
            ("brief me on the talks", ask("brief me on the talks")),
            (
                "help me find the SBU chief",
                ask("help me find the SBU chief"),
            ),
            (
                "sources add https://example.org/a",
                Ok(Command::AddSource(NewSource::Page(
                    "https://example.org/a".into(),
                ))),
            ),
            (
                "Sources Add --feed  https://example.org/rss",
                Ok(Command::AddSource(NewSource::Feed(
                    "https://example.org/rss".into(),
                ))),
            ),
            (
                "sources remove example-org-talks",
                Ok(Command::RemoveSource {
                    id: "example-org-talks".into(),
                }),
            ),
            ("track", Ok(Command::Tracked)),
            (
                "track add drone strike",
                Ok(Command::TrackSearch {
                    query: "drone strike".into(),
                }),
            ),
            (
                "track ask how many warplanes were hit?",
                Ok(Command::TrackQuestion {
                    question: "how many warplanes were hit?".into(),
                }),
            ),
            ("track remove #3", Ok(Command::Untrack { id: 3 })),
            (
                "track remove three",
                Err(UserError::Usage(
                    "\"three\" is not a number `track` lists".into(),
                )),
            ),
            ("brief", Ok(Command::Brief { since: None })),
            // "K" (the Kelvin sign) lower-cases to an ASCII "k" of another length.
            ("trac\u{212A}", Ok(Command::Tracked)),
            (
                "trac\u{212A} add the bridge",
                Ok(Command::TrackSearch {
                    query: "the bridge".into(),
                }),
            ),
            ("track the bridge", ask("track the bridge")),
            (
                "",
                Err(UserError::Usage(
                    "type a question, or `help` for the commands".into(),
                )),
            ),
        ];
        for (line, expected) in table {
            assert_eq!(&parse(line), expected, "{line:?}");
        }
        assert!(
            matches!(parse(&format!("ask {}", "x".repeat(600))), Err(UserError::Usage(m)) if m.contains("too long"))
        );
        // A duration is taken back from now, when the command is read.
        let day_ago = chrono::Utc::now() - chrono::Duration::hours(24);
        let Ok(Command::Brief { since: Some(since) }) = parse("brief 24h") else {
            panic!("a brief since a time")
        };
        assert!((since - day_ago).num_seconds().abs() < 60, "{since}");
        assert!(matches!(
            BRIEF.with_argument("me on the talks"),
            Err(UserError::Usage(_))
        ));
    }

    #[test]
    fn every_command_round_trips_through_the_table() {
        for spec in COMMANDS {
            // "7d" reads as a time for `brief`, "7" as a number for the rest.
            let line = match &spec.argument {
                Some(arg) if arg.kind == ArgumentKind::Since => format!("{} 7d", spec.name),
                Some(_) => format!("{} 7", spec.name),
                None => spec.name.to_string(),
            };
            assert_eq!(parse(&line).unwrap().spec().name, spec.name);
        }
    }
}
