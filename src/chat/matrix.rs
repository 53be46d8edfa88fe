//! Matrix: sitrep as a bot in Matrix rooms (matrix-sdk, with end-to-end encryption and a
//! persistent SQLite store). Messages become `bot` commands — by prefix (`!ask …`) or by
//! mention (`sitrep: …`) — and replies go back as notices in reply to the question.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use matrix_sdk::authentication::matrix::MatrixSession;
use matrix_sdk::config::SyncSettings;
use matrix_sdk::ruma::events::Mentions;
use matrix_sdk::ruma::events::room::member::StrippedRoomMemberEvent;
use matrix_sdk::ruma::events::room::message::{
    AddMentions, FileMessageEventContent, ForwardThread, MessageType, OriginalSyncRoomMessageEvent,
    RoomMessageEventContent,
};
use matrix_sdk::ruma::events::room::power_levels::UserPowerLevel;
use matrix_sdk::ruma::{OwnedTransactionId, UserId};
use matrix_sdk::{Client, Room, RoomState};

use super::console::{self, Emphasis};
use super::cut;
use super::render::{self, AnswerView, Piece, Quoted};
use crate::answer::Response;
use crate::bot::{
    self, Actor, COMMANDS, Command, CommandSpec, Handler, NewSource, Reply, Undelivered, UserError,
};
use crate::config::Secret;
use crate::track::Alert;

/// Longest reply sent, in characters: long replies are cut at a sentence end.
const MAX_REPLY: usize = 8000;

/// What the Matrix bot needs to know.
#[derive(Debug, Clone)]
pub struct Config {
    pub homeserver: String,
    pub user: String,
    /// How to log in the first time; afterwards the session saved in `store` is used.
    pub credentials: Credentials,
    /// Where the SQLite store (device, keys, sync token) and the session live.
    pub store: PathBuf,
    /// Users with at least this power level in a room are its moderators.
    pub moderator_level: i64,
    /// Users who are moderators everywhere.
    pub moderators: Vec<String>,
    /// Accept invites only from these users or servers (`@a:b` or `b`); empty: from anyone.
    pub inviters: Vec<String>,
}

/// A password, or an access token of an existing device (whose keys must then be in the
/// store for encrypted rooms).
#[derive(Debug, Clone)]
pub enum Credentials {
    Password(Secret),
    AccessToken(Secret),
}

impl Config {
    /// The bot's configuration from the Matrix settings; says which setting is missing.
    pub fn from_settings(m: &crate::config::Matrix) -> anyhow::Result<Config> {
        let required = |value: &Option<String>, name: &str| {
            value
                .clone()
                .with_context(|| format!("{name} is not set (see .env.example)"))
        };
        let homeserver = required(&m.homeserver, "MATRIX_HOMESERVER")?;
        let user = required(&m.user, "MATRIX_USER")?;
        let credentials = match (&m.password, &m.access_token) {
            (Some(password), _) => Credentials::Password(password.clone()),
            (None, Some(token)) => Credentials::AccessToken(token.clone()),
            (None, None) => {
                anyhow::bail!("set MATRIX_PASSWORD or MATRIX_ACCESS_TOKEN (see .env.example)")
            }
        };
        Ok(Config {
            homeserver,
            user,
            credentials,
            store: m.store.clone(),
            moderator_level: m.moderator_level,
            moderators: m.moderators.clone(),
            inviters: m.inviters.clone(),
        })
    }
}

/// Runs the bot until the process is stopped: logs in (or restores its session), catches up
/// without answering what was said before it started, then answers as messages arrive,
/// retrying with back-off when the homeserver goes away.
pub async fn run(config: Config, handler: Arc<Handler>) -> anyhow::Result<()> {
    std::fs::create_dir_all(&config.store)
        .with_context(|| format!("cannot create {}", config.store.display()))?;
    let client = Client::builder()
        .homeserver_url(&config.homeserver)
        .sqlite_store(config.store.join("sqlite"), None)
        .build()
        .await
        .context("cannot set up the Matrix client")?;
    log_in(&client, &config).await?;
    let started = now_millis();

    let mut settings = SyncSettings::default().timeout(Duration::from_secs(10));
    let response = with_backoff("first sync", || client.sync_once(settings.clone())).await;
    settings = settings.token(response.next_batch);

    let bot = Arc::new(Bot {
        handler,
        config,
        started,
    });
    tokio::spawn(deliver_alerts(client.clone(), bot.handler.clone()));
    let on_invite = bot.clone();
    client.add_event_handler(
        move |event: StrippedRoomMemberEvent, room: Room, client: Client| {
            let bot = on_invite.clone();
            async move { bot.on_invite(event, room, client).await }
        },
    );
    let on_message = bot.clone();
    client.add_event_handler(
        move |event: OriginalSyncRoomMessageEvent, room: Room, client: Client| {
            let bot = on_message.clone();
            async move { bot.on_message(event, room, client).await }
        },
    );
    bot.answer_pending_invites(&client).await;
    let mut delay = Duration::from_secs(1);
    loop {
        // sync() returns only on an error; the store keeps the token to resume from.
        if let Err(error) = client.sync(settings.clone()).await {
            tracing::warn!(%error, retry_in = ?delay, "sync failed");
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(60));
        }
    }
}

