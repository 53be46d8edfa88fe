//! Gateway mode, end to end: `sitrep serve discord` finds the gateway through the REST
//! stand-in (`GET /gateway`), connects to a loopback stand-in for Discord's gateway
//! (websocket: HELLO, IDENTIFY, READY, heartbeats), loses the connection and resumes it,
//! then answers a slash command, a button and an autocomplete; each reply is captured
//! where Discord would take it, at the interaction's callback on the REST stand-in.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Sender, channel};
use std::time::{Duration, Instant};

use tungstenite::{Message, WebSocket};

use super::*;

/// A frame the bot sent: which connection (0, 1, …) and the payload.
type Frame = (usize, Value);

/// The gateway stand-in. Each connection starts with HELLO; IDENTIFY gets READY, RESUME
/// gets RESUMED, heartbeats are acknowledged. The first connection is dropped without a
/// closing handshake after its first heartbeat, as a network failure would. From the
/// second on, events sent on `dispatch` go to the bot in sequence.
fn fake_gateway() -> (String, Receiver<Frame>, Sender<(&'static str, Value)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("ws://{}", listener.local_addr().unwrap());
    let (frames, received) = channel();
    let (dispatch, dispatches) = channel::<(&'static str, Value)>();
    let resume_url = url.clone();
    std::thread::spawn(move || {
        let mut seq = 0;
        for (connection, stream) in listener.incoming().enumerate() {
            let Ok(mut ws) = tungstenite::accept(stream.unwrap()) else {
                continue;
            };
            ws.get_mut()
                .set_read_timeout(Some(Duration::from_millis(20)))
                .unwrap();
            send(
                &mut ws,
                json!({"op": 10, "d": {"heartbeat_interval": 1000}}),
            );
            loop {
                let frame: Value = match ws.read() {
                    Ok(Message::Text(text)) => serde_json::from_str(&text).unwrap(),
                    Ok(_) => continue,
                    Err(tungstenite::Error::Io(e))
                        if matches!(
                            e.kind(),
                            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                        ) =>
                    {
                        if connection > 0 {
                            while let Ok((event, data)) = dispatches.try_recv() {
                                seq += 1;
                                send(&mut ws, json!({"op": 0, "s": seq, "t": event, "d": data}));
                            }
                        }
                        continue;
                    }
                    Err(_) => break,
                };
                let op = frame["op"].as_u64();
                if frames.send((connection, frame)).is_err() {
                    return;
                }
                match op {
                    Some(2) => {
                        seq += 1;
                        send(&mut ws, ready(seq, &resume_url));
                    }
                    Some(6) => {
                        seq += 1;
                        send(&mut ws, json!({"op": 0, "s": seq, "t": "RESUMED", "d": {}}));
                    }
                    Some(1) => {
                        send(&mut ws, json!({"op": 11}));
                        if connection == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
        }
    });
    (url, received, dispatch)
}

fn send(ws: &mut WebSocket<TcpStream>, payload: Value) {
    let _ = ws.send(Message::Text(payload.to_string()));
}

/// The READY dispatch of a session of application 2000.
fn ready(seq: u64, resume_url: &str) -> Value {
    let user = json!({
        "id": "2000", "username": "sitrep", "discriminator": "0", "global_name": null,
        "avatar": null, "bot": true, "verified": true, "mfa_enabled": false, "flags": 0,
    });
    json!({"op": 0, "s": seq, "t": "READY", "d": {
        "v": 10, "user": user, "guilds": [], "session_id": "session-1",
        "resume_gateway_url": resume_url, "shard": [0, 1],
        "application": {"id": "2000", "flags": 0},
    }})
}

/// The bot's process; killed when dropped.
struct Bot(Child);

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The next message on `from` that `wanted` accepts, within a minute; the others (like
/// heartbeats) are skipped.
fn next<T>(from: &Receiver<T>, what: &str, wanted: impl Fn(&T) -> bool) -> T {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = from
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no {what}"));
        if wanted(&message) {
            return message;
        }
    }
}

/// The next frame the bot sends with this opcode.
fn frame(frames: &Receiver<Frame>, op: u64) -> Frame {
    next(frames, &format!("frame with op {op}"), |(_, f)| {
        f["op"] == op
    })
}

/// The body of the next REST request whose request line contains `wanted`.
fn request(requests: &Receiver<(String, String)>, wanted: &str) -> Value {
    let (_, body) = next(requests, &format!("request to {wanted}"), |(line, _)| {
        line.contains(wanted)
    });
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

#[test]
fn gateway_mode_connects_resumes_and_answers_interactions() {
    let (gateway, frames, dispatch) = fake_gateway();
    let (rest, requests) = fake_discord(Some(&gateway));
    let dir = common::corpus_copy();
    let _bot = Bot(Command::new(assert_cmd::cargo::cargo_bin("sitrep"))
        .arg("--index")
        .arg(dir.path())
        .args(["serve", "discord"])
        .env("DISCORD_TOKEN", "test-token")
        .env("DISCORD_APPLICATION_ID", "2000")
        .env("DISCORD_HTTP_PROXY", &rest)
        .env("SITREP_RATE_LIMIT", "100/60")
        .env_remove("DISCORD_GUILD_ID")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap());

    let (connection, identify) = frame(&frames, 2);
    assert_eq!(connection, 0);
    assert!(
        identify["d"]["token"]
            .as_str()
            .is_some_and(|t| t.ends_with("test-token")),
        "{identify}"
    );
    assert_eq!(identify["d"]["intents"], 1, "GUILDS only: {identify}");
    // Ready: the slash commands are registered globally.
    let registered = request(&requests, "PUT /api/v10/applications/2000/commands");
    let names: Vec<&str> = registered
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(
        names.contains(&"ask") && names.contains(&"sources"),
        "{names:?}"
    );

    // The first connection drops after a heartbeat; the bot resumes the session.
    assert_eq!(frame(&frames, 1).0, 0);
    let (connection, resume) = frame(&frames, 6);
    assert_eq!(connection, 1);
    assert_eq!(resume["d"]["session_id"], "session-1", "{resume}");
    assert_eq!(resume["d"]["seq"], 1, "{resume}");

    let callback = "POST /api/v10/interactions/1000/interaction-token/callback";
    let event = |interaction: String| serde_json::from_str::<Value>(&interaction).unwrap();
    let ask = command("ask", Some(("question", "how many drones were used?")), "0");
    dispatch.send(("INTERACTION_CREATE", event(ask))).unwrap();
    let answer = request(&requests, callback);
    assert_eq!(answer["type"], 4, "{answer}");
    assert!(
        answer["data"]["embeds"][0].to_string().contains("117"),
        "{answer}"
    );
    assert_eq!(
        answer["data"]["allowed_mentions"]["parse"],
        json!([]),
        "pings nobody: {answer}"
    );

    let page = button("search:1:Russia Ukraine");
    dispatch.send(("INTERACTION_CREATE", event(page))).unwrap();
    let turned = request(&requests, callback);
    assert_eq!(turned["type"], 7, "the page turns in place: {turned}");

    let typed = typing("sources", "remove", "Drone Attacks");
    dispatch.send(("INTERACTION_CREATE", event(typed))).unwrap();
    let offered = request(&requests, callback);
    let offered = choices(&offered.to_string());
    assert_eq!(offered.len(), 1, "{offered:?}");
    assert!(offered[0].0.contains("Ukraine war"), "{offered:?}");
}
