//! Settings: one typed struct read from the environment and `.env` (dotenvy).

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::corpus::Limits;
use crate::sources::fetch::AllowInternal;

/// Everything sitrep can be configured with. See `.env.example`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The index directory (sources and built generations): `SITREP_INDEX`.
    pub index_dir: PathBuf,
    /// What one source may cost: its size, `SITREP_MAX_SOURCE_MB` (MiB, default 10), and
    /// the time its article extraction may take, `SITREP_EXTRACT_TIMEOUT` (10 s).
    pub source_limits: Limits,
    /// Per-user limit for non-moderators: `SITREP_RATE_LIMIT` as `COUNT/SECONDS` (6/60).
    pub rate_limit: (u32, Duration),
    /// The state file (subscriptions, feeds, alerts): `SITREP_STATE`; default
    /// `<index>/state.sqlite`.
    pub state: Option<PathBuf>,
    /// How often feeds are polled: `SITREP_POLL_INTERVAL` (seconds, or `10m`, `1h`; 10 min).
    pub poll_interval: Duration,
    /// Let URLs reach internal (loopback, private, link-local) addresses:
    /// `SITREP_FETCH_ALLOW_PRIVATE` — `true`, or addresses and CIDR networks (none).
    pub fetch_allow_private: AllowInternal,
    /// Time allowed for one fetch: `SITREP_FETCH_TIMEOUT` (seconds, 20).
    pub fetch_timeout: Duration,
    /// The sentence encoder's folder: `SITREP_MODEL` (the shipped model; `off` for none).
    pub model: Option<PathBuf>,
    /// Threads the encoder embeds passages with: `SITREP_ENCODER_THREADS` (one per core).
    pub encoder_threads: usize,
    /// Anyone, not just moderators, may add and remove tracking: `SITREP_TRACK_OPEN` (false).
    pub track_open: bool,
    /// Passages one standing search posts per update: `SITREP_TRACK_MAX_PER_UPDATE` (5).
    pub track_max_per_update: usize,
    pub discord: Discord,
    pub matrix: Matrix,
}

/// Matrix settings, for `sitrep serve matrix`.
#[derive(Debug, Clone)]
pub struct Matrix {
    /// Homeserver URL (`MATRIX_HOMESERVER`).
    pub homeserver: Option<String>,
    /// The bot's user id or name (`MATRIX_USER`).
    pub user: Option<String>,
    /// Its password (`MATRIX_PASSWORD`).
    pub password: Option<Secret>,
    /// Or an access token of an existing device (`MATRIX_ACCESS_TOKEN`).
    pub access_token: Option<Secret>,
    /// Where the device, its keys and the sync token are kept (`MATRIX_STORE`).
    pub store: PathBuf,
    /// Power level that makes a room member a moderator (`MATRIX_MODERATOR_LEVEL`, 50).
    pub moderator_level: i64,
    /// Users who are moderators everywhere (`MATRIX_MODERATORS`, comma-separated).
    pub moderators: Vec<String>,
    /// Accept invites only from these users or servers (`MATRIX_INVITERS`); empty: anyone.
    pub inviters: Vec<String>,
}

/// Discord settings; each is needed only by the mode that uses it.
#[derive(Debug, Clone, Default)]
pub struct Discord {
    /// Bot token (`DISCORD_TOKEN`): gateway mode, and follow-ups of deferred replies.
    pub token: Option<Secret>,
    /// Application id (`DISCORD_APPLICATION_ID`): registering commands, follow-ups.
    pub application_id: Option<u64>,
    /// Ed25519 public key (`DISCORD_PUBLIC_KEY`, 64 hex digits): verifying interaction
    /// requests.
    pub public_key: Option<[u8; 32]>,
    /// Register commands in this guild only (`DISCORD_GUILD_ID`): instant, for testing.
    pub guild_id: Option<u64>,
    /// Role ids whose members are moderators (`DISCORD_MODERATOR_ROLES`, comma-separated),
    /// besides members with the Manage Server permission.
    pub moderator_roles: Vec<u64>,
    /// Send Discord REST calls through this proxy (`DISCORD_HTTP_PROXY`), e.g. a shared
    /// rate-limit proxy; the tests point it at a local stand-in for Discord.
    pub http_proxy: Option<String>,
}

/// A secret value: usable, never printed (`Debug` shows `[redacted]`).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A setting that is present but unusable.
#[derive(Debug, thiserror::Error)]
#[error("setting {name}={value:?} is invalid: {reason}")]
pub struct SettingError {
    pub name: &'static str,
    pub value: String,
    pub reason: &'static str,
}

