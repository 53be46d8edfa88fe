//! Settings: one typed struct read from the environment and `.env` (dotenvy).

use std::path::PathBuf;

/// Everything sitrep can be configured with. See `.env.example`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The index directory (sources and built generations): `SITREP_INDEX`.
    pub index_dir: PathBuf,
    /// Largest source file read, in bytes: `SITREP_MAX_SOURCE_MB` (MiB, default 10).
    pub max_source_bytes: u64,
    /// Per-user limit for non-moderators: `SITREP_RATE_LIMIT` as `COUNT/SECONDS` (6/60).
    pub rate_limit: (u32, std::time::Duration),
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
        let max_mb = match lookup("SITREP_MAX_SOURCE_MB") {
            None => 10,
            Some(value) => {
                value
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or(SettingError {
                        name: "SITREP_MAX_SOURCE_MB",
                        value,
                        reason: "expected a whole number of MiB above 0",
                    })?
            }
        };
        let rate_limit = match lookup("SITREP_RATE_LIMIT") {
            None => (6, std::time::Duration::from_secs(60)),
            Some(value) => parse_rate(&value).ok_or(SettingError {
                name: "SITREP_RATE_LIMIT",
                value,
                reason: "expected COUNT/SECONDS, e.g. 6/60",
            })?,
        };
        Ok(Settings {
            rate_limit,
            index_dir: lookup("SITREP_INDEX").map_or_else(|| PathBuf::from("index"), PathBuf::from),
            max_source_bytes: max_mb << 20,
        })
    }
}

fn parse_rate(text: &str) -> Option<(u32, std::time::Duration)> {
    let (count, seconds) = text.trim().split_once('/')?;
    let count: u32 = count.trim().parse().ok().filter(|&n| n > 0)?;
    let seconds: u64 = seconds.trim().parse().ok().filter(|&n| n > 0)?;
    Some((count, std::time::Duration::from_secs(seconds)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_errors() {
        let s = Settings::from_lookup(|_| None).unwrap();
        assert_eq!(s.index_dir, PathBuf::from("index"));
        assert_eq!(s.max_source_bytes, 10 << 20);
        let err = Settings::from_lookup(|n| (n == "SITREP_MAX_SOURCE_MB").then(|| "lots".into()))
            .unwrap_err();
        assert_eq!(err.name, "SITREP_MAX_SOURCE_MB");
        assert_eq!(
            parse_rate("3/10"),
            Some((3, std::time::Duration::from_secs(10)))
        );
        assert_eq!(parse_rate("0/10"), None);
        assert_eq!(parse_rate("3"), None);
    }
}
