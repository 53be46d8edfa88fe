//! The HTTP interactions endpoint, end to end: `sitrep serve interactions` on a loopback
//! port, sent real HTTP requests signed with a test Ed25519 key.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ed25519_dalek::{Signer, SigningKey};
use serde_json::{Value, json};

use super::*;

/// The test application's key pair (a fixed seed: the test must be repeatable).
fn key() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Asserts an embed keeps every one of Discord's limits.
fn assert_within_limits(embed: &Value) {
    let len = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
    assert!(
        len(&embed["title"]) <= 256 && len(&embed["description"]) <= 4096,
        "{embed}"
    );
    let mut total = len(&embed["title"]) + len(&embed["description"]);
    for field in embed["fields"].as_array().into_iter().flatten() {
        assert!(
            len(&field["value"]) <= 1024 && len(&field["name"]) <= 256,
            "{field}"
        );
        total += len(&field["value"]) + len(&field["name"]);
    }
    assert!(total <= 6000, "{total}");
}

/// A running endpoint; killed when dropped.
struct Endpoint {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: tempfile::TempDir, extra_env: &[(&str, &str)]) -> Endpoint {
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("sitrep"));
    command
        .arg("--index")
        .arg(dir.path())
        .args(["serve", "interactions", "--listen", "127.0.0.1:0"])
        .env("DISCORD_PUBLIC_KEY", hex(key().verifying_key().as_bytes()))
        .env("SITREP_RATE_LIMIT", "100/60")
        .env_remove("DISCORD_TOKEN")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in extra_env {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let url = loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "the endpoint exited before listening"
        );
        if let Some(url) = line
            .trim()
            .strip_prefix("sitrep: Discord interactions endpoint on ")
        {
            break url.to_string();
        }
    };
    // Keep draining stderr so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in stderr.lines() {});
    Endpoint {
        child,
        url,
        _dir: dir,
    }
}

fn signed_post(url: &str, body: &str, signature: Option<String>) -> (u16, String) {
    signed_post_at(url, body, &now(), signature)
}

/// The current Unix time, as Discord stamps its requests.
fn now() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string()
}

/// Posts `body` stamped with `timestamp`, signed over both unless `signature` is given.
fn signed_post_at(
    url: &str,
    body: &str,
    timestamp: &str,
    signature: Option<String>,
) -> (u16, String) {
    let signature = signature.unwrap_or_else(|| {
        hex(&key()
            .sign(format!("{timestamp}{body}").as_bytes())
            .to_bytes())
    });
    let response = reqwest::blocking::Client::new()
        .post(url)
        .header("X-Signature-Ed25519", signature)
        .header("X-Signature-Timestamp", timestamp)
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .unwrap();
    (response.status().as_u16(), response.text().unwrap())
}

#[test]
fn ping_pong_and_signatures() {
    let endpoint = start(common::corpus_copy(), &[]);
    let ping = json!({"id": "1", "application_id": "2", "type": 1, "token": "t", "version": 1})
        .to_string();
    let (status, body) = signed_post(&endpoint.url, &ping, None);
    assert_eq!(
        (status, serde_json::from_str::<Value>(&body).unwrap()),
        (200, json!({"type": 1}))
    );

    // A signature by another key, a signature over other bytes, and none at all.
    let other = SigningKey::from_bytes(&[9; 32]);
    let forged = hex(&other.sign(format!("{}{ping}", now()).as_bytes()).to_bytes());
    assert_eq!(signed_post(&endpoint.url, &ping, Some(forged)).0, 401);
    let tampered = hex(&key().sign(format!("{}{{}}", now()).as_bytes()).to_bytes());
    assert_eq!(signed_post(&endpoint.url, &ping, Some(tampered)).0, 401);
    // Rightly signed, but stamped long ago, far ahead, or not a time: a replay.
    for stamp in ["1750000000", "978307200", "4102444800", "soon"] {
        assert_eq!(
            signed_post_at(&endpoint.url, &ping, stamp, None).0,
            401,
            "{stamp}"
        );
    }
    let unsigned = reqwest::blocking::Client::new()
        .post(&endpoint.url)
        .body(ping)
        .send()
        .unwrap();
    assert_eq!(unsigned.status().as_u16(), 401);
}