impl Settings {
    /// Reads settings from the process environment, after loading `.env` if there is one.
    pub fn from_env() -> Result<Settings, SettingError> {
        // A missing .env is normal; the environment alone is enough.
        let _ = dotenvy::dotenv();
        Settings::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Settings, SettingError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let parsed = |name: &'static str, reason: &'static str, ok: &dyn Fn(&str) -> bool| {
            get(name).map(|value| {
                if ok(&value) {
                    Ok(value)
                } else {
                    Err(SettingError {
                        name,
                        value,
                        reason,
                    })
                }
            })
        };
        let number = |name: &'static str| -> Result<Option<u64>, SettingError> {
            parsed(name, "expected a number", &|v| v.parse::<u64>().is_ok())
                .transpose()
                .map(|v| v.map(|v| v.parse().expect("checked")))
        };
        let max_mb = parsed(
            "SITREP_MAX_SOURCE_MB",
            "expected a whole number of MiB above 0",
            &|v| v.parse::<u64>().is_ok_and(|n| n > 0),
        )
        .transpose()?
        .map_or(10, |v| v.parse().expect("checked"));
        let rate_limit = parsed(
            "SITREP_RATE_LIMIT",
            "expected COUNT/SECONDS, e.g. 6/60",
            &|v| parse_rate(v).is_some(),
        )
        .transpose()?
        .map_or((6, Duration::from_secs(60)), |v| {
            parse_rate(&v).expect("checked")
        });
        let public_key = parsed("DISCORD_PUBLIC_KEY", "expected 64 hex digits", &|v| {
            v.len() == 64 && v.chars().all(|c| c.is_ascii_hexdigit())
        })
        .transpose()?
        .map(|hex| {
            let mut key = [0u8; 32];
            for (i, byte) in key.iter_mut().enumerate() {
                *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("checked");
            }
            key
        });
        let moderator_roles = parsed(
            "DISCORD_MODERATOR_ROLES",
            "expected role ids separated by commas",
            &|v| v.split(',').all(|id| id.trim().parse::<u64>().is_ok()),
        )
        .transpose()?
        .map(|v| {
            v.split(',')
                .map(|id| id.trim().parse().expect("checked"))
                .collect()
        })
        .unwrap_or_default();
        let list = |name: &str| -> Vec<String> {
            get(name)
                .map(|v| {
                    v.split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default()
        };
        let flag = |name: &'static str| -> Result<bool, SettingError> {
            parsed(name, "expected true or false", &|v| {
                matches!(
                    v.to_ascii_lowercase().as_str(),
                    "true" | "false" | "1" | "0" | "yes" | "no"
                )
            })
            .transpose()
            .map(|v| {
                v.is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes"))
            })
        };
        let duration = |name, default_seconds| {
            parsed(
                name,
                "expected seconds, or a number with ms, s, m or h (e.g. 10m)",
                &|v| parse_duration(v).is_some(),
            )
            .transpose()
            .map(|v| {
                v.map_or(Duration::from_secs(default_seconds), |v| {
                    parse_duration(&v).expect("checked")
                })
            })
        };
        let poll_interval = duration("SITREP_POLL_INTERVAL", 600)?;
        let fetch_timeout = duration("SITREP_FETCH_TIMEOUT", 20)?;
        let extract_time = duration("SITREP_EXTRACT_TIMEOUT", 10)?;
        let moderator_level = parsed("MATRIX_MODERATOR_LEVEL", "expected a whole number", &|v| {
            v.parse::<i64>().is_ok()
        })
        .transpose()?
        .map_or(50, |v| v.parse().expect("checked"));
        let matrix = Matrix {
            homeserver: get("MATRIX_HOMESERVER"),
            user: get("MATRIX_USER"),
            password: get("MATRIX_PASSWORD").map(Secret),
            access_token: get("MATRIX_ACCESS_TOKEN").map(Secret),
            store: get("MATRIX_STORE").map_or_else(|| PathBuf::from("matrix-store"), PathBuf::from),
            moderator_level,
            moderators: list("MATRIX_MODERATORS"),
            inviters: list("MATRIX_INVITERS"),
        };
        Ok(Settings {
            matrix,
            index_dir: get("SITREP_INDEX").map_or_else(|| PathBuf::from("index"), PathBuf::from),
            source_limits: Limits {
                max_bytes: max_mb << 20,
                extract_time,
            },
            rate_limit,
            state: get("SITREP_STATE").map(PathBuf::from),
            poll_interval,
            fetch_allow_private: parsed(
                "SITREP_FETCH_ALLOW_PRIVATE",
                "expected true, false, or addresses and networks like 10.0.0.0/8",
                &|v| AllowInternal::parse(v).is_some(),
            )
            .transpose()?
            .map_or(AllowInternal::None, |v| {
                AllowInternal::parse(&v).expect("checked")
            }),
            fetch_timeout,
            model: match get("SITREP_MODEL") {
                None => Some(crate::encoder::shipped_model()),
                Some(v) if v.eq_ignore_ascii_case("off") => None,
                Some(v) => Some(PathBuf::from(v)),
            },
            encoder_threads: number("SITREP_ENCODER_THREADS")?
                .map_or_else(crate::encoder::default_threads, |n| n.max(1) as usize),
            track_open: flag("SITREP_TRACK_OPEN")?,
            track_max_per_update: number("SITREP_TRACK_MAX_PER_UPDATE")?
                .map_or(5, |n| n.max(1) as usize),
            discord: Discord {
                token: get("DISCORD_TOKEN").map(Secret),
                application_id: number("DISCORD_APPLICATION_ID")?,
                public_key,
                guild_id: number("DISCORD_GUILD_ID")?,
                moderator_roles,
                http_proxy: get("DISCORD_HTTP_PROXY"),
            },
        })
    }
}