/// The platform name in subscriptions.
pub const PLATFORM: &str = "matrix";

/// Delivers the tracking alerts of Matrix rooms, each with the alert id as its transaction
/// id: the homeserver drops a resend of the same transaction.
async fn deliver_alerts(client: Client, handler: Arc<Handler>) {
    let send = move |alert: Alert| {
        let client = client.clone();
        async move { send_alert(&client, &alert).await }
    };
    bot::deliver_alerts_forever(handler, PLATFORM, bot::ALERT_POLL, send).await;
}

async fn send_alert(client: &Client, alert: &Alert) -> Result<(), Undelivered> {
    let room = matrix_sdk::ruma::RoomId::parse(&alert.channel.id)
        .ok()
        .and_then(|id| client.get_room(&id))
        .ok_or_else(|| Undelivered::Unreachable("a room the bot is not in".into()))?;
    let (plain, html) = render(&Reply::Alert(alert.body.clone()));
    let mut content = RoomMessageEventContent::notice_html(plain, html);
    content.mentions = Some(Mentions::new());
    let txn_id = OwnedTransactionId::from(format!("sitrep-alert-{}", alert.id));
    room.send(content)
        .with_transaction_id(txn_id)
        .await
        .map(drop)
        .map_err(|e| Undelivered::Failed(e.to_string()))
}

/// Restores the saved session (same device, same keys), or logs in and saves it.
async fn log_in(client: &Client, config: &Config) -> anyhow::Result<()> {
    let session_file = config.store.join("session.json");
    if let Ok(saved) = std::fs::read_to_string(&session_file) {
        let session: MatrixSession =
            serde_json::from_str(&saved).context("corrupt session.json")?;
        client
            .restore_session(session)
            .await
            .context("cannot restore the Matrix session")?;
        return Ok(());
    }
    let session = match &config.credentials {
        Credentials::Password(password) => {
            client
                .matrix_auth()
                .login_username(&config.user, password.expose())
                .initial_device_display_name("sitrep")
                .send()
                .await
                .context("Matrix login failed")?;
            client
                .matrix_auth()
                .session()
                .context("no session after login")?
        }
        Credentials::AccessToken(token) => {
            let session = session_of_token(&config.homeserver, token.expose()).await?;
            client
                .restore_session(session.clone())
                .await
                .context("cannot use the access token")?;
            session
        }
    };
    write_private(&session_file, &serde_json::to_string(&session)?)
        .with_context(|| format!("cannot save {}", session_file.display()))?;
    Ok(())
}

/// Asks the homeserver whose access token this is (user and device): the session it
/// stands for.
async fn session_of_token(homeserver: &str, token: &str) -> anyhow::Result<MatrixSession> {
    #[derive(serde::Deserialize)]
    struct WhoAmI {
        user_id: matrix_sdk::ruma::OwnedUserId,
        device_id: Option<matrix_sdk::ruma::OwnedDeviceId>,
    }
    let url = format!(
        "{}/_matrix/client/v3/account/whoami",
        homeserver.trim_end_matches('/')
    );
    let response = matrix_sdk::reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .context("cannot reach the homeserver")?
        .error_for_status()
        .context("the homeserver refused the access token")?;
    let who: WhoAmI = serde_json::from_str(&response.text().await?).context("unreadable whoami")?;
    Ok(MatrixSession {
        meta: matrix_sdk::SessionMeta {
            user_id: who.user_id,
            device_id: who
                .device_id
                .context("the access token belongs to no device; log in with a password")?,
        },
        tokens: matrix_sdk::SessionTokens {
            access_token: token.to_string(),
            refresh_token: None,
        },
    })
}

/// Writes a file only its owner can read (it holds an access token).
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(0o600);
    options.open(path)?.write_all(text.as_bytes())
}

async fn with_backoff<
    T,
    E: std::fmt::Display,
    F: std::future::IntoFuture<Output = Result<T, E>>,