#[test]
fn ask_answers_with_a_cited_embed_that_pings_nobody() {
    let endpoint = start(common::corpus_copy(), &[]);
    let (status, body) = signed_post(
        &endpoint.url,
        &command(
            "ask",
            Some(("question", "who leads Russia's delegation?")),
            "0",
        ),
        None,
    );
    assert_eq!(status, 200, "{body}");
    let response: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(response["type"], 4);
    let data = &response["data"];
    assert_eq!(data["allowed_mentions"]["parse"], json!([]));
    let embed = &data["embeds"][0];
    assert!(
        embed["description"]
            .as_str()
            .unwrap()
            .contains("**Vladimir Medinsky**"),
        "{embed}"
    );
    let sources = &embed["fields"][0];
    assert_eq!(sources["name"], "Sources");
    assert!(
        sources["value"]
            .as_str()
            .unwrap()
            .contains("002\\_e3d4d459c0d831ce"),
        "{sources}"
    );
    let button = &data["components"][0]["components"][0];
    assert_eq!(button["custom_id"], "passage:002_e3d4d459c0d831ce:5");
}

#[test]
fn moderator_commands_are_refused_to_members() {
    let endpoint = start(common::corpus_copy(), &[]);
    let (_, body) = signed_post(&endpoint.url, &command("reindex", None, "0"), None);
    let response: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(response["data"]["flags"], 64, "ephemeral");
    assert!(
        response["data"]["content"]
            .as_str()
            .unwrap()
            .contains("only moderators"),
        "{response}"
    );
    // Manage Server (1 << 5) qualifies.
    let (_, body) = signed_post(&endpoint.url, &command("reindex", None, "32"), None);
    let response: Value = serde_json::from_str(&body).unwrap();
    assert!(
        response["data"]["content"]
            .as_str()
            .unwrap()
            .starts_with("3 sources"),
        "{response}"
    );
}

