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
        since: Option<String>,
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

/// One row of the command table. A name of two words is a subcommand of the first; the
/// group's one-word entry, if any, is what the bare group word does.
#[derive(Debug)]
pub struct CommandSpec {
    pub name: &'static str,
    pub argument: Option<Argument>,
    pub summary: &'static str,
    pub permission: Permission,
}

#[derive(Debug)]
pub struct Argument {
    pub name: &'static str,
    pub description: &'static str,
    pub max_chars: usize,
    pub required: bool,
    /// It names something that exists (a source, a subscription): clients that can offer
    /// the choices as it is typed (`Handler::suggestions`).
    pub suggested: bool,
}

const QUESTION_CHARS: usize = crate::answer::question::MAX_QUESTION_CHARS;

/// Every command sitrep understands, on every platform.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "ask",
        argument: Some(Argument {
            name: "question",
            description: "Your question, in plain words",
            max_chars: QUESTION_CHARS,
            required: true,
            suggested: false,
        }),
        summary: "Answer a question with the sentence that says so, cited",
        permission: Permission::Anyone,
    },
    CommandSpec {
        name: "search",
        argument: Some(Argument {
            name: "query",
            description: "Words to look for",
            max_chars: QUESTION_CHARS,
            required: true,
            suggested: false,
        }),
        summary: "List the passages that best match some words",
        permission: Permission::Anyone,
    },
    CommandSpec {
        name: "brief",
        argument: Some(Argument {
            name: "since",
            description: "A date (2025-06-01) or a duration (24h, 7d); default: the last 24 hours",
            max_chars: 40,
            required: false,
            suggested: false,
        }),
        summary: "What was added since a date or for a while, by story, newest first",
        permission: Permission::Anyone,
    },
    CommandSpec {
        name: "sources",
        argument: None,
        summary: "List the articles and feeds, with dates, passages and feed errors",
        permission: Permission::Anyone,
    },
    CommandSpec {
        name: "sources add",
        argument: Some(Argument {
            name: "url",
            description: "A web page's URL, or --feed and a feed's URL",
            max_chars: 2000,
            required: true,
            suggested: false,
        }),
        summary: "Add a web page, a feed (--feed) or a file (moderators)",
        permission: Permission::Moderator,
    },
    CommandSpec {
        name: "sources remove",
        argument: Some(Argument {
            name: "id",
            description: "The id of a source or feed, as `sources` lists it",
            max_chars: 200,
            required: true,
            suggested: true,
        }),
        summary: "Remove a source or stop polling a feed (moderators)",
        permission: Permission::Moderator,
    },
    CommandSpec {
        name: "track",
        argument: None,
        summary: "List this channel's standing searches and questions",
        permission: Permission::Anyone,
    },
    CommandSpec {
        name: "track add",
        argument: Some(Argument {
            name: "query",
            description: "Words every new passage must contain",
            max_chars: QUESTION_CHARS,
            required: true,
            suggested: false,
        }),
        summary: "Post new passages with these words here, after each update",
        permission: Permission::Tracking,
    },
    CommandSpec {
        name: "track ask",
        argument: Some(Argument {
            name: "question",
            description: "A question whose answer may change",
            max_chars: QUESTION_CHARS,
            required: true,
            suggested: false,
        }),
        summary: "Post here when the answer to a question changes",
        permission: Permission::Tracking,
    },
    CommandSpec {
        name: "track remove",
        argument: Some(Argument {
            name: "id",
            description: "The number `track` lists",
            max_chars: 20,
            required: true,
            suggested: true,
        }),
        summary: "Stop a standing search or question",
        permission: Permission::Tracking,
    },
    CommandSpec {
        name: "help",
        argument: None,
        summary: "Show the commands",
        permission: Permission::Anyone,
    },
    CommandSpec {
        name: "reindex",
        argument: None,
        summary: "Rebuild the index from the sources (moderators)",
        permission: Permission::Moderator,
    },
];

impl Command {
    pub fn spec(&self) -> &'static CommandSpec {
        let name = match self {
            Command::Ask { .. } => "ask",
            Command::Search { .. } => "search",
            Command::Sources => "sources",
            Command::AddSource(_) => "sources add",
            Command::RemoveSource { .. } => "sources remove",
            Command::Tracked => "track",
            Command::TrackSearch { .. } => "track add",
            Command::TrackQuestion { .. } => "track ask",
            Command::Untrack { .. } => "track remove",
            Command::Brief { .. } => "brief",
            Command::Help => "help",
            Command::Reindex => "reindex",
        };
        spec(name).expect("every command is in the table")
    }
}

pub fn spec(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|c| c.name == name)
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
    match spec.name {
        "brief" => crate::track::parse_since(rest, chrono::Utc::now()).is_ok(),
        _ => spec.argument.is_some(),
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
    pub fn with_argument(&'static self, argument: &str) -> Result<Command, UserError> {
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
        let rest = rest.to_string();
        Ok(match spec.name {
            "ask" => Command::Ask { question: rest },
            "search" => Command::Search {
                query: rest,
                page: 0,
            },
            "brief" => Command::Brief {
                since: Some(rest).filter(|s| !s.is_empty()),
            },
            "sources" => Command::Sources,
            "sources add" => Command::AddSource(match rest.strip_prefix("--feed") {
                Some(url) if url.starts_with(char::is_whitespace) => {
                    NewSource::Feed(url.trim().to_string())
                }
                _ => NewSource::Page(rest),
            }),
            "sources remove" => Command::RemoveSource { id: rest },
            "track" => Command::Tracked,
            "track add" => Command::TrackSearch { query: rest },
            "track ask" => Command::TrackQuestion { question: rest },
            "track remove" => Command::Untrack {
                id: rest.trim_start_matches('#').parse().map_err(|_| {
                    UserError::Usage(format!("{rest:?} is not a number `track` lists"))
                })?,
            },
            "help" => Command::Help,
            "reindex" => Command::Reindex,
            other => unreachable!("command {other} has no parser arm"),
        })
    }
}

/// The usage of a command and of the other commands of its group.
fn usage_of_group(spec: &CommandSpec) -> String {
    let group = spec.name.split(' ').next().unwrap_or(spec.name);
    let forms: Vec<String> = COMMANDS
        .iter()
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
                "brief 24h",
                Ok(Command::Brief {
                    since: Some("24h".into()),
                }),
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
    }

    #[test]
    fn every_command_round_trips_through_the_table() {
        for spec in COMMANDS {
            // "7d" reads as a time for `brief`, "7" as a number for the rest.
            let line = match &spec.argument {
                Some(_) if spec.name == "brief" => "brief 7d".to_string(),
                Some(_) => format!("{} 7", spec.name),
                None => spec.name.to_string(),
            };
            assert_eq!(parse(&line).unwrap().spec().name, spec.name);
        }
    }
}