>(
    what: &str,
    mut attempt: impl FnMut() -> F,
) -> T {
    let mut delay = Duration::from_secs(1);
    loop {
        match attempt().await {
            Ok(value) => return value,
            Err(error) => {
                tracing::warn!(%error, retry_in = ?delay, "{what} failed");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(60));
            }
        }
    }
}

fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

struct Bot {
    handler: Arc<Handler>,
    config: Config,
    /// Messages older than this were sent before the bot started: never answered.
    started: u64,
}

impl Bot {
    async fn on_invite(&self, event: StrippedRoomMemberEvent, room: Room, client: Client) {
        if client.user_id() != Some(event.state_key.as_ref()) || room.state() != RoomState::Invited
        {
            return;
        }
        self.answer_invite(room, &event.sender).await;
    }

    /// Answers the invites that arrived while the bot was offline or starting: the event
    /// handler sees only those that come after.
    async fn answer_pending_invites(&self, client: &Client) {
        for room in client.invited_rooms() {
            match room.invite_details().await {
                Ok(invite) => self.answer_invite(room, &invite.inviter_id).await,
                Err(error) => tracing::warn!(room = %room.room_id(), %error, "unreadable invite"),
            }
        }
    }

    /// Joins a room the bot is invited to if `sender` may invite it, else declines.
    async fn answer_invite(&self, room: Room, sender: &UserId) {
        if !invite_allowed(&self.config.inviters, sender) {
            tracing::info!(room = %room.room_id(), "invite declined (sender not allowed)");
            let _ = room.leave().await;
            return;
        }
        // Joining right after the invite can race the homeserver; retry a few times.
        tokio::spawn(async move {
            let mut delay = Duration::from_millis(500);
            for _ in 0..6 {
                match room.join().await {
                    Ok(()) => return,
                    Err(error) => {
                        tracing::warn!(%error, "join failed, retrying");
                        tokio::time::sleep(delay).await;
                        delay *= 2;
                    }
                }
            }
        });
    }

    async fn on_message(&self, event: OriginalSyncRoomMessageEvent, room: Room, client: Client) {
        let Some(own) = client.user_id() else { return };
        if event.sender == own || u64::from(event.origin_server_ts.0) < self.started {
            return;
        }
        // Text, and files captioned `!sources add`; notices are what bots (this one
        // included) send.
        let (line, file) = match &event.content.msgtype {
            MessageType::Text(text) => (command_line(&text.body, own), None),
            MessageType::File(file) => (
                file.caption().and_then(|c| command_line(c, own)),
                Some(file),
            ),
            _ => return,
        };
        let Some(line) = line else {
            return;
        };
        let actor = Actor {
            user: event.sender.to_string(),
            platform: PLATFORM,
            room: room.room_id().to_string(),
            moderator: self.is_moderator(&room, &event.sender).await,
        };
        // A file captioned `sources add` is the source itself; only a moderator's is
        // downloaded.
        let adds_file = file
            .filter(|_| bot::invoked(&line).is_some_and(|(spec, _)| spec.name == "sources add"));
        let parsed = match adds_file {
            Some(file) if actor.moderator => self.upload(&client, file).await,
            Some(_) => Err(UserError::Forbidden {
                command: "sources add",
            }),
            None => bot::parse(&line),
        };
        let reply = match parsed {
            Ok(command) => {
                let handler = self.handler.clone();
                tokio::task::spawn_blocking(move || handler.handle(&actor, command))
                    .await
                    .unwrap_or_else(|error| {
                        tracing::error!(%error, "command handler panicked");
                        Reply::Error(UserError::Internal)
                    })
            }
            Err(error) => Reply::Error(error),
        };
        let (plain, html) = render(&reply);
        let mut content = RoomMessageEventContent::notice_html(plain, html).make_reply_to(
            &event,
            ForwardThread::Yes,
            AddMentions::No,
        );
        // Nobody is mentioned, whatever the article says.
        content.mentions = Some(Mentions::new());
        if let Err(error) = room.send(content).await {
            tracing::error!(%error, room = %room.room_id(), "could not send a reply");
        }
    }

    /// The command that adds a file sent to the room, downloaded (and decrypted).
    async fn upload(
        &self,
        client: &Client,
        file: &FileMessageEventContent,
    ) -> Result<Command, UserError> {
        let limit = self.handler.sources().max_bytes();
        if file
            .info
            .as_ref()
            .and_then(|i| i.size)
            .is_some_and(|size| u64::from(size) > limit)
        {
            return Err(UserError::Refused(format!(
                "{} is over the {limit}-byte limit for one source",
                file.filename()
            )));
        }
        match client.media().get_file(file, false).await {
            Ok(Some(bytes)) => Ok(Command::AddSource(NewSource::Upload {
                name: file.filename().to_string(),
                bytes,
            })),
            Ok(None) => Err(UserError::Refused("that file message holds no file".into())),
            Err(error) => {
                tracing::warn!(%error, "could not download a file message");
                Err(UserError::Refused(
                    "I could not download that file from the homeserver".into(),
                ))
            }
        }
    }

