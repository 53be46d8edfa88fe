//! The Matrix bot against a real Synapse on 127.0.0.1, which this test installs from PyPI
//! into a virtualenv under Cargo's target directory (once), configures, starts and stops.
// matrix-sdk's sync future is deep enough to need more than the default recursion limit
// when it is spawned.
#![recursion_limit = "256"]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use matrix_sdk::attachment::AttachmentConfig;
use matrix_sdk::config::SyncSettings;
use matrix_sdk::ruma::events::room::message::{
    AddMentions, MessageType, OriginalSyncRoomMessageEvent, Relation, ReplyMetadata,
    ReplyWithinThread, RoomMessageEventContent, TextMessageEventContent,
};
use matrix_sdk::ruma::{OwnedEventId, OwnedUserId, UserId};
use matrix_sdk::{Client, Room, RoomMemberships};
use tokio::sync::mpsc;

/// The virtualenv with Synapse, installed once per target directory.
fn venv() -> &'static Path {
    static VENV: OnceLock<PathBuf> = OnceLock::new();
    VENV.get_or_init(|| {
        let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("synapse-venv");
        if !venv.join("bin/register_new_matrix_user").exists() {
            let ok = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .status()
                .unwrap()
                .success()
                && Command::new(venv.join("bin/pip"))
                    .args(["install", "--quiet", "matrix-synapse"])
                    .status()
                    .unwrap()
                    .success();
            assert!(
                ok,
                "could not install Synapse from PyPI into {}",
                venv.display()
            );
        }
        venv
    })
}

/// A Synapse homeserver on a free loopback port; stopped when dropped.
struct Synapse {
    dir: tempfile::TempDir,
    url: String,
    child: Option<Child>,
}

impl Synapse {
    fn start() -> Synapse {
        let dir = tempfile::TempDir::new().unwrap();
        let config = dir.path().join("homeserver.yaml");
        let generated = Command::new(venv().join("bin/python"))
            .args([
                "-m",
                "synapse.app.homeserver",
                "--server-name",
                "localhost",
                "--config-path",
            ])
            .arg(&config)
            .args(["--generate-config", "--report-stats=no", "--data-directory"])
            .arg(dir.path())
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(generated.success(), "synapse --generate-config failed");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let yaml = std::fs::read_to_string(&config)
            .unwrap()
            .replace("    - ::1\n", "")
            .replace("port: 8008", &format!("port: {port}"));
        let unlimited = "{per_second: 1000, burst_count: 1000}";
        let yaml = format!(
            "{yaml}\nrc_message: {unlimited}\nrc_registration: {unlimited}\nrc_joins: {{local: {unlimited}, remote: {unlimited}}}\n\
             rc_invites: {{per_room: {unlimited}, per_user: {unlimited}}}\n\
             rc_login: {{address: {unlimited}, account: {unlimited}, failed_attempts: {unlimited}}}\n"
        );
        std::fs::write(&config, yaml).unwrap();
        let mut synapse = Synapse {
            dir,
            url: format!("http://127.0.0.1:{port}"),
            child: None,
        };
        synapse.run();
        synapse
    }

