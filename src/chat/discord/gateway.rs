//! Gateway mode, and the REST client for follow-ups.

use super::*;

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
/// `http` (see `rest_client`) also finds the gateway, so a proxy serves both.
pub async fn run_gateway(
    discord: Arc<Discord>,
    http: Http,
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
    let mut client = serenity::all::ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
        .event_handler(Events { discord, guild })
        .await?;
    client.start().await?;
    Ok(())
}
