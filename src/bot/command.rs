//! The one command table (Discord registration, Matrix `!help` and the console all read
//! it) and the pure parser from a line of text to a typed `Command`.

use super::UserError;

/// Who may run a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Anyone,
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
    Help,
    Reindex,
}

/// One row of the command table.
#[derive(Debug)]
pub struct CommandSpec {
    pub name: &'static str,
    /// The argument, if the command takes one: (name, description, max length).
    pub argument: Option<Argument>,
    pub summary: &'static str,
    pub permission: Permission,
}

#[derive(Debug)]
pub struct Argument {
    pub name: &'static str,
    pub description: &'static str,
    pub max_chars: usize,
}

/// Every command sitrep understands, on every platform.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "ask",
        argument: Some(Argument {
            name: "question",
            description: "Your question, in plain words",
            max_chars: crate::answer::question::MAX_QUESTION_CHARS,
        }),
        summary: "Answer a question with the sentence that says so, cited",
        permission: Permission::Anyone,
    },
    CommandSpec {
        name: "search",
        argument: Some(Argument {
            name: "query",
            description: "Words to look for",
            max_chars: crate::answer::question::MAX_QUESTION_CHARS,
        }),
        summary: "List the passages that best match some words",
        permission: Permission::Anyone,
    },
    CommandSpec {
        name: "sources",
        argument: None,
        summary: "List the articles sitrep knows, with dates and passage counts",
        permission: Permission::Anyone,
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
            Command::Help => "help",
            Command::Reindex => "reindex",
        };
        spec(name).expect("every command is in the table")
    }
}

pub fn spec(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// Parses `name [argument]`. A line that names no command is a question.
pub fn parse(line: &str) -> Result<Command, UserError> {
    let line = line.trim();
    if line.is_empty() {
        return Err(UserError::Usage(
            "type a question, or `help` for the commands".into(),
        ));
    }
    let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let rest = rest.trim();
    let Some(spec) = spec(&word.to_lowercase()) else {
        return Ok(Command::Ask {
            question: line.to_string(),
        });
    };
    match (&spec.argument, rest.is_empty()) {
        (Some(arg), true) => Err(UserError::Usage(format!(
            "usage: {} <{}>",
            spec.name, arg.name
        ))),
        (Some(arg), false) if rest.chars().count() > arg.max_chars => {
            Err(UserError::Usage(format!(
                "the {} is too long: keep it under {} characters",
                arg.name, arg.max_chars
            )))
        }
        (None, false) => Err(UserError::Usage(format!(
            "`{}` takes no argument",
            spec.name
        ))),
        _ => Ok(match spec.name {
            "ask" => Command::Ask {
                question: rest.to_string(),
            },
            "search" => Command::Search {
                query: rest.to_string(),
                page: 0,
            },
            "sources" => Command::Sources,
            "help" => Command::Help,
            "reindex" => Command::Reindex,
            other => unreachable!("command {other} has no parser arm"),
        }),
    }
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
            (
                "sources now",
                Err(UserError::Usage("`sources` takes no argument".into())),
            ),
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
            let line = match &spec.argument {
                Some(_) => format!("{} something", spec.name),
                None => spec.name.to_string(),
            };
            assert_eq!(parse(&line).unwrap().spec().name, spec.name);
        }
    }
}