#[test]
fn article_text_cannot_ping_and_long_answers_fit() {
    let long_tail = "The committee reviewed every clause of the agreement in detail. ".repeat(120);
    let dir = common::corpus_with(&[(
        "zz_mentions.txt",
        &format!(
            " date 2025-06-03 The harbour master said @everyone at the port and <@&123> on duty must leave, and that 45 tugboats were moved to the northern pier before the storm arrived. {long_tail}\n"
        ),
    )]);
    let endpoint = start(dir, &[]);
    let (_, body) = signed_post(
        &endpoint.url,
        &command(
            "ask",
            Some(("question", "how many tugboats were moved?")),
            "0",
        ),
        None,
    );
    let response: Value = serde_json::from_str(&body).unwrap();
    let data = &response["data"];
    assert_eq!(data["allowed_mentions"]["parse"], json!([]));
    let description = data["embeds"][0]["description"].as_str().unwrap();
    assert!(description.contains("**45**"), "{description}");
    assert!(
        !description.contains("@everyone") && !description.contains("<@&123>"),
        "{description}"
    );

    let (_, body) = signed_post(
        &endpoint.url,
        &command("search", Some(("query", "committee clause agreement")), "0"),
        None,
    );
    let response: Value = serde_json::from_str(&body).unwrap();
    let embed = &response["data"]["embeds"][0];
    assert_within_limits(embed);
    let cut = embed["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["value"].as_str().unwrap().ends_with("detail.…"))
        .count();
    assert!(
        cut >= 1,
        "a 3,000-byte passage is cut at a sentence end, with an ellipsis"
    );
}

#[test]
fn members_asking_too_fast_are_told_politely() {
    let endpoint = start(common::corpus_copy(), &[("SITREP_RATE_LIMIT", "1/600")]);
    let ask = command("ask", Some(("question", "how many drones were used?")), "0");
    let (_, first) = signed_post(&endpoint.url, &ask, None);
    assert!(first.contains("**117**"), "{first}");
    let (_, second) = signed_post(&endpoint.url, &ask, None);
    let response: Value = serde_json::from_str(&second).unwrap();
    assert_eq!(response["data"]["flags"], 64, "ephemeral");
    assert!(
        response["data"]["content"]
            .as_str()
            .unwrap()
            .contains("faster than I can keep up"),
        "{response}"
    );
    // "Show passage" counts against the same limit.
    let (_, passage) = signed_post(
        &endpoint.url,
        &button("passage:002_e3d4d459c0d831ce:5"),
        None,
    );
    assert!(passage.contains("faster than I can keep up"), "{passage}");
}

#[test]
fn a_slash_option_is_taken_as_that_commands_argument() {
    let endpoint = start(common::corpus_copy(), &[]);
    // Typed in a chat line, "brief me on the talks" is a question; as `/brief`'s option it
    // is a malformed date, and the member is told so.
    let brief = command("brief", Some(("since", "me on the talks")), "0");
    let (_, body) = signed_post(&endpoint.url, &brief, None);
    assert!(body.contains("is not a date or a duration"), "{body}");
}

#[test]
fn search_pages_with_buttons_and_passages_open_privately() {
    let endpoint = start(common::corpus_copy(), &[]);
    let (_, body) = signed_post(
        &endpoint.url,
        &command("search", Some(("query", "Russia Ukraine")), "0"),
        None,
    );
    let first: Value = serde_json::from_str(&body).unwrap();
    let buttons = &first["data"]["components"][0]["components"];
    assert_eq!(
        buttons.as_array().unwrap().len(),
        1,
        "no Previous on the first page: {buttons}"
    );
    assert_eq!(buttons[0]["custom_id"], "search:1:Russia Ukraine");
    assert!(
        first["data"]["embeds"][0]["fields"][0]["name"]
            .as_str()
            .unwrap()
            .starts_with("[1] ")
    );

    let (status, body) = signed_post(&endpoint.url, &button("search:1:Russia Ukraine"), None);
    assert_eq!(status, 200, "{body}");
    let second: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        second["type"], 7,
        "the page turns in place (UPDATE_MESSAGE)"
    );
    assert!(
        second["data"]["embeds"][0]["fields"][0]["name"]
            .as_str()
            .unwrap()
            .starts_with("[6] ")
    );
    assert_eq!(
        second["data"]["components"][0]["components"][0]["custom_id"],
        "search:0:Russia Ukraine"
    );

    let (_, body) = signed_post(
        &endpoint.url,
        &button("passage:002_e3d4d459c0d831ce:5"),
        None,
    );
    let passage: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(passage["data"]["flags"], 64, "ephemeral");
    assert!(
        passage["data"]["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .contains("Vladimir Medinsky")
    );
}

#[test]
fn forged_buttons_get_a_reply_and_the_endpoint_keeps_serving() {
    let endpoint = start(common::corpus_copy(), &[]);
    for forged in [
        "search:18446744073709551615:x",
        "search:4000000000000000000:Russia",
        "passage:002_e3d4d459c0d831ce:18446744073709551615",
        "passage::0",
        "nonsense",
    ] {
        let (status, body) = signed_post(&endpoint.url, &button(forged), None);
        assert_eq!(status, 200, "{forged}: {body}");
        assert!(!body.contains("went wrong"), "{forged}: {body}");
    }
    let (status, _) = signed_post(
        &endpoint.url,
        &command("ask", Some(("question", "how many drones were used?")), "0"),
        None,
    );
    assert_eq!(status, 200, "still serving after the forged buttons");
}

#[test]
fn slow_clients_are_cut_off() {
    use std::io::{Read, Write};
    let endpoint = start(common::corpus_copy(), &[]);
    let address = endpoint.url.trim_start_matches("http://").to_string();
    // Headers that never end, and a body that never comes.
    let mut stalled = Vec::new();
    for partial in [
        "POST /interactions HTTP/1.1\r\nHost: x\r\n".to_string(),
        format!(
            "POST /interactions HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\nX-Signature-Timestamp: {}\r\n\r\n{{",
            now()
        ),
    ] {
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        stream.write_all(partial.as_bytes()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(40)))
            .unwrap();
        stalled.push(stream);
    }
    let started = Instant::now();
    for mut stream in stalled {
        let mut reply = Vec::new();
        // The server answers (408) or closes; either ends the read well before 40 s.
        let _ = stream.read_to_end(&mut reply);
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "held for {:?}",
            started.elapsed()
        );
    }
    let (status, _) = signed_post(
        &endpoint.url,
        &command("ask", Some(("question", "how many drones were used?")), "0"),
        None,
    );
    assert_eq!(status, 200);
}

