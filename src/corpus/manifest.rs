//! The optional sources manifest (`sources/manifest.toml`): citation metadata that the
//! article files do not carry themselves, and the feeds that are polled for new articles.

use std::collections::{BTreeMap, HashMap};
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

/// A feed polled for new articles.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FeedMeta {
    pub url: String,
    pub added_by: Option<String>,
    /// When it was added (RFC 3339).
    pub added: Option<String>,
}

/// `[sources."<id>"]` tables keyed by source id, and `[feeds."<id>"]` tables.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(default)]
    pub sources: HashMap<String, SourceMeta>,
    #[serde(default)]
    pub feeds: BTreeMap<String, FeedMeta>,
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
    /// The manifest is not valid TOML, so it cannot be edited.
    #[error("invalid {FILE_NAME}: {0}")]
    Edit(#[from] toml_edit::TomlError),
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

    /// Adds a feed to `dir/manifest.toml`, keeping the rest of the file as written.
    pub fn add_feed(dir: &Path, id: &str, feed: &FeedMeta) -> Result<(), ManifestError> {
        edit(dir, |doc| {
            let feeds = doc
                .entry("feeds")
                .or_insert_with(|| {
                    let mut table = toml_edit::Table::new();
                    table.set_implicit(true);
                    toml_edit::Item::Table(table)
                })
                .as_table_mut()
                .expect("feeds is a table");
            let mut table = toml_edit::Table::new();
            table["url"] = toml_edit::value(&feed.url);
            if let Some(by) = &feed.added_by {
                table["added_by"] = toml_edit::value(by);
            }
            if let Some(added) = &feed.added {
                table["added"] = toml_edit::value(added);
            }
            feeds.insert(id, toml_edit::Item::Table(table));
        })
    }

    /// Removes a feed from `dir/manifest.toml`; `false` if it was not there.
    pub fn remove_feed(dir: &Path, id: &str) -> Result<bool, ManifestError> {
        let mut removed = false;
        edit(dir, |doc| {
            removed = doc
                .get_mut("feeds")
                .and_then(|f| f.as_table_like_mut())
                .and_then(|f| f.remove(id))
                .is_some();
        })?;
        Ok(removed)
    }
}

/// Rewrites the manifest through `change`, atomically (a temporary file and a rename).
fn edit(dir: &Path, change: impl FnOnce(&mut toml_edit::DocumentMut)) -> Result<(), ManifestError> {
    let path = dir.join(FILE_NAME);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            "# Sources sitrep cannot read from the files themselves: citation metadata by\n# source id ([sources.\"id\"]) and feeds polled for new articles ([feeds.\"id\"]).\n".to_string()
        }
        Err(e) => return Err(e.into()),
    };
    let mut doc: toml_edit::DocumentMut = text.parse()?;
    change(&mut doc);
    // The result must still load, or the next build would fail on it.
    let _: Manifest = toml::from_str(&doc.to_string())?;
    let tmp = dir.join(format!(".{FILE_NAME}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, doc.to_string())?;
    std::fs::rename(&tmp, &path)?;
    Ok(())
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

    #[test]
    fn feeds_are_added_and_removed_keeping_comments() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            "# hand-written\n[sources.\"a\"]\noutlet = \"Wire\"\n",
        )
        .unwrap();
        let feed = FeedMeta {
            url: "https://example.org/rss".into(),
            added_by: Some("ana".into()),
            added: None,
        };
        Manifest::add_feed(dir.path(), "example-org", &feed).unwrap();
        let m = Manifest::load(dir.path()).unwrap();
        assert_eq!(m.feeds["example-org"], feed);
        assert_eq!(m.get("a").unwrap().outlet.as_deref(), Some("Wire"));
        assert!(Manifest::remove_feed(dir.path(), "example-org").unwrap());
        assert!(!Manifest::remove_feed(dir.path(), "example-org").unwrap());
        let text = std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
        assert!(text.starts_with("# hand-written"), "{text}");
        assert!(Manifest::load(dir.path()).unwrap().feeds.is_empty());
    }
}
