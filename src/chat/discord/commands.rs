//! The slash commands, from the one command table, and back from an interaction to a
//! `bot::Command`.

use super::*;

/// The slash commands, from the one command table: a two-word entry is a subcommand of its
/// group (`/track add`), the group's bare entry its `list` subcommand. Moderator-only
/// commands need Manage Server by default (server admins may change that, so it is checked
/// again at run time).
pub fn commands() -> Vec<CreateCommand> {
    let mut groups: Vec<&str> = Vec::new();
    for spec in COMMANDS {
        let group = spec.name.split(' ').next().unwrap_or(spec.name);
        if !groups.contains(&group) {
            groups.push(group);
        }
    }
    groups
        .into_iter()
        .map(|group| {
            let members: Vec<&CommandSpec> = COMMANDS
                .iter()
                .copied()
                .filter(|c| c.name.split(' ').next() == Some(group))
                .collect();
            let mut command = CreateCommand::new(group)
                .description(cut(members[0].summary, limits::COMMAND_DESCRIPTION))
                .dm_permission(false);
            if let [single] = members[..] {
                for option in options(single) {
                    command = command.add_option(option);
                }
            } else {
                for spec in &members {
                    let name = spec.name.split_once(' ').map_or(LIST, |(_, sub)| sub);
                    let mut sub = CreateCommandOption::new(
                        CommandOptionType::SubCommand,
                        name,
                        cut(spec.summary, limits::COMMAND_DESCRIPTION),
                    );
                    for option in options(spec) {
                        sub = sub.add_sub_option(option);
                    }
                    command = command.add_option(sub);
                }
            }
            if members
                .iter()
                .all(|m| m.permission == Permission::Moderator)
            {
                command = command.default_member_permissions(Permissions::MANAGE_GUILD);
            }
            command
        })
        .collect()
}

/// The subcommand that stands for a group's bare entry (`/sources list`).
pub(super) const LIST: &str = "list";

/// A command's options: its argument; `sources add` also takes a feed flag and a file.
pub(super) fn options(spec: &CommandSpec) -> Vec<CreateCommandOption> {
    let mut out = Vec::new();
    let argument = spec.argument.as_ref();
    let adds_sources = argument.is_some_and(|arg| arg.kind == ArgumentKind::Source);
    if let Some(arg) = argument {
        out.push(
            CreateCommandOption::new(CommandOptionType::String, arg.name, arg.description)
                .required(arg.required && !adds_sources)
                .set_autocomplete(arg.suggested())
                .max_length(arg.max_chars.min(limits::STRING_OPTION) as u16),
        );
    }
    if adds_sources {
        out.push(CreateCommandOption::new(
            CommandOptionType::Boolean,
            FEED,
            "The URL is a feed (RSS, Atom, JSON): poll it for new articles",
        ));
        out.push(CreateCommandOption::new(
            CommandOptionType::Attachment,
            FILE,
            "A text, Markdown or HTML file to add",
        ));
    }
    out
}

pub(super) const FEED: &str = "feed";
pub(super) const FILE: &str = "file";

/// The `bot` command for a slash command: the table entry its name (with the subcommand)
/// names, given its string option directly; an attached file is added as it is.
pub fn command_of(interaction: &CommandInteraction) -> Result<Command, UserError> {
    let data = &interaction.data;
    let (name, options) = table_name(data);
    let mut argument = None;
    let mut feed = false;
    for option in options {
        match &option.value {
            CommandDataOptionValue::String(s) => argument = Some(s.as_str()),
            CommandDataOptionValue::Boolean(b) if option.name == FEED => feed = *b,
            CommandDataOptionValue::Attachment(id) => {
                let file = data.resolved.attachments.get(id).ok_or_else(|| {
                    UserError::Usage("the attached file did not arrive; attach it again".into())
                })?;
                return Ok(Command::AddSource(NewSource::Attachment {
                    name: file.filename.clone(),
                    url: file.url.clone(),
                }));
            }
            _ => {}
        }
    }
    let spec = bot::command::spec(&name)
        .ok_or_else(|| UserError::Usage(format!("`{name}` is not a command of mine")))?;
    match argument {
        // `sources add`'s argument grammar marks a feed as the typed line does.
        Some(url) if feed => spec.with_argument(&format!("--feed {url}")),
        argument => spec.with_argument(argument.unwrap_or("")),
    }
}

/// The command table's name of a slash command (`track remove` for `/track remove`, `track`
/// for `/track list`) and its options.
pub(super) fn table_name(data: &CommandData) -> (String, &[CommandDataOption]) {
    match data.options.first().map(|o| (&o.name, &o.value)) {
        Some((sub, CommandDataOptionValue::SubCommand(options))) if sub == LIST => {
            (data.name.clone(), options.as_slice())
        }
        Some((sub, CommandDataOptionValue::SubCommand(options))) => {
            (format!("{} {sub}", data.name), options.as_slice())
        }
        _ => (data.name.clone(), data.options.as_slice()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_follows_discords_schema() {
        let json = serde_json::to_value(commands()).unwrap();
        for command in json.as_array().unwrap() {
            let name = command["name"].as_str().unwrap();
            assert!(
                name.len() <= 32
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '-' || c == '_')
            );
            assert!(command["description"].as_str().unwrap().chars().count() <= 100);
            let options = command["options"].as_array().cloned().unwrap_or_default();
            // A command has subcommands (type 1) or plain options, never both.
            let subcommands = options.iter().filter(|o| o["type"] == 1).count();
            assert!(
                subcommands == 0 || subcommands == options.len(),
                "{command}"
            );
            let leaves = options.iter().flat_map(|o| match o["type"].as_u64() {
                Some(1) => o["options"].as_array().cloned().unwrap_or_default(),
                _ => vec![o.clone()],
            });
            for option in leaves {
                match option["type"].as_u64() {
                    // Strings carry Discord's length cap.
                    Some(3) => assert!(
                        option["max_length"].as_u64().is_some_and(|n| n <= 6000),
                        "{option}"
                    ),
                    // A feed flag and a file, on `sources add` only.
                    Some(5 | 11) => assert_eq!(name, "sources"),
                    _ => panic!("unexpected option {option}"),
                }
            }
        }
        insta::assert_json_snapshot!("registration", json);
    }
}