#[test]
fn a_corrupt_state_file_stops_tracking_not_answers() {
    let dir = common::corpus_copy();
    std::fs::write(
        dir.path().join("state.sqlite"),
        b"this is not a SQLite database at all, not even close",
    )
    .unwrap();
    let endpoint = start(dir, &[]);
    let (status, body) = signed_post(
        &endpoint.url,
        &command("ask", Some(("question", "how many drones were used?")), "0"),
        None,
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("117"), "{body}");
    let track = subcommand("track", "add", ("query", "Bryansk bridge"), "32");
    let (_, body) = signed_post(&endpoint.url, &track, None);
    assert!(body.contains("tracking is unavailable"), "{body}");
}

#[test]
fn reindex_is_deferred_and_finished_by_editing_the_response() {
    let (endpoint, requests) = start_with_rest(&[]);
    let (line, body) = deferred(&endpoint, &requests, &command("reindex", None, "32"));
    assert_eq!(
        line,
        "PATCH /api/v10/webhooks/2000/interaction-token/messages/@original HTTP/1.1"
    );
    let edit: Value = serde_json::from_str(&body).unwrap();
    assert!(
        edit["content"].as_str().unwrap().starts_with("3 sources"),
        "{edit}"
    );
    assert_eq!(edit["allowed_mentions"]["parse"], json!([]));
}

#[test]
fn other_sources_button_quotes_what_they_say() {
    let endpoint = start(common::corpus_copy(), &[]);
    let (_, body) = signed_post(
        &endpoint.url,
        &button("others:how many Russian warplanes were hit?"),
        None,
    );
    let response: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(response["data"]["flags"], 64, "ephemeral");
    let fields = response["data"]["embeds"][0]["fields"].as_array().unwrap();
    let quoted: Vec<&str> = fields
        .iter()
        .map(|f| f["value"].as_str().unwrap())
        .collect();
    assert!(
        quoted.iter().any(|q| q.contains("**around 40**")),
        "{quoted:?}"
    );
    assert!(
        fields
            .iter()
            .all(|f| f["name"].as_str().unwrap().ends_with("differs")),
        "{fields:?}"
    );
}

#[test]
fn an_over_long_answer_stays_within_every_limit() {
    // One sentence of about 9,000 characters.
    let clauses = ", and the inspectors listed another warehouse on the quay".repeat(150);
    let dir = common::corpus_with(&[(
        "zz_long.txt",
        &format!(
            " date 2025-06-03 The port authority said 77 barges were held at the eastern locks{clauses}.\n"
        ),
    )]);
    let endpoint = start(dir, &[]);
    let (_, body) = signed_post(
        &endpoint.url,
        &command(
            "ask",
            Some((
                "question",
                "how many barges were held at the eastern locks?",
            )),
            "0",
        ),
        None,
    );
    let response: Value = serde_json::from_str(&body).unwrap();
    let embed = &response["data"]["embeds"][0];
    assert_within_limits(embed);
    let description = embed["description"].as_str().unwrap();
    assert!(description.starts_with("**77**"), "{description}");
    // Cut (by the sentence splitter or for the embed) between words, never inside one.
    let last_word = description
        .trim_end_matches('…')
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_end_matches(',');
    assert!(
        clauses.split([' ', ',']).any(|w| w == last_word),
        "cut between words: {description}"
    );
}

