//! Discord: slash commands over the gateway (serenity) and through an HTTP interactions
//! endpoint (axum; every request's Ed25519 signature is checked over the raw body before
//! anything is parsed). Both modes share one translation: interaction → `bot::Command` →
//! `Reply` → Discord response. No business logic lives here.
//!
//! This file handles interactions and delivers alerts; `commands` maps the command table to slash commands and back, `reply` writes replies
//! as Discord messages, `endpoint` and `gateway` are the two ways interactions arrive.

mod commands;
mod endpoint;
mod gateway;
mod reply;

use commands::*;
pub use commands::{command_of, commands};
pub use endpoint::{router, serve};
pub use gateway::{rest_client, run_gateway};
use reply::*;
pub use reply::{escape, message};

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
    self, Actor, ArgumentKind, COMMANDS, Command, CommandSpec, Handler, NewSource, Permission,
    Reply, Undelivered, UserError,
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