    async fn is_moderator(&self, room: &Room, user: &UserId) -> bool {
        if self.config.moderators.iter().any(|m| m == user.as_str()) {
            return true;
        }
        match room.get_member(user).await {
            Ok(Some(member)) => match member.power_level() {
                UserPowerLevel::Infinite => true,
                UserPowerLevel::Int(level) => i64::from(level) >= self.config.moderator_level,
                _ => false,
            },
            _ => false,
        }
    }
}

/// Whether `sender` may invite the bot: anyone when the allowlist is empty, else users and
/// servers on it.
pub fn invite_allowed(inviters: &[String], sender: &UserId) -> bool {
    inviters.is_empty()
        || inviters
            .iter()
            .any(|allowed| allowed == sender.as_str() || allowed == sender.server_name().as_str())
}

/// The command in a message: `!ask …`, `!help`, or a question addressed to the bot
/// ("sitrep: who leads…?", or its full user id). Anything else is not for the bot.
pub fn command_line(body: &str, own: &UserId) -> Option<String> {
    let body = body.trim();
    if let Some(rest) = body.strip_prefix('!') {
        let name = rest.split_whitespace().next().unwrap_or("").to_lowercase();
        return COMMANDS
            .iter()
            .any(|c| c.name == name)
            .then(|| rest.to_string());
    }
    for prefix in [own.as_str(), own.localpart()] {
        // Compared in place: lower-casing the whole body may change its length.
        let addressed = body
            .get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
            && body[prefix.len()..]
                .chars()
                .next()
                .is_none_or(|c| c == ':' || c == ',' || c.is_whitespace());
        if addressed {
            let rest = &body[prefix.len()..];
            let rest = rest.trim_start_matches([':', ',']).trim();
            if rest.is_empty() {
                return Some("help".into());
            }
            let first = rest.split_whitespace().next().unwrap_or("").to_lowercase();
            return Some(if COMMANDS.iter().any(|c| c.name == first) {
                rest.to_string()
            } else {
                format!("ask {rest}")
            });
        }
    }
    None
}

/// A reply as plain text (the console's rendering) and HTML: the answer in bold, the
/// snippets quoted, numbered citations with links. Both made inert: `@room` cannot ping.
pub fn render(reply: &Reply) -> (String, String) {
    let plain = match reply {
        Reply::Help { commands } => help_text(commands),
        other => console::render(other, Emphasis::Stars),
    };
    let html = match reply {
        Reply::Answer(response) => answer_html(response),
        _ => format!("<p>{}</p>", escape(&plain).replace('\n', "<br>")),
    };
    (defuse(&cut(&plain, MAX_REPLY)), defuse(&html))
}

/// An answer in HTML, with the facts and in the order of the console.
fn answer_html(response: &Response) -> String {
    let mut html = String::new();
    match AnswerView::of(response) {
        AnswerView::NoAnswer { nearest } => {
            html.push_str("<p>No answer: none of the sources says that.</p>");
            if !nearest.is_empty() {
                html.push_str("<p>Nearest passages:</p>");
                html.push_str(&quotes_html(&nearest));
            }
        }
        AnswerView::Answer {
            span,
            date,
            sources,
            differ,
        } => {
            if let Some(span) = span {
                html.push_str(&format!("<p><b>{}</b>", escape(span)));
                if let Some(date) = date {
                    html.push_str(&format!(" (= {})", escape(&date)));
                }
                html.push_str("</p>");
            }
            let (answer, also) = sources.split_first().expect("an answer has its source");
            html.push_str(&format!(
                "<blockquote>{}</blockquote><p>— [1] {} (passage {}){}</p>",
                bolded(&answer.quote),
                linked(answer),
                answer.cited.passage,
                copies(answer)
            ));
            if !also.is_empty() {
                html.push_str("<p>Also:</p>");
                html.push_str(&quotes_html(also));
            }
            if !differ.is_empty() {
                html.push_str(&format!(
                    "<p>Sources differ: {}.</p>",
                    escape(&differ.join(", "))
                ));
            }
        }
    }
    html
}