/// An endpoint over a copy of the shipped corpus that sends follow-ups and alerts to a fake
/// Discord REST API, whose requests arrive on the receiver.
fn start_with_rest(
    extra_env: &[(&str, &str)],
) -> (Endpoint, std::sync::mpsc::Receiver<(String, String)>) {
    let (discord, requests) = fake_discord(None);
    let rest = [
        ("DISCORD_TOKEN", "test-token"),
        ("DISCORD_APPLICATION_ID", "2000"),
        ("DISCORD_HTTP_PROXY", discord.as_str()),
    ];
    let endpoint = start(common::corpus_copy(), &[&rest[..], extra_env].concat());
    (endpoint, requests)
}

/// Posts an interaction that is answered later: asserts the immediate reply defers it
/// (type 5) and returns the follow-up request (line, body) the fake REST API received.
fn deferred(
    endpoint: &Endpoint,
    requests: &std::sync::mpsc::Receiver<(String, String)>,
    interaction: &str,
) -> (String, String) {
    let (_, body) = signed_post(&endpoint.url, interaction, None);
    let response: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(response["type"], 5, "deferred: {response}");
    requests
        .recv_timeout(Duration::from_secs(30))
        .expect("the follow-up")
}

#[test]
fn a_new_feed_entry_is_alerted_once_to_a_subscribed_channel() {
    let site = common::NewsSite::start();
    site.publish(
        "/news/talks.html",
        "Talks end after an hour",
        &[
            "The second round of talks in Istanbul ended after about an hour, a Turkish official said on Monday.",
            "Both delegations agreed to exchange all severely wounded prisoners, the official said.",
        ],
        true,
    );
    let (endpoint, requests) = start_with_rest(&[
        ("SITREP_FETCH_ALLOW_PRIVATE", "127.0.0.1"),
        ("SITREP_POLL_INTERVAL", "1"),
    ]);
    let feed = format!("{}/feed.xml", site.url);
    let data = json!({"id": "5000", "name": "sources", "type": 1, "options": [
        {"name": "add", "type": 1, "options": [
            {"name": "url", "type": 3, "value": feed}, {"name": "feed", "type": 5, "value": true}
        ]}
    ]});
    // Fetching may take longer than Discord waits: deferred, then the response edited.
    let (line, body) = deferred(
        &endpoint,
        &requests,
        &interaction(2, data, "32").to_string(),
    );
    assert!(
        line.starts_with("PATCH /api/v10/webhooks/2000/interaction-token"),
        "{line}"
    );
    assert!(body.contains("Added the feed"), "{body}");

    // A member may not add tracking; a moderator may.
    let track = subcommand("track", "add", ("query", "Bryansk bridge"), "0");
    let (_, body) = signed_post(&endpoint.url, &track, None);
    assert!(body.contains("only moderators"), "{body}");
    let track = subcommand("track", "add", ("query", "Bryansk bridge"), "32");
    let (_, body) = signed_post(&endpoint.url, &track, None);
    assert!(
        body.contains("Bryansk bridge”. I'll post new passages"),
        "{body}"
    );

    // What the feed already had is not news; a new entry on the topic is, once.
    site.publish(
        "/news/bridge.html",
        "Desna bridge reopens",
        common::BRIDGE,
        true,
    );
    let (line, body) = requests
        .recv_timeout(Duration::from_secs(60))
        .expect("an alert");
    assert_eq!(line, "POST /api/v10/channels/4000/messages HTTP/1.1");
    let message: Value = serde_json::from_str(&body).unwrap();
    let text = message.to_string();
    assert!(text.contains("Bryansk"), "{message}");
    assert!(text.contains("Loopback Wire"), "cited: {message}");
    assert_eq!(message["allowed_mentions"]["parse"], json!([]));
    assert!(message["nonce"].as_str().unwrap().starts_with("sitrep-"));
    assert_eq!(message["enforce_nonce"], true);
    // Further polls (the feed unchanged) post nothing more.
    if let Ok(again) = requests.recv_timeout(Duration::from_secs(5)) {
        panic!("posted twice: {again:?}");
    }
}

