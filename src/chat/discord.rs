//! Discord: slash commands over the gateway (serenity) and through an HTTP interactions
//! endpoint (axum; every request's Ed25519 signature is checked over the raw body before
//! anything is parsed). Both modes share one translation: interaction → `bot::Command` →
//! `Reply` → Discord response. No business logic lives here.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serenity::all::{
    ButtonStyle, ChannelId, CommandData, CommandDataOption, CommandDataOptionValue,
    CommandInteraction, CommandOptionType, ComponentInteraction, Context, CreateActionRow,
    CreateAllowedMentions, CreateAutocompleteResponse, CreateButton, CreateCommand,
    CreateCommandOption, CreateEmbed, CreateInteractionResponse, CreateInteractionResponseMessage,
    CreateMessage, EditInteractionResponse, EventHandler, GatewayIntents, GuildId, Http,
    HttpBuilder, Interaction, Nonce, Permissions, Ready,
};
use serenity::interactions_endpoint::Verifier;

use super::console::Emphasis;
use super::cut;
use super::render::{self, AnswerView, Piece, Quoted};
use crate::answer::Response as Answer;
use crate::bot::{
    self, Actor, COMMANDS, Command, CommandSpec, Handler, NewSource, Permission, Reply,
    Undelivered, UserError,
};
use crate::index::BuildReport;
use crate::track::Alert;

/// Discord's limits on what a message may hold.
pub mod limits {
    pub const CONTENT: usize = 2000;
    pub const EMBED_TITLE: usize = 256;
    pub const EMBED_DESCRIPTION: usize = 4096;
    pub const FIELD_NAME: usize = 256;
    pub const FIELD_VALUE: usize = 1024;
    pub const EMBED_TOTAL: usize = 6000;
    pub const CUSTOM_ID: usize = 100;
    pub const COMMAND_DESCRIPTION: usize = 100;
    pub const STRING_OPTION: usize = 6000;
    pub const CHOICE_NAME: usize = 100;
    pub const CHOICE_VALUE: usize = 100;
}

const ACCENT: u32 = 0x2f6f9f;

/// The Discord side of sitrep: the handler and who counts as a moderator.
pub struct Discord {
    pub handler: Arc<Handler>,
    pub moderator_roles: Vec<u64>,
    /// REST client for follow-ups to deferred replies (absent: nothing is deferred).
    pub http: Option<Arc<Http>>,
}

/// The platform name in subscriptions.
pub const PLATFORM: &str = "discord";

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
const LIST: &str = "list";