    fn run(&mut self) {
        let child = Command::new(venv().join("bin/python"))
            .args(["-m", "synapse.app.homeserver", "-c"])
            .arg(self.dir.path().join("homeserver.yaml"))
            .current_dir(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let started = Instant::now();
        let versions = format!("{}/_matrix/client/versions", self.url);
        while reqwest::blocking::get(&versions)
            .map(|r| !r.status().is_success())
            .unwrap_or(true)
        {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "Synapse did not start"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn register(&self, user: &str, password: &str) {
        let ok = Command::new(venv().join("bin/register_new_matrix_user"))
            .arg("-c")
            .arg(self.dir.path().join("homeserver.yaml"))
            .args(["-u", user, "-p", password, "--no-admin", &self.url])
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(ok, "could not register {user}");
    }
}

impl Drop for Synapse {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `sitrep serve matrix` over a copy of the shipped corpus; killed when dropped.
struct Bot {
    child: Child,
}

impl Bot {
    fn start(synapse: &Synapse, index: &Path, store: &Path) -> Bot {
        Bot::start_with(synapse, index, store, ("MATRIX_PASSWORD", "bot-password"))
    }

    /// With one credential: a password, or an access token.
    fn start_with(synapse: &Synapse, index: &Path, store: &Path, credential: (&str, &str)) -> Bot {
        let child = Command::new(assert_cmd::cargo::cargo_bin("sitrep"))
            .arg("--index")
            .arg(index)
            .args(["serve", "matrix"])
            .env("MATRIX_HOMESERVER", &synapse.url)
            .env("MATRIX_USER", "sitrep")
            .env_remove("MATRIX_PASSWORD")
            .env_remove("MATRIX_ACCESS_TOKEN")
            .env(credential.0, credential.1)
            .env("MATRIX_STORE", store)
            .env("SITREP_RATE_LIMIT", "100/60")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Bot { child }
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A person in the room: a logged-in client whose incoming messages arrive on a channel.
struct Person {
    client: Client,
    messages: mpsc::UnboundedReceiver<OriginalSyncRoomMessageEvent>,
}

async fn person(synapse: &Synapse, name: &str) -> Person {
    synapse.register(name, "password");
    let client = Client::builder()
        .homeserver_url(&synapse.url)
        .build()
        .await
        .unwrap();
    client
        .matrix_auth()
        .login_username(name, "password")
        .send()
        .await
        .unwrap();
    client.sync_once(SyncSettings::default()).await.unwrap();
    let (tx, messages) = mpsc::unbounded_channel();
    client.add_event_handler(move |event: OriginalSyncRoomMessageEvent| {
        let tx = tx.clone();
        async move {
            let _ = tx.send(event);
        }
    });
    let syncing = client.clone();
    tokio::spawn(async move {
        loop {
            let _ = syncing
                .sync(SyncSettings::default().timeout(Duration::from_secs(1)))
                .await;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    Person { client, messages }
}

fn bot_id() -> OwnedUserId {
    UserId::parse("@sitrep:localhost").unwrap()
}

/// An encrypted room created by `owner` (power level 100) with the bot invited and joined.
async fn encrypted_room_with_bot(owner: &Person) -> Room {
    let room = encrypted_room_inviting_bot(owner).await;
    bot_joined(room).await
}

/// An encrypted room created by `owner` (power level 100) with the bot invited.
async fn encrypted_room_inviting_bot(owner: &Person) -> Room {
    let mut request = matrix_sdk::ruma::api::client::room::create_room::v3::Request::new();
    request.invite = vec![bot_id()];
    let room = owner.client.create_room(request).await.unwrap();
    room.enable_encryption().await.unwrap();
    room
}

/// `room` once the bot is among its members; fails after a minute.
async fn bot_joined(room: Room) -> Room {
    let started = Instant::now();
    loop {
        let members = room.members(RoomMemberships::JOIN).await.unwrap();
        if members.iter().any(|m| m.user_id() == bot_id()) {
            return room;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the bot never joined"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// A homeserver, the bot over a copy of the shipped corpus, and alice (power level 100)
/// with the bot in an encrypted room. Bind every field: an unbound one is dropped at once.
struct Scene {
    synapse: Synapse,
    index: tempfile::TempDir,
    store: tempfile::TempDir,
    bot: Bot,
    alice: Person,
    room: Room,
}

async fn scene() -> Scene {
    let synapse = tokio::task::spawn_blocking(Synapse::start).await.unwrap();
    synapse.register("sitrep", "bot-password");
    let index = common::corpus_copy();
    let store = tempfile::TempDir::new().unwrap();
    let bot = Bot::start(&synapse, index.path(), store.path());
    let alice = person(&synapse, "alice").await;
    let room = encrypted_room_with_bot(&alice).await;
    Scene {
        synapse,
        index,
        store,
        bot,
        alice,
        room,
    }
}

/// A new person (power level 0), invited to `room` and joined; with their view of it.
async fn invited(synapse: &Synapse, room: &Room, name: &str) -> (Person, Room) {
    let person = person(synapse, name).await;
    room.invite_user_by_id(person.client.user_id().unwrap())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    person.client.join_room_by_id(room.room_id()).await.unwrap();
    let joined = person.client.get_room(room.room_id()).unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    (person, joined)
}

/// The bot's next reply to `question`, or None after `wait`.
async fn reply_to(
    person: &mut Person,
    question: &OwnedEventId,
    wait: Duration,
) -> Option<(MessageType, String)> {
    let deadline = Instant::now() + wait;
    while let Ok(Some(event)) = tokio::time::timeout(
        deadline.saturating_duration_since(Instant::now()),
        person.messages.recv(),
    )
    .await
    {
        let in_reply_to = match &event.content.relates_to {
            Some(Relation::Reply(reply)) => Some(&reply.in_reply_to.event_id),
            Some(Relation::Thread(thread)) => thread.in_reply_to.as_ref().map(|r| &r.event_id),
            _ => None,
        };
        if event.sender == bot_id() && in_reply_to == Some(question) {
            let mentions = event.content.mentions.as_ref().expect("m.mentions is set");
            assert!(
                mentions.user_ids.is_empty() && !mentions.room,
                "the bot pings nobody"
            );
            let body = event.content.body().to_string();
            return Some((event.content.msgtype, body));
        }
    }
    None
}

async fn ask(room: &Room, text: &str) -> OwnedEventId {
    room.send(RoomMessageEventContent::text_plain(text))
        .await
        .unwrap()
        .response
        .event_id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_in_an_encrypted_room_and_checks_power_levels() {
    let Scene {
        synapse,
        index: _index,
        store: _store,
        bot: _bot,
        mut alice,
        room,
    } = scene().await;
    assert!(room.latest_encryption_state().await.unwrap().is_encrypted());

    let question = ask(&room, "!ask how many drones were used?").await;
    let (kind, body) = reply_to(&mut alice, &question, Duration::from_secs(60))
        .await
        .expect("an answer");
    assert!(
        matches!(kind, MessageType::Notice(_)),
        "answers are notices"
    );
    assert!(
        body.contains("117") && body.contains("001_00b9a17dd418843e"),
        "{body}"
    );

    // By mention too.
    let question = ask(&room, "sitrep: who leads Russia's delegation?").await;
    let (_, body) = reply_to(&mut alice, &question, Duration::from_secs(60))
        .await
        .expect("an answer");
    assert!(body.contains("Medinsky"), "{body}");

    // Bob (power level 0) may not reindex; at power level 50 he may.
    let (mut bob, bob_room) = invited(&synapse, &room, "bob").await;
    let question = ask(&bob_room, "!reindex").await;
    let (_, body) = reply_to(&mut bob, &question, Duration::from_secs(60))
        .await
        .expect("a refusal");
    assert!(body.contains("only moderators"), "{body}");
    let bob_id = bob.client.user_id().unwrap().to_owned();
    room.update_power_levels(vec![(&bob_id, 50.into())])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let question = ask(&bob_room, "!reindex").await;
    let (_, body) = reply_to(&mut bob, &question, Duration::from_secs(60))
        .await
        .expect("a reindex");
    assert!(body.starts_with("3 sources"), "{body}");

    // Asked in a thread, answered in that thread.
    let root = ask(&room, "A thread about the talks").await;
    let alice_id = alice.client.user_id().unwrap().to_owned();
    let content = RoomMessageEventContent::text_plain("!ask where are the peace talks being held?")
        .make_for_thread(
            ReplyMetadata::new(&root, &alice_id, None),
            ReplyWithinThread::No,
            AddMentions::No,
        );
    let question = room.send(content).await.unwrap().response.event_id;
    let deadline = Instant::now() + Duration::from_secs(60);
    let thread_root = loop {
        let event = tokio::time::timeout(
            deadline.saturating_duration_since(Instant::now()),
            alice.messages.recv(),
        )
        .await
        .expect("an answer in the thread")
        .unwrap();
        if let (true, Some(Relation::Thread(thread))) =
            (event.sender == bot_id(), &event.content.relates_to)
            && thread.in_reply_to.as_ref().map(|r| &r.event_id) == Some(&question)
        {
            break thread.event_id.clone();
        }
    };
    assert_eq!(thread_root, root);
}

/// Every message of the bot that arrives within `wait`, as (the message it replies to, if
/// any, body). Nobody is ever pinged.
async fn bot_messages_within(
    person: &mut Person,
    wait: Duration,
) -> Vec<(Option<OwnedEventId>, String)> {
    let deadline = Instant::now() + wait;
    let mut out = Vec::new();
    while let Ok(Some(event)) = tokio::time::timeout(
        deadline.saturating_duration_since(Instant::now()),
        person.messages.recv(),
    )
    .await
    {
        if event.sender != bot_id() {
            continue;
        }
        let mentions = event.content.mentions.as_ref().expect("m.mentions is set");
        assert!(
            mentions.user_ids.is_empty() && !mentions.room,
            "the bot pings nobody"
        );
        let replied = match &event.content.relates_to {
            Some(Relation::Reply(reply)) => Some(reply.in_reply_to.event_id.clone()),
            _ => None,
        };
        out.push((replied, event.content.body().to_string()));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restarts_of_the_bot_and_of_the_homeserver() {
    let Scene {
        mut synapse,
        index,
        store,
        bot,
        mut alice,
        room,
    } = scene().await;
    let first = ask(&room, "!ask how many drones were used?").await;
    assert!(
        reply_to(&mut alice, &first, Duration::from_secs(60))
            .await
            .is_some()
    );

    // Said while the bot is down: never answered, not even after it is back.
    drop(bot);
    let missed = ask(&room, "!ask who heads Ukraine's delegation?").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let _bot = Bot::start(&synapse, index.path(), store.path());
    tokio::time::sleep(Duration::from_secs(5)).await;
    let after = ask(&room, "!ask how much damage did the SBU estimate?").await;
    let replies = bot_messages_within(&mut alice, Duration::from_secs(25)).await;
    assert!(
        !replies.iter().any(|(q, _)| q.as_ref() == Some(&missed)),
        "a message from before the restart was answered: {replies:?}"
    );
    let answers: Vec<&String> = replies
        .iter()
        .filter(|(q, _)| q.as_ref() == Some(&after))
        .map(|(_, body)| body)
        .collect();
    assert_eq!(answers.len(), 1, "answered exactly once: {replies:?}");
    assert!(answers[0].contains("$7 billion"), "{answers:?}");

    // The homeserver goes away under the running bot and comes back (kept alive below).
    let _synapse = tokio::task::spawn_blocking(move || {
        synapse.stop();
        std::thread::sleep(Duration::from_secs(2));
        synapse.run();
        synapse
    })
    .await
    .unwrap();
    let question = ask(&room, "!ask where are the peace talks being held?").await;
    let (_, body) = reply_to(&mut alice, &question, Duration::from_secs(90))
        .await
        .expect("an answer after the restart");
    assert!(body.contains("Istanbul"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_in_with_an_access_token() {
    let synapse = tokio::task::spawn_blocking(Synapse::start).await.unwrap();
    synapse.register("sitrep", "bot-password");
    // A token of a device the bot account already has.
    let url = format!("{}/_matrix/client/v3/login", synapse.url);
    let login = tokio::task::spawn_blocking(move || {
        let body = r#"{"type": "m.login.password", "identifier": {"type": "m.id.user", "user": "sitrep"}, "password": "bot-password"}"#;
        let response = reqwest::blocking::Client::new().post(url).body(body).send().unwrap();
        serde_json::from_str::<serde_json::Value>(&response.text().unwrap()).unwrap()
    })
    .await
    .unwrap();
    let token = login["access_token"].as_str().unwrap().to_string();
    let index = common::corpus_copy();
    let store = tempfile::TempDir::new().unwrap();
    let _bot = Bot::start_with(
        &synapse,
        index.path(),
        store.path(),
        ("MATRIX_ACCESS_TOKEN", &token),
    );

    let mut alice = person(&synapse, "alice").await;
    let room = encrypted_room_with_bot(&alice).await;
    let question = ask(&room, "sitrep: how many people were on board the train?").await;
    let (_, body) = reply_to(&mut alice, &question, Duration::from_secs(60))
        .await
        .expect("an answer");
    assert!(body.contains("388"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invite_sent_before_the_bot_starts_is_accepted() {
    let synapse = tokio::task::spawn_blocking(Synapse::start).await.unwrap();
    synapse.register("sitrep", "bot-password");
    let mut alice = person(&synapse, "alice").await;
    // The usual order: invite the bot, then start it.
    let room = encrypted_room_inviting_bot(&alice).await;
    let index = common::corpus_copy();
    let store = tempfile::TempDir::new().unwrap();
    let _bot = Bot::start(&synapse, index.path(), store.path());
    let room = bot_joined(room).await;
    let question = ask(&room, "sitrep: how many drones were used?").await;
    let (_, body) = reply_to(&mut alice, &question, Duration::from_secs(60))
        .await
        .expect("an answer");
    assert!(body.contains("117"), "{body}");
}

/// Sends `text` as a Markdown file captioned `caption` (encrypted, as the room is).
async fn send_file(room: &Room, name: &str, text: &str, caption: &str) -> OwnedEventId {
    let config = AttachmentConfig::new().caption(Some(TextMessageEventContent::plain(caption)));
    let markdown: mime::Mime = "text/markdown".parse().unwrap();
    room.send_attachment(name, &markdown, text.as_bytes().to_vec(), config)
        .await
        .unwrap()
        .event_id
}

/// Issue 6 in a Matrix room: a moderator's file becomes a source, a member's is refused, a
/// standing question is alerted once, and a crash before marking it does not repeat it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uploaded_file_is_indexed_and_a_tracked_question_is_alerted_once() {
    let Scene {
        synapse,
        index,
        store,
        bot,
        mut alice,
        room,
    } = scene().await;

    let question = ask(&room, "!track ask how many Russian warplanes were hit?").await;
    let (_, body) = reply_to(&mut alice, &question, Duration::from_secs(60))
        .await
        .expect("a subscription");
    assert!(
        body.contains("how many Russian warplanes were hit?"),
        "{body}"
    );

    let report = "---\ntitle: Ministry disputes losses\noutlet: Moscow Daily\ndate: 2025-06-03\n---\n\n\
        Russia's defence ministry said on Tuesday that only 12 Russian warplanes were hit in \
        the drone attacks, far fewer than Kyiv claimed.\n";

    // A member's file is refused, and nothing is downloaded or added.
    let (mut bob, bob_room) = invited(&synapse, &room, "bob").await;
    let upload = send_file(&bob_room, "losses.md", report, "!sources add").await;
    let (_, body) = reply_to(&mut bob, &upload, Duration::from_secs(60))
        .await
        .expect("a refusal");
    assert!(body.contains("only moderators"), "{body}");
    assert!(!index.path().join("sources/losses.md").exists());

    // The moderator's file is downloaded, decrypted, stored and indexed; the standing
    // question's answer changed, which is said once, with the new figure and its source.
    let upload = send_file(&room, "losses.md", report, "!sources add").await;
    let messages = bot_messages_within(&mut alice, Duration::from_secs(30)).await;
    let replies: Vec<&String> = messages
        .iter()
        .filter(|(to, _)| to.as_ref() == Some(&upload))
        .map(|(_, body)| body)
        .collect();
    assert!(
        replies.len() == 1 && replies[0].contains("losses"),
        "{messages:?}"
    );
    let stored = std::fs::read_to_string(index.path().join("sources/losses.md")).unwrap();
    assert!(stored.contains("only 12 Russian warplanes"), "{stored}");
    let alerts: Vec<&String> = messages
        .iter()
        .filter(|(to, _)| to.is_none())
        .map(|(_, body)| body)
        .collect();
    assert_eq!(alerts.len(), 1, "{messages:?}");
    assert!(
        alerts[0].contains("The answer to “how many Russian warplanes were hit?” changed")
            && alerts[0].contains("12")
            && alerts[0].contains("Moscow Daily"),
        "{}",
        alerts[0]
    );
    let question = ask(
        &room,
        "!ask how many Russian warplanes did the ministry say were hit?",
    )
    .await;
    let (_, body) = reply_to(&mut alice, &question, Duration::from_secs(60))
        .await
        .expect("an answer from the new source");
    assert!(body.contains("12"), "{body}");

    // A crash after the alert went out but before it was marked delivered: the restarted
    // bot sends it again under the same transaction id, and the homeserver drops the copy.
    drop(bot);
    let state = index.path().join("state.sqlite");
    let unmark = rusqlite::Connection::open(&state)
        .unwrap()
        .execute("UPDATE alerts SET delivered_at = NULL", [])
        .unwrap();
    assert_eq!(unmark, 1);
    let _bot = Bot::start(&synapse, index.path(), store.path());
    let messages = bot_messages_within(&mut alice, Duration::from_secs(20)).await;
    assert!(messages.is_empty(), "shown again: {messages:?}");
    let delivered: Option<i64> = rusqlite::Connection::open(&state)
        .unwrap()
        .query_row("SELECT delivered_at FROM alerts", [], |row| row.get(0))
        .unwrap();
    assert!(
        delivered.is_some(),
        "the restarted bot never resent the alert"
    );
}