/// `600`, `600s`, `10m`, `1h`: a positive duration.
fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let number: u64 = number.parse().ok().filter(|&n| n > 0)?;
    let seconds = match unit.trim() {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "ms" => return Some(Duration::from_millis(number)),
        _ => return None,
    };
    Some(Duration::from_secs(number.checked_mul(seconds)?))
}

fn parse_rate(text: &str) -> Option<(u32, Duration)> {
    let (count, seconds) = text.trim().split_once('/')?;
    let count: u32 = count.trim().parse().ok().filter(|&n| n > 0)?;
    let seconds: u64 = seconds.trim().parse().ok().filter(|&n| n > 0)?;
    Some((count, Duration::from_secs(seconds)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&str, &str)]) -> Result<Settings, SettingError> {
        Settings::from_lookup(|name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn defaults_and_errors() {
        let s = with(&[]).unwrap();
        assert_eq!(s.index_dir, PathBuf::from("index"));
        assert_eq!(s.source_limits, Limits::default());
        assert_eq!(s.rate_limit, (6, Duration::from_secs(60)));
        assert_eq!(
            with(&[("SITREP_MAX_SOURCE_MB", "lots")]).unwrap_err().name,
            "SITREP_MAX_SOURCE_MB"
        );
        assert_eq!(parse_rate("3/10"), Some((3, Duration::from_secs(10))));
        assert_eq!(parse_rate("0/10"), None);
        assert_eq!(parse_rate("3"), None);
        assert_eq!(s.poll_interval, Duration::from_secs(600));
        assert!(s.fetch_allow_private == AllowInternal::None && !s.track_open);
    }

    #[test]
    fn durations_and_flags() {
        assert_eq!(parse_duration("90"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("10m"), Some(Duration::from_secs(600)));
        assert_eq!(parse_duration("2h"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("0"), None);
        assert_eq!(parse_duration("5 days"), None);
        let s = with(&[
            ("SITREP_POLL_INTERVAL", "1"),
            ("SITREP_FETCH_ALLOW_PRIVATE", "TRUE"),
            ("SITREP_TRACK_OPEN", "no"),
        ])
        .unwrap();
        assert_eq!(s.poll_interval, Duration::from_secs(1));
        assert!(s.fetch_allow_private == AllowInternal::All && !s.track_open);
        assert_eq!(
            with(&[("SITREP_TRACK_OPEN", "maybe")]).unwrap_err().name,
            "SITREP_TRACK_OPEN"
        );
    }

    #[test]
    fn discord_settings_and_secrets() {
        let s = with(&[
            ("DISCORD_TOKEN", "abc.def"),
            ("DISCORD_APPLICATION_ID", "123"),
            ("DISCORD_MODERATOR_ROLES", "11, 22"),
            ("DISCORD_PUBLIC_KEY", &"ab".repeat(32)),
        ])
        .unwrap();
        assert_eq!(s.discord.token.as_ref().unwrap().expose(), "abc.def");
        assert_eq!(s.discord.moderator_roles, [11, 22]);
        assert_eq!(s.discord.public_key, Some([0xab; 32]));
        assert!(
            !format!("{s:?}").contains("abc.def"),
            "the token is never printed"
        );
        assert!(with(&[("DISCORD_PUBLIC_KEY", "nothex")]).is_err());
        assert!(with(&[("DISCORD_GUILD_ID", "x")]).is_err());
        let m = with(&[
            ("MATRIX_PASSWORD", "hunter2"),
            ("MATRIX_MODERATORS", "@a:x, @b:y"),
        ])
        .unwrap();
        assert_eq!(m.matrix.moderators, ["@a:x", "@b:y"]);
        assert_eq!(m.matrix.moderator_level, 50);
        assert!(!format!("{m:?}").contains("hunter2"));
    }
}