/// A command's options: its argument; `sources add` also takes a feed flag and a file.
fn options(spec: &CommandSpec) -> Vec<CreateCommandOption> {
    let mut out = Vec::new();
    let adds_sources = matches!(parse_spec(spec.name), Some(Command::AddSource(_)));
    if let Some(arg) = &spec.argument {
        out.push(
            CreateCommandOption::new(CommandOptionType::String, arg.name, arg.description)
                .required(arg.required && !adds_sources)
                .set_autocomplete(arg.suggested)
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

const FEED: &str = "feed";
const FILE: &str = "file";

/// The command a table entry stands for, given a stand-in argument.
fn parse_spec(name: &str) -> Option<Command> {
    bot::parse(&format!("{name} x")).ok()
}

impl Discord {
    /// Answers a slash command. Slow commands (a rebuild) are deferred when follow-ups
    /// can be sent, and finished by editing the original response.
    pub async fn on_command(&self, interaction: CommandInteraction) -> CreateInteractionResponse {
        let actor = self.actor(&interaction);
        let command = match command_of(&interaction) {
            Ok(command) => command,
            Err(error) => return message(&Reply::Error(error)),
        };
        // Rebuilding and fetching may outlast Discord's 3 s: deferred, then edited in.
        if matches!(command, Command::Reindex | Command::AddSource(_))
            && let Some(http) = self.http.clone()
        {
            if !actor.moderator {
                return message(&Reply::Error(UserError::Forbidden {
                    command: command.spec().name,
                }));
            }
            let handler = self.handler.clone();
            tokio::spawn(async move {
                let reply = run(handler, actor, command).await;
                let edit = edit(&reply);
                if let Err(error) = interaction.edit_response(&http, edit).await {
                    tracing::error!(%error, "could not send the follow-up of a deferred reply");
                }
            });
            return CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new());
        }
        message(&run(self.handler.clone(), actor, command).await)
    }

    /// Offers the existing values of the argument being typed (`/sources remove`).
    pub async fn on_autocomplete(
        &self,
        interaction: CommandInteraction,
    ) -> CreateInteractionResponse {
        let actor = self.actor(&interaction);
        let (name, _) = table_name(&interaction.data);
        let typed = interaction
            .data
            .autocomplete()
            .map_or(String::new(), |o| o.value.to_string());
        let handler = self.handler.clone();
        let suggestions =
            tokio::task::spawn_blocking(move || handler.suggestions(&actor, &name, &typed))
                .await
                .unwrap_or_default();
        // A value too long to be a choice can still be typed.
        let choices = suggestions
            .into_iter()
            .filter(|s| s.value.chars().count() <= limits::CHOICE_VALUE)
            .fold(CreateAutocompleteResponse::new(), |choices, s| {
                choices.add_string_choice(cut(&s.label, limits::CHOICE_NAME), s.value)
            });
        CreateInteractionResponse::Autocomplete(choices)
    }

    /// Answers a button: "Show passage" (ephemeral) or "Other sources".
    pub async fn on_button(&self, interaction: ComponentInteraction) -> CreateInteractionResponse {
        let actor = Actor {
            user: interaction.user.id.to_string(),
            platform: PLATFORM,
            room: interaction.channel_id.to_string(),
            moderator: false,
        };
        let id = interaction.data.custom_id.as_str();
        if let Some(rest) = id.strip_prefix("search:")
            && let Some((page, query)) = rest.split_once(':')
            && let Ok(page) = page.parse()
            && page <= crate::bot::MAX_SEARCH_PAGE
        {
            // Turn the page in place.
            let command = Command::Search {
                query: query.to_string(),
                page,
            };
            return match message(&run(self.handler.clone(), actor, command).await) {
                CreateInteractionResponse::Message(m) => {
                    CreateInteractionResponse::UpdateMessage(m)
                }
                other => other,
            };
        }
        let reply = if let Some(question) = id.strip_prefix("others:") {
            let command = Command::Ask {
                question: question.to_string(),
            };
            match run(self.handler.clone(), actor, command).await {
                Reply::Answer(answer) => {
                    let embed = render_others(&answer).embed.expect("an embed");
                    return CreateInteractionResponse::Message(
                        quiet().embed(embed).ephemeral(true),
                    );
                }
                other => other,
            }
        } else if let Some(rest) = id.strip_prefix("passage:")
            && let Some((source, n)) = rest.rsplit_once(':')
            && let Ok(n) = n.parse::<u64>()
        {
            let handler = self.handler.clone();
            let source = source.to_string();
            let found =
                tokio::task::spawn_blocking(move || handler.passage(&actor, &source, n)).await;
            return match found {
                Ok(Ok(hit)) => {
                    let embed = CreateEmbed::new()
                        .colour(ACCENT)
                        .title(cut(&render::citation(&hit.source), limits::EMBED_TITLE))
                        .description(cut(&escape(&hit.text), limits::EMBED_DESCRIPTION));
                    CreateInteractionResponse::Message(quiet().embed(embed).ephemeral(true))
                }
                Ok(Err(error)) => message(&Reply::Error(error)),
                Err(error) => {
                    tracing::error!(%error, "showing a passage panicked");
                    message(&Reply::Error(UserError::Internal))
                }
            };
        } else {
            Reply::Error(UserError::Usage("that button has expired".into()))
        };
        // Only errors are left here, and errors are ephemeral.
        message(&reply)
    }

    /// Who sent an interaction: a moderator has Manage Server or a moderator role.
    fn actor(&self, interaction: &CommandInteraction) -> Actor {
        let moderator = interaction.member.as_ref().is_some_and(|member| {
            member
                .permissions
                .is_some_and(|p| p.manage_guild() || p.administrator())
                || member
                    .roles
                    .iter()
                    .any(|r| self.moderator_roles.contains(&r.get()))
        });
        Actor {
            user: interaction.user.id.to_string(),
            platform: PLATFORM,
            room: interaction.channel_id.to_string(),
            moderator,
        }
    }
}

/// Runs a command off the async runtime (the handler blocks on the index).
async fn run(handler: Arc<Handler>, actor: Actor, command: Command) -> Reply {
    tokio::task::spawn_blocking(move || handler.handle(&actor, command))
        .await
        .unwrap_or_else(|error| {
            tracing::error!(%error, "command handler panicked");
            Reply::Error(UserError::Internal)
        })
}

/// The `bot` command for a slash command: its name (with the subcommand) and its string
/// argument, through the same parser as every other platform; an attached file is added
/// as it is.
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
    let line = match argument {
        Some(arg) if feed => format!("{name} --feed {arg}"),
        Some(arg) => format!("{name} {arg}"),
        None => name,
    };
    bot::parse(&line)
}

/// The command table's name of a slash command (`track remove` for `/track remove`, `track`
/// for `/track list`) and its options.
fn table_name(data: &CommandData) -> (String, &[CommandDataOption]) {
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

/// Delivers the tracking alerts of Discord channels, each with the alert id as the
/// message nonce, which Discord enforces as unique for a few minutes.
pub async fn deliver_alerts(discord: Arc<Discord>) {
    let Some(http) = discord.http.clone() else {
        tracing::warn!("DISCORD_TOKEN is not set: tracking alerts cannot be posted");
        return;
    };
    let send = move |alert: Alert| {
        let http = http.clone();
        async move { post_alert(&http, &alert).await }
    };
    bot::deliver_alerts_forever(discord.handler.clone(), PLATFORM, bot::ALERT_POLL, send).await;
}

async fn post_alert(http: &Http, alert: &Alert) -> Result<(), Undelivered> {
    let channel: u64 = alert.channel.id.parse().map_err(|_| {
        Undelivered::Unreachable(format!("{:?} is not a Discord channel", alert.channel.id))
    })?;
    let rendered = render(&Reply::Alert(alert.body.clone()));
    let mut message = CreateMessage::new()
        .allowed_mentions(CreateAllowedMentions::new())
        .nonce(Nonce::String(format!("sitrep-{}", alert.id)))
        .enforce_nonce(true);
    if let Some(content) = rendered.content {
        message = message.content(content);
    }
    if let Some(embed) = rendered.embed {
        message = message.embed(embed);
    }
    ChannelId::new(channel)
        .send_message(http, message)
        .await
        .map(drop)
        .map_err(|e| Undelivered::Failed(e.to_string()))
}

/// Mentions never ping: no `parse`, no users, no roles.
fn quiet() -> CreateInteractionResponseMessage {
    CreateInteractionResponseMessage::new().allowed_mentions(CreateAllowedMentions::new())
}

/// A reply as an interaction response message.
pub fn message(reply: &Reply) -> CreateInteractionResponse {
    let rendered = render(reply);
    let mut msg = quiet().ephemeral(rendered.ephemeral);
    if let Some(content) = rendered.content {
        msg = msg.content(content);
    }
    if let Some(embed) = rendered.embed {
        msg = msg.embed(embed);
    }
    if !rendered.buttons.is_empty() {
        msg = msg.components(vec![CreateActionRow::Buttons(rendered.buttons)]);
    }
    CreateInteractionResponse::Message(msg)
}

/// A reply as an edit of a deferred response.
fn edit(reply: &Reply) -> EditInteractionResponse {
    let rendered = render(reply);
    let mut edit = EditInteractionResponse::new().allowed_mentions(CreateAllowedMentions::new());
    if let Some(content) = rendered.content {
        edit = edit.content(content);
    }
    if let Some(embed) = rendered.embed {
        edit = edit.embed(embed);
    }
    edit
}

/// What a reply looks like on Discord, before it goes into a response or an edit.
struct Rendered {
    content: Option<String>,
    embed: Option<CreateEmbed>,
    buttons: Vec<CreateButton>,
    ephemeral: bool,
}

fn render(reply: &Reply) -> Rendered {
    let text = |content: String, ephemeral| Rendered {
        content: Some(cut(&content, limits::CONTENT)),
        embed: None,
        buttons: Vec::new(),
        ephemeral,
    };
    match reply {
        Reply::Answer(answer) => render_answer(answer),
        Reply::Passages { query, page, found } => {
            let mut embed = Embed::new(format!("Passages for “{}”", escape(query)));
            if found.is_empty() {
                embed.description("No passage matches.".into());
            }
            let first = page * bot::SEARCH_LIMIT;
            for (n, f) in found.iter().enumerate() {
                let marked = bolded(&render::pieces(&f.text, &f.highlights));
                embed.field(
                    format!("[{}] {}", first + n + 1, render::citation(&f.source)),
                    marked,
                );
            }
            // The page and the query ride in the custom id; no button that cannot carry them.
            let buttons = [
                (page.checked_sub(1), "◀ Previous"),
                (
                    (found.len() == bot::SEARCH_LIMIT).then_some(page + 1),
                    "Next ▶",
                ),
            ]
            .into_iter()
            .filter_map(|(to, label)| Some((format!("search:{}:{query}", to?), label)))
            .filter(|(id, _)| id.len() <= limits::CUSTOM_ID)
            .map(|(id, label)| {
                CreateButton::new(id)
                    .label(label)
                    .style(ButtonStyle::Secondary)
            })
            .collect();
            embed.rendered(buttons)
        }
        Reply::Sources { report, feeds } => {
            let mut embed = Embed::new("Sources".into());
            embed.description(sources_text(report));
            for feed in feeds {
                embed.field(
                    format!("Feed `{}`", feed.id),
                    escape(&format!(
                        "{}\n{}",
                        feed.url,
                        feed.last_error
                            .as_deref()
                            .map_or_else(|| "polling".to_string(), |e| format!("last error: {e}"))
                    )),
                );
            }
            embed.rendered(Vec::new())
        }
        Reply::Help { commands } => {
            let mut out = String::from("Ask with `/ask`, or:\n");
            for (usage, summary) in render::help(commands) {
                let _ = writeln!(out, "`/{usage}` — {summary}");
            }
            text(out, true)
        }
        Reply::Reindexed(report) => text(super::console::summary(report), false),
        Reply::Error(error) => text(format!("Sorry: {error}."), true),
        // The rest are short texts; the console's wording, made inert for Markdown.
        other => text(
            escape(&super::console::render(other, Emphasis::Plain)),
            false,
        ),
    }
}

fn render_answer(response: &Answer) -> Rendered {
    let mut embed = Embed::new(cut(&escape(&response.question), limits::EMBED_TITLE));
    let (answer, span, date, sources, differ) = match (&response.answer, AnswerView::of(response)) {
        (
            Some(answer),
            AnswerView::Answer {
                span,
                date,
                sources,
                differ,
            },
        ) => (answer, span, date, sources, differ),
        (_, view) => {
            embed.description("**No answer:** none of the sources says that.".into());
            let AnswerView::NoAnswer { nearest } = view else {
                return embed.rendered(Vec::new());
            };
            let nearest: Vec<String> = nearest
                .iter()
                .map(|q| format!("[{}] {} — {}", q.number, bolded(&q.quote), citation_line(q)))
                .collect();
            if !nearest.is_empty() {
                embed.field("Nearest passages".into(), nearest.join("\n"));
            }
            return embed.rendered(Vec::new());
        }
    };
    let mut description = String::new();
    if let Some(span) = span {
        let _ = write!(description, "**{}**", escape(span));
        if let Some(date) = date {
            let _ = write!(description, " (= {date})");
        }
        description.push('\n');
    }
    let _ = write!(
        description,
        "> {}",
        bolded(&sources[0].quote).replace('\n', "\n> ")
    );
    embed.description(description);
    let citations: Vec<String> = sources
        .iter()
        .map(|q| format!("[{}] {}{}", q.number, citation_line(q), verdict(q)))
        .collect();
    embed.field("Sources".into(), citations.join("\n"));
    if !differ.is_empty() {
        embed.field("Sources differ".into(), escape(&differ.join(", ")));
    }
    // A button's state is its custom id (at most 100 characters): no button that cannot
    // carry it.
    let buttons = [
        (
            format!("passage:{}:{}", answer.source.id, answer.passage),
            "Show passage",
            true,
        ),
        (
            format!("others:{}", response.question),
            "Other sources",
            !response.also.is_empty(),
        ),
    ]
    .into_iter()
    .filter(|(id, _, wanted)| *wanted && id.len() <= limits::CUSTOM_ID)
    .map(|(id, label, _)| {
        CreateButton::new(id)
            .label(label)
            .style(ButtonStyle::Secondary)
    })
    .collect();
    embed.rendered(buttons)
}

/// What the other sources say (or, without an answer, the nearest passages), each quoted.
fn render_others(response: &Answer) -> Rendered {
    let title = format!("Other sources: {}", escape(&response.question));
    let mut embed = Embed::new(title);
    let entries: Vec<Quoted> = match AnswerView::of(response) {
        AnswerView::Answer { sources, .. } => sources.into_iter().skip(1).collect(),
        AnswerView::NoAnswer { nearest } => nearest,
    };
    if entries.is_empty() {
        embed.description("No other source says anything on this.".into());
    }
    for q in &entries {
        let quote = format!("> {}\n{}", bolded(&q.quote), citation_line(q));
        embed.field(format!("[{}]{}", q.number, verdict(q)), quote);
    }
    embed.rendered(Vec::new())
}

/// " — agrees", " — differs" or nothing.
fn verdict(quoted: &Quoted) -> String {
    quoted
        .verdict
        .map(|v| format!(" — {v}"))
        .unwrap_or_default()
}

/// "title (id), outlet, date", the title linked where there is a URL.
fn citation_line(quoted: &Quoted) -> String {
    let text = escape(&quoted.citation);
    let linked = match quoted.link {
        Some(url) => format!("[{text}]({})", url.replace(')', "%29")),
        None => text,
    };
    match &quoted.copies {
        Some(copies) => format!("{linked}; {}", escape(copies)),
        None => linked,
    }
}

fn sources_text(report: &BuildReport) -> String {
    let mut out = String::new();
    for s in &report.sources {
        let line = match &s.error {
            None => format!(
                "`{}` — {} passages, {}{}\n",
                s.id,
                s.passages,
                s.published
                    .map_or_else(|| "undated".into(), |d| d.to_string()),
                s.outlet
                    .as_deref()
                    .map(|o| format!(", {}", escape(o)))
                    .unwrap_or_default()
            ),
            Some(error) => format!("`{}` — skipped: {}\n", s.file, escape(error)),
        };
        out.push_str(&line);
    }
    out
}

/// Pieces of text, the emphasised ones in bold, every part escaped.
fn bolded(pieces: &[Piece]) -> String {
    render::markup(pieces, escape, |t| format!("**{t}**"))
}

/// Article text made inert: Markdown characters escaped, and mentions broken with a
/// zero-width space so they cannot even look like pings.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '[' | ']' | '#' | '<'
        ) {
            out.push('\\');
        }
        out.push(c);
        if c == '@' {
            out.push('\u{200b}');
        }
    }
    out
}