#[test]
fn removals_suggest_the_sources_and_subscriptions_as_they_are_typed() {
    let endpoint = start(common::corpus_copy(), &[]);
    // By a word of the title, ignoring case.
    let (_, body) = signed_post(
        &endpoint.url,
        &typing("sources", "remove", "Drone Attacks"),
        None,
    );
    let offered = choices(&body);
    assert_eq!(offered.len(), 1, "{offered:?}");
    assert_eq!(offered[0].1, "000_9beaa712d3d59ab0");
    assert!(offered[0].0.contains("Ukraine war"), "{offered:?}");
    // Nothing typed yet: every source.
    let (_, body) = signed_post(&endpoint.url, &typing("sources", "remove", ""), None);
    assert_eq!(choices(&body).len(), 3, "{body}");

    // The channel's own subscriptions.
    let track = subcommand(
        "track",
        "ask",
        ("question", "how many drones were used?"),
        "32",
    );
    let (_, body) = signed_post(&endpoint.url, &track, None);
    let response: Value = serde_json::from_str(&body).unwrap();
    let content = response["data"]["content"].as_str().unwrap();
    // Markdown-escaped, so that "#1" is no heading.
    assert!(content.starts_with("Tracking \\#1 here"), "{content}");
    let (_, body) = signed_post(&endpoint.url, &typing("track", "remove", "drones"), None);
    assert_eq!(
        choices(&body),
        [("#1 how many drones were used?".to_string(), "1".to_string())]
    );
    let (_, body) = signed_post(&endpoint.url, &typing("track", "remove", "bridge"), None);
    assert!(choices(&body).is_empty(), "{body}");
}

#[test]
fn an_attached_file_is_fetched_through_the_safe_fetcher_and_indexed() {
    let site = common::NewsSite::start();
    site.publish(
        "/attachments/7000/bridge.html",
        "Desna bridge reopens",
        common::BRIDGE,
        false,
    );
    let add = |permissions: &str| {
        let data = json!({"id": "5000", "name": "sources", "type": 1,
            "options": [{"name": "add", "type": 1, "options": [
                {"name": "file", "type": 11, "value": "7000"}
            ]}],
            "resolved": {"attachments": {"7000": {
                "id": "7000", "filename": "bridge.html", "size": 2000,
                "url": format!("{}/attachments/7000/bridge.html", site.url),
                "proxy_url": format!("{}/attachments/7000/bridge.html", site.url),
                "content_type": "text/html; charset=utf-8"
            }}}
        });
        interaction(2, data, permissions).to_string()
    };

    // The attachment's URL is on loopback: refused unless the operator allows it.
    let (endpoint, requests) = start_with_rest(&[]);
    let (_, body) = deferred(&endpoint, &requests, &add("32"));
    assert!(body.contains("loopback"), "{body}");
    drop(endpoint);

    let (endpoint, requests) = start_with_rest(&[("SITREP_FETCH_ALLOW_PRIVATE", "127.0.0.1")]);
    // Members may not add sources, whatever they attach.
    let (_, body) = signed_post(&endpoint.url, &add("0"), None);
    assert!(body.contains("only moderators"), "{body}");
    let (_, body) = deferred(&endpoint, &requests, &add("32"));
    assert!(body.contains("Added bridge"), "{body}");
    let (_, body) = signed_post(
        &endpoint.url,
        &command(
            "ask",
            Some(("question", "how many workers repaired the span?")),
            "0",
        ),
        None,
    );
    assert!(body.contains("212"), "{body}");
}