/// Numbered quotes, each with its verdict and citation.
fn quotes_html(quotes: &[Quoted]) -> String {
    let start = quotes.first().map_or(1, |q| q.number);
    let mut html = format!("<ol start=\"{start}\">");
    for q in quotes {
        let verdict = q.verdict.map(|v| format!(" ({v})")).unwrap_or_default();
        html.push_str(&format!(
            "<li>“{}”{verdict}<br>— {}{}</li>",
            bolded(&q.quote),
            linked(q),
            copies(q)
        ));
    }
    html.push_str("</ol>");
    html
}

fn help_text(commands: &[&'static CommandSpec]) -> String {
    let mut out = String::from("Ask me a question (\"sitrep: how many drones were used?\"), or:\n");
    for (usage, summary) in render::help(commands) {
        out.push_str(&format!("  !{usage} — {summary}\n"));
    }
    out
}

/// Pieces of text, the emphasised ones in bold, escaped.
fn bolded(pieces: &[Piece]) -> String {
    render::markup(pieces, escape, |t| format!("<b>{t}</b>"))
}

/// The citation, linked where there is a URL.
fn linked(quoted: &Quoted) -> String {
    let text = escape(&quoted.citation);
    match quoted.link {
        Some(url) => format!("<a href=\"{}\">{text}</a>", escape(url)),
        None => text,
    }
}

/// "; also reported by …" when others reprinted it.
fn copies(quoted: &Quoted) -> String {
    quoted
        .copies
        .as_deref()
        .map(|c| format!("; {}", escape(c)))
        .unwrap_or_default()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `@room` (and user ids) broken with a zero-width space so clients cannot take them for
/// mentions; `m.mentions` is empty anyway.
fn defuse(text: &str) -> String {
    text.replace('@', "@\u{200b}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use matrix_sdk::ruma::user_id;

    #[test]
    fn commands_by_prefix_and_by_mention() {
        let own = user_id!("@sitrep:localhost");
        let cases = [
            ("!ask how many drones?", Some("ask how many drones?")),
            ("!help", Some("help")),
            ("!nonsense", None),
            (
                "sitrep: who leads Russia's delegation?",
                Some("ask who leads Russia's delegation?"),
            ),
            ("Sitrep, !sources", Some("ask !sources")),
            ("sitrep: sources", Some("sources")),
            (
                "@sitrep:localhost how many drones?",
                Some("ask how many drones?"),
            ),
            ("what a day", None),
            ("sitreps are due at noon", None),
            // "K" (the Kelvin sign) lower-cases to an ASCII "k" of another length.
            ("sitrep: \u{212A}yiv?", Some("ask \u{212A}yiv?")),
            ("sitrep:é\u{212A}", Some("ask é\u{212A}")),
            ("\u{212A}yiv sitrep: drones?", None),
        ];
        for (body, expected) in cases {
            assert_eq!(command_line(body, own).as_deref(), expected, "{body}");
        }
    }

    #[test]
    fn invites_from_the_allowlist_only() {
        let ana = user_id!("@ana:newsroom.org");
        let eve = user_id!("@eve:elsewhere.net");
        assert!(invite_allowed(&[], eve));
        let list = ["newsroom.org".to_string(), "@bob:partner.org".to_string()];
        assert!(invite_allowed(&list, ana));
        assert!(!invite_allowed(&list, eve));
        assert!(invite_allowed(&list, user_id!("@bob:partner.org")));
        assert!(!invite_allowed(&list, user_id!("@bobby:partner.org")));
    }

    #[test]
    fn rendered_answer() {
        let reply = Reply::Answer(Box::new(render::disputed_answer()));
        let (plain, html) = render(&reply);
        insta::assert_snapshot!("answer_plain", plain);
        insta::assert_snapshot!("answer_html", html);
        // The facts the console shows: the resolved date, the other source's quote and
        // where the sources differ.
        for fact in ["Sunday 1 June 2025", "strike came on", "Sources differ"] {
            assert!(html.contains(fact), "{fact}: {html}");
        }
    }

    #[test]
    fn help_lists_what_the_asker_may_use() {
        let commands = COMMANDS
            .iter()
            .copied()
            .filter(|c| c.name.starts_with("track"))
            .collect();
        let (plain, _) = render(&Reply::Help { commands });
        assert!(plain.contains("!track add <query>"), "{plain}");
        assert!(!plain.contains("!sources"), "{plain}");
    }

    #[test]
    fn replies_cannot_ping_the_room() {
        let (plain, html) = render(&Reply::Error(UserError::Usage(
            "tell @room <b>now</b>".into(),
        )));
        assert!(!plain.contains("@room") && !html.contains("@room"));
        assert!(html.contains("&lt;b&gt;"), "{html}");
    }
}