/// An embed under construction that keeps within Discord's limits.
struct Embed {
    title: String,
    description: Option<String>,
    fields: Vec<(String, String)>,
}

impl Embed {
    fn new(title: String) -> Self {
        Embed {
            title: cut(&title, limits::EMBED_TITLE),
            description: None,
            fields: Vec::new(),
        }
    }

    fn description(&mut self, text: String) {
        self.description = Some(cut(&text, limits::EMBED_DESCRIPTION));
    }

    fn field(&mut self, name: String, value: String) {
        self.fields.push((
            cut(&name, limits::FIELD_NAME),
            cut(&value, limits::FIELD_VALUE),
        ));
    }

    /// The embed, cut to 6000 characters in all: the description gives way first, then
    /// fields from the last.
    fn rendered(mut self, buttons: Vec<CreateButton>) -> Rendered {
        let total = |e: &Embed| {
            e.title.chars().count()
                + e.description.as_deref().map_or(0, |d| d.chars().count())
                + e.fields
                    .iter()
                    .map(|(n, v)| n.chars().count() + v.chars().count())
                    .sum::<usize>()
        };
        while total(&self) > limits::EMBED_TOTAL {
            let excess = total(&self) - limits::EMBED_TOTAL;
            match &self.description {
                Some(d) if d.chars().count() > excess + 100 => {
                    self.description = Some(cut(d, d.chars().count() - excess - 1));
                }
                _ if !self.fields.is_empty() => {
                    self.fields.pop();
                }
                _ => {
                    let d = self.description.take().unwrap_or_default();
                    self.description = Some(cut(
                        &d,
                        limits::EMBED_TOTAL.saturating_sub(self.title.chars().count() + 1),
                    ));
                    break;
                }
            }
        }
        let mut embed = CreateEmbed::new().colour(ACCENT).title(self.title);
        if let Some(d) = self.description {
            embed = embed.description(d);
        }
        for (name, value) in self.fields {
            embed = embed.field(name, value, false);
        }
        Rendered {
            content: None,
            embed: Some(embed),
            buttons,
            ephemeral: false,
        }
    }
}

