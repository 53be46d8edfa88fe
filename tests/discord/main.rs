//! Discord, end to end: the HTTP interactions endpoint (`endpoint`) and gateway mode
//! (`gateway`), each run as `sitrep serve …` against loopback stand-ins for Discord.

#[path = "../common/mod.rs"]
mod common;
mod endpoint;
mod gateway;

use std::io::{BufRead, BufReader, Read, Write};
use std::sync::mpsc::Receiver;

use serde_json::{Value, json};

/// An interaction of `kind` in a guild channel, from a member with `permissions`.
pub fn interaction(kind: u8, data: Value, permissions: &str) -> Value {
    json!({
        "id": "1000", "application_id": "2000", "type": kind, "token": "interaction-token",
        "version": 1, "guild_id": "3000", "channel_id": "4000", "locale": "en-US",
        "guild_locale": "en-US", "app_permissions": "0", "entitlements": [],
        "attachment_size_limit": 10485760, "context": 0,
        "data": data,
        "member": {
            "user": {"id": "6000", "username": "reader", "discriminator": "0", "global_name": "Reader", "avatar": null},
            "roles": [], "joined_at": "2025-06-01T00:00:00+00:00", "deaf": false, "mute": false,
            "flags": 0, "permissions": permissions,
        },
    })
}

/// A slash command from a guild member with the given permissions.
pub fn command(name: &str, option: Option<(&str, &str)>, permissions: &str) -> String {
    let options: Vec<Value> = option
        .map(|(n, v)| json!({"name": n, "type": 3, "value": v}))
        .into_iter()
        .collect();
    let data = json!({"id": "5000", "name": name, "type": 1, "options": options});
    interaction(2, data, permissions).to_string()
}

/// A button press on a message the bot sent.
pub fn button(custom_id: &str) -> String {
    let mut press = interaction(3, json!({"custom_id": custom_id, "component_type": 2}), "0");
    press["message"] = json!({
        "id": "7000", "channel_id": "4000", "content": "", "timestamp": "2025-06-02T10:00:00+00:00",
        "edited_timestamp": null, "tts": false, "mention_everyone": false, "mentions": [],
        "mention_roles": [], "attachments": [], "embeds": [], "pinned": false, "type": 20,
        "author": {"id": "2000", "username": "sitrep", "discriminator": "0", "avatar": null, "bot": true},
    });
    press.to_string()
}

/// What Discord sends while `/group sub` is typed, the `id` option holding `typed`.
pub fn typing(group: &str, sub: &str, typed: &str) -> String {
    let data = json!({"id": "5000", "name": group, "type": 1, "options": [
        {"name": sub, "type": 1, "options": [
            {"name": "id", "type": 3, "value": typed, "focused": true}
        ]}
    ]});
    interaction(4, data, "32").to_string()
}

/// The (name, value) choices of an autocomplete response.
pub fn choices(body: &str) -> Vec<(String, String)> {
    let response: Value = serde_json::from_str(body).unwrap();
    assert_eq!(response["type"], 8, "{response}");
    response["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let name = c["name"].as_str().unwrap().to_string();
            assert!(name.chars().count() <= 100, "{name}");
            (name, c["value"].as_str().unwrap().to_string())
        })
        .collect()
}

/// A slash subcommand (`/track add query:…`) from a member with `permissions`.
pub fn subcommand(group: &str, sub: &str, option: (&str, &str), permissions: &str) -> String {
    let data = json!({"id": "5000", "name": group, "type": 1, "options": [
        {"name": sub, "type": 1, "options": [{"name": option.0, "type": 3, "value": option.1}]}
    ]});
    interaction(2, data, permissions).to_string()
}

/// A stand-in for Discord's REST API on loopback: records each request line and body.
/// It answers `GET /gateway` and `/gateway/bot` with `gateway` (a `ws://` URL) when
/// given, a command registration with an empty list, and everything else with a message.
pub fn fake_discord(gateway: Option<&str>) -> (String, Receiver<(String, String)>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let gateway = json!({
        "url": gateway, "shards": 1,
        "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
    })
    .to_string();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let mut length = 0;
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
                    break;
                }
                if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let path = request_line.split(' ').nth(1).unwrap_or("");
            let reply = if path.ends_with("/gateway") || path.ends_with("/gateway/bot") {
                gateway.as_str()
            } else if request_line.starts_with("PUT") && path.ends_with("/commands") {
                "[]"
            } else {
                MESSAGE
            };
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                reply.len()
            );
            let _ = tx.send((
                request_line.trim().to_string(),
                String::from_utf8_lossy(&body).into_owned(),
            ));
        }
    });
    (url, rx)
}

/// A message object, as Discord's REST API returns for a message sent or edited.
const MESSAGE: &str = r#"{"id":"9000","channel_id":"4000","author":{"id":"2000","username":"sitrep","discriminator":"0","global_name":null,"avatar":null,"bot":true},"content":"","timestamp":"2025-06-03T08:00:00+00:00","edited_timestamp":null,"tts":false,"mention_everyone":false,"mentions":[],"mention_roles":[],"attachments":[],"embeds":[],"pinned":false,"type":0}"#;
