//! The optional sources manifest (`sources/manifest.toml`): citation metadata that the
//! article files do not carry themselves.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::PubDate;

pub const FILE_NAME: &str = "manifest.toml";

/// Metadata for one source id.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SourceMeta {
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub published: Option<PubDate>,
}

/// `[sources."<id>"]` tables keyed by source id.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(default)]
    pub sources: HashMap<String, SourceMeta>,
}

/// Why the manifest could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The manifest exists but could not be read.
    #[error("cannot read {FILE_NAME}: {0}")]
    Io(#[from] std::io::Error),
    /// The manifest is not valid TOML of the expected shape.
    #[error("invalid {FILE_NAME}: {0}")]
    Parse(#[from] toml::de::Error),
}

impl Manifest {
    /// Loads `dir/manifest.toml`; a missing manifest is an empty one.
    pub fn load(dir: &Path) -> Result<Manifest, ManifestError> {
        match std::fs::read_to_string(dir.join(FILE_NAME)) {
            Ok(text) => Ok(toml::from_str(&text)?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest::default()),
            Err(e) => Err(e.into()),
        }
    }

    pub fn get(&self, id: &str) -> Option<&SourceMeta> {
        self.sources.get(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_metadata_by_id() {
        let m: Manifest =
            toml::from_str("[sources.\"001_x\"]\noutlet = \"Wire\"\npublished = \"2025-06\"\n")
                .unwrap();
        let meta = m.get("001_x").unwrap();
        assert_eq!(meta.outlet.as_deref(), Some("Wire"));
        assert_eq!(meta.published.unwrap().to_string(), "2025-06");
        assert!(toml::from_str::<Manifest>("[sources.a]\nbogus = 1\n").is_err());
    }
}