/// How long a client may take to send a request's headers, and then its body.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once; more are closed on arrival until one ends.
const MAX_CONNECTIONS: usize = 512;
/// The largest interaction body read (Discord's are a few kB).
const MAX_BODY_BYTES: usize = 1 << 20;

/// Serves the interactions endpoint on `listener`: a slow client is cut off after
/// `HEADER_TIMEOUT` (headers) or `BODY_TIMEOUT` (body), and at most `MAX_CONNECTIONS` are
/// open at once, so slow or idle connections cannot pile up.
pub async fn serve(listener: tokio::net::TcpListener, router: axum::Router) -> std::io::Result<()> {
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                // Out of file descriptors and the like: wait, then accept again.
                tracing::warn!(%error, "cannot accept a connection");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tracing::warn!("{MAX_CONNECTIONS} connections open: closing a new one");
            continue;
        };
        let service = hyper_util::service::TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended");
            }
            drop(slot);
        });
    }
}

/// The HTTP interactions endpoint.
pub fn router(discord: Arc<Discord>, verifier: Verifier) -> axum::Router {
    axum::Router::new()
        .route("/", axum::routing::post(endpoint))
        .route("/interactions", axum::routing::post(endpoint))
        .with_state((discord, Arc::new(verifier)))
}

type EndpointState = (Arc<Discord>, Arc<Verifier>);

/// How far a request's timestamp may be from our clock: Discord's requests arrive within
/// seconds, a replayed one later.
const MAX_CLOCK_SKEW_SECS: i64 = 300;

/// Whether a signature timestamp (Unix seconds) is close to now.
fn is_recent(timestamp: &str) -> bool {
    timestamp
        .parse::<i64>()
        .is_ok_and(|t| (chrono::Utc::now().timestamp() - t).abs() <= MAX_CLOCK_SKEW_SECS)
}

/// Verifies the signature over the raw body first; only then parses the interaction.
async fn endpoint(
    State((discord, verifier)): State<EndpointState>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    let body = match tokio::time::timeout(BODY_TIMEOUT, axum::body::to_bytes(body, MAX_BODY_BYTES))
        .await
    {
        Ok(Ok(body)) => body,
        Ok(Err(_)) => {
            return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
        }
        Err(_) => return (StatusCode::REQUEST_TIMEOUT, "request body too slow").into_response(),
    };
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let signature = header("X-Signature-Ed25519");
    let timestamp = header("X-Signature-Timestamp");
    if signature.is_empty()
        || !is_recent(timestamp)
        || verifier.verify(signature, timestamp, &body).is_err()
    {
        return (StatusCode::UNAUTHORIZED, "invalid request signature").into_response();
    }
    let interaction: Interaction = match serde_json::from_slice(&body) {
        Ok(interaction) => interaction,
        Err(error) => {
            tracing::warn!(%error, "unreadable interaction");
            return (
                StatusCode::BAD_REQUEST,
                format!("unreadable interaction: {error}"),
            )
                .into_response();
        }
    };
    let response = match interaction {
        // Exactly {"type":1}: serenity's Pong would add "data": null.
        Interaction::Ping(_) => return axum::Json(serde_json::json!({"type": 1})).into_response(),
        Interaction::Command(command) => discord.on_command(command).await,
        Interaction::Component(component) => discord.on_button(component).await,
        Interaction::Autocomplete(typing) => discord.on_autocomplete(typing).await,
        _ => return (StatusCode::BAD_REQUEST, "unsupported interaction").into_response(),
    };
    axum::Json(response).into_response()
}

/// A REST client for follow-ups, through `proxy` when one is set.
pub fn rest_client(token: &str, application_id: Option<u64>, proxy: Option<&str>) -> Http {
    let mut builder = HttpBuilder::new(token);
    if let Some(proxy) = proxy {
        builder = builder.proxy(proxy).ratelimiter_disabled(true);
    }
    if let Some(id) = application_id {
        builder = builder.application_id(id.into());
    }
    builder.build()
}

/// Gateway mode: registers the commands when ready, answers interactions as they come.
pub async fn run_gateway(
    discord: Arc<Discord>,
    token: &str,
    guild: Option<u64>,
) -> anyhow::Result<()> {
    struct Events {
        discord: Arc<Discord>,
        guild: Option<u64>,
    }

    #[serenity::async_trait]
    impl EventHandler for Events {
        async fn ready(&self, ctx: Context, ready: Ready) {
            let registered = match self.guild {
                Some(guild) => {
                    GuildId::new(guild)
                        .set_commands(&ctx.http, commands())
                        .await
                }
                None => serenity::all::Command::set_global_commands(&ctx.http, commands()).await,
            };
            match registered {
                Ok(commands) => {
                    tracing::info!(user = %ready.user.name, commands = commands.len(), "ready")
                }
                Err(error) => tracing::error!(%error, "could not register the commands"),
            }
        }

        async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
            let result = match interaction {
                Interaction::Command(command) => {
                    let response = self.discord.on_command(command.clone()).await;
                    command.create_response(&ctx.http, response).await
                }
                Interaction::Component(component) => {
                    let response = self.discord.on_button(component.clone()).await;
                    component.create_response(&ctx.http, response).await
                }
                Interaction::Autocomplete(typing) => {
                    let response = self.discord.on_autocomplete(typing.clone()).await;
                    typing.create_response(&ctx.http, response).await
                }
                _ => return,
            };
            if let Err(error) = result {
                tracing::error!(%error, "could not answer an interaction");
            }
        }
    }

    // Only non-privileged intents: slash commands need none at all.
    let mut client = serenity::Client::builder(token, GatewayIntents::GUILDS)
        .event_handler(Events { discord, guild })
        .await?;
    client.start().await?;
    Ok(())
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

    #[test]
    fn rendered_answer() {
        let response = render::disputed_answer();
        let json = serde_json::to_value(message(&Reply::Answer(Box::new(response.clone()))));
        let json = json.unwrap();
        assert_eq!(
            json["data"]["allowed_mentions"]["parse"],
            serde_json::json!([])
        );
        insta::assert_json_snapshot!("answer", json);
        let others = render_others(&response).embed.map(serde_json::to_value);
        insta::assert_json_snapshot!("others", others.unwrap().unwrap());
    }

    #[test]
    fn escapes_markdown_and_mentions() {
        assert_eq!(
            escape("*bold* @here <@&1>"),
            "\\*bold\\* @\u{200b}here \\<@\u{200b}&1\\>"
        );
    }
}
