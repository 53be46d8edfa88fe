//! Sources managed while the bot runs: web pages and uploads stored as files in
//! `index/sources/`, feeds listed in the manifest and polled on a schedule, removals —
//! each followed by an incremental index update. Blocking: call it off async workers.

pub mod feed;
pub mod fetch;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::corpus::{
    self, Article, Extracted, FeedMeta, FrontMatter, Manifest, ManifestError, SourceError,
};
use crate::index::{self, BuildReport, Change, IndexError, Live, SourceReport};
use crate::state::{self, FetchedFrom, State, StateError};
use fetch::{Expect, FetchError, Fetched, Fetcher, Validators};

/// The longest wait between polls of a failing feed.
const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);
/// How long a poller owns a feed it has claimed (so another process skips it).
const CLAIM: Duration = Duration::from_secs(300);

/// Why a source could not be added or removed. All but the last four are the user's to fix.
#[derive(Debug, thiserror::Error)]
pub enum SourcesError {
    /// The URL was refused or could not be fetched.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The page or file holds no usable article.
    #[error("{what}: {error}")]
    Article { what: String, error: SourceError },
    /// The feed could not be read.
    #[error("{url}: {message}")]
    Feed { url: String, message: String },
    /// The same article or feed is already a source.
    #[error("already a source: {existing} (same {why})")]
    Duplicate { existing: String, why: &'static str },
    /// No source or feed has this id.
    #[error("no source or feed has the id {0:?}; `sources` lists them")]
    Unknown(String),
    /// The source is one article of a JSONL archive.
    #[error("{id} is an article of the archive {file}; remove the archive's file to drop it")]
    InArchive { id: String, file: String },
    /// The index could not be updated.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// The state file failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// The manifest could not be edited.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// A source file could not be written or removed.
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl SourcesError {
    /// Whether the message is for the user (else it is logged, and the user told less).
    pub fn is_users(&self) -> bool {
        !matches!(
            self,
            SourcesError::Index(_)
                | SourcesError::State(_)
                | SourcesError::Manifest(_)
                | SourcesError::Io { .. }
        )
    }
}

/// A feed as `sources` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedStatus {
    pub id: String,
    pub url: String,
    /// Unix seconds of the last attempt, if any.
    pub last_fetch: Option<i64>,
    pub next_poll: Option<i64>,
    pub last_error: Option<String>,
    pub failures: u32,
}

/// What one poll of a feed did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Polled {
    pub feed: String,
    pub added: Vec<String>,
    /// Entries not added, with why (duplicates, pages without an article).
    pub skipped: Vec<String>,
    pub error: Option<String>,
}

/// A feed that was just added, and its first poll.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedAdded {
    pub id: String,
    pub title: Option<String>,
    pub poll: Polled,
}

/// Where a stored article came from, and who added it.
struct Origin<'a> {
    from: FetchedFrom<'a>,
    added_by: &'a str,
}

/// Adds, removes and polls sources of one index.
pub struct Sources {
    live: Arc<Live>,
    state: Arc<State>,
    fetcher: Fetcher,
    poll_interval: Duration,
}

impl Sources {
    pub fn new(
        live: Arc<Live>,
        state: Arc<State>,
        fetcher: Fetcher,
        poll_interval: Duration,
    ) -> Self {
        Sources {
            live,
            state,
            fetcher,
            poll_interval,
        }
    }

    pub fn live(&self) -> &Arc<Live> {
        &self.live
    }

    pub fn poll_interval(&self) -> Duration {
        self.poll_interval
    }

    /// The size cap of one source, fetched or uploaded.
    pub fn max_bytes(&self) -> u64 {
        self.live.limits().max_bytes
    }

    fn extract_time(&self) -> Duration {
        self.live.limits().extract_time
    }

    /// Fetches a web page, stores its article as a Markdown file and indexes it.
    pub fn add_url(&self, url: &str, added_by: &str) -> Result<SourceReport, SourcesError> {
        let url = fetch::parse(url)?.to_string();
        if let Some(existing) = self.known_url(&url)? {
            return Err(SourcesError::Duplicate {
                existing,
                why: "URL",
            });
        }
        let (final_url, extracted) = self.fetch_page(&url)?;
        self.store(
            extracted,
            &Origin {
                from: FetchedFrom {
                    url: Some(&final_url),
                    ..FetchedFrom::default()
                },
                added_by,
            },
        )
    }

    /// Stores an uploaded text, Markdown or HTML file as it is, and indexes it.
    pub fn add_file(
        &self,
        name: &str,
        bytes: &[u8],
        added_by: &str,
    ) -> Result<SourceReport, SourcesError> {
        let what = || name.to_string();
        let path = Path::new(name);
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        if !matches!(
            extension.as_str(),
            "txt" | "md" | "markdown" | "html" | "htm"
        ) {
            return Err(SourcesError::Article {
                what: what(),
                error: SourceError::Unsupported { extension },
            });
        }
        let limit = self.max_bytes();
        if bytes.len() as u64 > limit {
            return Err(SourcesError::Article {
                what: what(),
                error: SourceError::TooLarge {
                    size: bytes.len() as u64,
                    limit,
                },
            });
        }
        let article_error = |error| SourcesError::Article {
            what: what(),
            error,
        };
        let text = corpus::decode(bytes).map_err(article_error)?;
        let article = corpus::read_str(String::new(), &extension, text, self.extract_time())
            .map_err(article_error)?;
        self.refuse_duplicate_text(&article)?;
        let id = self.free_id(&slug(&corpus::source_id(path)))?;
        let file = format!("{id}.{extension}");
        let added_by = format!("upload by {added_by}");
        self.add_source_file(
            &file,
            bytes,
            &Origin {
                from: FetchedFrom::default(),
                added_by: &added_by,
            },
        )
    }

    /// Downloads a file the chat platform holds (an attachment) and adds it like an upload.
    pub fn add_attachment(
        &self,
        name: &str,
        url: &str,
        added_by: &str,
    ) -> Result<SourceReport, SourcesError> {
        let (_, _, bytes) = block_on(self.fetcher.body(url, Expect::Page))?;
        self.add_file(name, &bytes, added_by)
    }

    /// Adds a feed to the manifest and polls it once.
    pub fn add_feed(&self, url: &str, added_by: &str) -> Result<FeedAdded, SourcesError> {
        let url = fetch::parse(url)?;
        let sources_dir = self.live.layout().sources();
        let manifest = Manifest::load(&sources_dir)?;
        if let Some((id, _)) = manifest.feeds.iter().find(|(_, f)| f.url == url.as_str()) {
            return Err(SourcesError::Duplicate {
                existing: id.clone(),
                why: "feed URL",
            });
        }
        // Refuse what is not a feed before it goes into the manifest.
        let (_, _, bytes) = block_on(self.fetcher.body(url.as_str(), Expect::Feed))?;
        let parsed = feed::parse(&bytes).map_err(|message| SourcesError::Feed {
            url: url.to_string(),
            message,
        })?;
        let base = slug(&format!(
            "{} {}",
            url.host_str().unwrap_or("feed"),
            parsed.title.as_deref().unwrap_or("")
        ));
        let id = (1..)
            .map(|n| match n {
                1 => base.clone(),
                n => format!("{base}-{n}"),
            })
            .find(|id| !manifest.feeds.contains_key(id))
            .expect("some id is free");
        Manifest::add_feed(
            &sources_dir,
            &id,
            &FeedMeta {
                url: url.to_string(),
                added_by: Some(added_by.to_string()),
                added: Some(chrono::Utc::now().to_rfc3339()),
            },
        )?;
        self.state.add_feed(&id, url.as_str())?;
        let poll = self.poll_feed(&id, url.as_str());
        Ok(FeedAdded {
            id,
            title: parsed.title,
            poll,
        })
    }

    /// Removes a source (its file, then its passages) or a feed (its articles stay).
    pub fn remove(&self, id: &str) -> Result<BuildReport, SourcesError> {
        let sources_dir = self.live.layout().sources();
        if Manifest::remove_feed(&sources_dir, id)? {
            self.state.remove_feed(id)?;
            return Ok(self.live.get().report().clone());
        }
        let index = self.live.get();
        let source = index
            .report()
            .sources
            .iter()
            .find(|s| s.id == id)
            .ok_or_else(|| SourcesError::Unknown(id.to_string()))?;
        if source.file.contains(':') || !source.file.starts_with(id) {
            return Err(SourcesError::InArchive {
                id: id.to_string(),
                file: source.file.clone(),
            });
        }
        let path = sources_dir.join(&source.file);
        let removed = index::guarded(self.live.layout(), &format!("remove {id}"), || {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(SourcesError::Io {
                        path: path.display().to_string(),
                        source,
                    });
                }
            }
            Ok(self
                .live
                .update(vec![Change::Remove { id: id.to_string() }])?)
        })?;
        let report = removed?;
        self.state.forget_fetched(id)?;
        Ok(report)
    }

    /// The feeds of the manifest with their polling state.
    pub fn feeds(&self) -> Result<Vec<FeedStatus>, SourcesError> {
        let manifest = Manifest::load(&self.live.layout().sources())?;
        let mut out = Vec::new();
        for (id, meta) in &manifest.feeds {
            let record = self.state.feed(id)?;
            out.push(FeedStatus {
                id: id.clone(),
                url: meta.url.clone(),
                last_fetch: record.as_ref().and_then(|r| r.last_fetch),
                next_poll: record.as_ref().map(|r| r.next_poll),
                last_error: record.as_ref().and_then(|r| r.last_error.clone()),
                failures: record.map_or(0, |r| r.failures),
            });
        }
        Ok(out)
    }

    /// Polls every feed that is due; several processes may poll the same state safely.
    pub fn poll_due(&self) -> Result<Vec<Polled>, SourcesError> {
        let manifest = Manifest::load(&self.live.layout().sources())?;
        let now = state::now();
        let mut due = Vec::new();
        for (id, meta) in &manifest.feeds {
            if self
                .state
                .claim_feed(id, &meta.url, now, now + CLAIM.as_secs() as i64)?
            {
                due.push((id.clone(), meta.url.clone()));
            }
        }
        Ok(due
            .into_iter()
            .map(|(id, url)| self.poll_feed(&id, &url))
            .collect())
    }

    /// When the next feed is due (Unix seconds), if there are feeds.
    pub fn next_due(&self) -> Result<Option<i64>, SourcesError> {
        Ok(self.state.next_poll()?)
    }

    /// Fetches one feed (conditionally) and adds its new entries; records the outcome.
    fn poll_feed(&self, id: &str, url: &str) -> Polled {
        let mut polled = Polled {
            feed: id.to_string(),
            added: Vec::new(),
            skipped: Vec::new(),
            error: None,
        };
        let validators = match self.state.feed(id) {
            Ok(record) => record.map_or_else(Validators::default, |r| Validators {
                etag: r.etag,
                last_modified: r.last_modified,
            }),
            // Without validators the fetch is unconditional: slower, never wrong.
            Err(error) => {
                tracing::warn!(%error, feed = id, "cannot read the feed's validators");
                Validators::default()
            }
        };
        let outcome = block_on(self.fetcher.get(url, Expect::Feed, &validators))
            .map_err(|e| e.to_string())
            .and_then(|fetched| match fetched {
                Fetched::NotModified => Ok(validators.clone()),
                Fetched::Body {
                    bytes, validators, ..
                } => {
                    let parsed = feed::parse(&bytes)?;
                    for entry in &parsed.entries {
                        match self.add_entry(id, parsed.title.as_deref(), entry) {
                            Ok(Some(source)) => polled.added.push(source),
                            Ok(None) => {}
                            Err(error) if error.is_users() => polled
                                .skipped
                                .push(format!("{}: {error}", entry_name(entry))),
                            Err(error) => return Err(error.to_string()),
                        }
                    }
                    Ok(validators)
                }
            });
        let interval = self.poll_interval;
        let result = match outcome {
            Ok(validators) => self.state.feed_polled(
                id,
                validators.etag.as_deref(),
                validators.last_modified.as_deref(),
                state::now() + interval.as_secs() as i64,
            ),
            Err(error) => {
                tracing::warn!(feed = id, %error, "feed poll failed");
                let recorded = self.state.feed_failed(id, &error, |failures| {
                    state::now() + backoff(interval, failures).as_secs() as i64
                });
                polled.error = Some(error);
                recorded.map(drop)
            }
        };
        if let Err(error) = result {
            tracing::error!(feed = id, %error, "cannot record a feed poll");
        }
        polled
    }

    /// Adds one feed entry unless it is known by entry id, URL or content. `Ok(None)`: known.
    fn add_entry(
        &self,
        feed_id: &str,
        feed_title: Option<&str>,
        entry: &feed::Entry,
    ) -> Result<Option<String>, SourcesError> {
        let added_by = format!("feed {feed_id}");
        if self.state.entry_fetched(feed_id, &entry.id)? {
            return Ok(None);
        }
        if let Some(url) = &entry.url
            && let Some(existing) = self.known_url(url)?
        {
            let from = FetchedFrom {
                url: Some(url),
                feed: Some(feed_id),
                entry_id: Some(&entry.id),
            };
            self.state.record_fetched(&existing, from, None)?;
            return Ok(None);
        }
        // The linked page has the whole article; the entry's own content is the fallback.
        let page = entry
            .url
            .as_deref()
            .map(|url| self.fetch_page(url))
            .transpose();
        let (url, mut extracted) = match page {
            Ok(Some((url, extracted))) => (Some(url), extracted),
            Ok(None) | Err(_) if entry.content.is_some() => (
                entry.url.clone(),
                corpus::extract(
                    "html",
                    entry.content.as_deref().unwrap_or(""),
                    self.extract_time(),
                )
                .map_err(|error| SourcesError::Article {
                    what: entry.id.clone(),
                    error,
                })?,
            ),
            Ok(None) => (None, Extracted::default()),
            Err(error) => return Err(error),
        };
        if extracted.title.is_none() {
            extracted.title.clone_from(&entry.title);
        }
        if extracted.author.is_none() {
            extracted.author.clone_from(&entry.author);
        }
        if extracted.outlet.is_none() {
            extracted.outlet = feed_title.map(str::to_string);
        }
        if extracted.published.is_none() {
            extracted.published = entry
                .published
                .and_then(|d| corpus::PubDate::parse(&d.to_rfc3339()));
        }
        let origin = Origin {
            from: FetchedFrom {
                url: url.as_deref(),
                feed: Some(feed_id),
                entry_id: Some(&entry.id),
            },
            added_by: &added_by,
        };
        match self.store(extracted, &origin) {
            Ok(report) => Ok(Some(report.id)),
            Err(SourcesError::Duplicate { existing, .. }) => {
                self.state.record_fetched(&existing, origin.from, None)?;
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }

    /// Fetches a page and extracts its article; the URL after redirects comes back too.
    fn fetch_page(&self, url: &str) -> Result<(String, Extracted), SourcesError> {
        let (url, media_type, bytes) = block_on(self.fetcher.body(url, Expect::Page))?;
        let error = |error| SourcesError::Article {
            what: url.to_string(),
            error,
        };
        let text = corpus::decode(&bytes).map_err(error)?;
        let format = match media_type.as_deref() {
            Some("text/plain") => "txt",
            Some("text/markdown") => "md",
            Some(_) => "html",
            None if text.trim_start().starts_with('<') => "html",
            None => "txt",
        };
        let mut extracted = corpus::extract(format, text, self.extract_time()).map_err(error)?;
        if extracted.paragraphs.is_empty() {
            return Err(error(SourceError::NoArticle));
        }
        let final_url = url.to_string();
        extracted.url.get_or_insert_with(|| final_url.clone());
        Ok((final_url, extracted))
    }

    /// Writes an extracted article as a Markdown source with front matter, and indexes it.
    fn store(&self, extracted: Extracted, origin: &Origin) -> Result<SourceReport, SourcesError> {
        let front = FrontMatter {
            title: extracted.title.clone(),
            outlet: extracted.outlet.clone(),
            author: extracted.author.clone(),
            url: origin
                .from
                .url
                .map(str::to_string)
                .or(extracted.url.clone()),
            date: extracted
                .published
                .map(|d| serde_norway::Value::String(d.to_string())),
            fetched: Some(chrono::Utc::now().to_rfc3339()),
            added_by: Some(origin.added_by.to_string()),
        };
        let base = slug(&format!(
            "{} {}",
            origin
                .from
                .url
                .and_then(|u| url::Url::parse(u).ok())
                .and_then(|u| u
                    .host_str()
                    .map(|h| h.trim_start_matches("www.").to_string()))
                .unwrap_or_default(),
            extracted.title.as_deref().unwrap_or("article")
        ));
        let text = corpus::write_markdown(&front, &extracted.paragraphs);
        let article =
            corpus::read_str(String::new(), "md", &text, self.extract_time()).map_err(|error| {
                SourcesError::Article {
                    what: origin.from.url.unwrap_or("the article").to_string(),
                    error,
                }
            })?;
        self.refuse_duplicate_text(&article)?;
        let id = self.free_id(&base)?;
        let file = format!("{id}.md");
        self.add_source_file(&file, text.as_bytes(), origin)
    }

    /// Writes a new source file and indexes it, as one change that a crash cannot leave
    /// half done (see `index::guarded`).
    fn add_source_file(
        &self,
        file: &str,
        bytes: &[u8],
        origin: &Origin,
    ) -> Result<SourceReport, SourcesError> {
        let layout = self.live.layout();
        index::guarded(layout, &format!("add {file}"), || {
            self.write_source(file, bytes)?;
            self.index_file(file, origin)
        })?
    }

    /// Indexes a file just written to the sources, and records where it came from.
    fn index_file(&self, file: &str, origin: &Origin) -> Result<SourceReport, SourcesError> {
        let path = self.live.layout().sources().join(file);
        let article = match corpus::read_file(&path, self.live.limits()) {
            Ok(article) => article,
            Err(error) => {
                let _ = std::fs::remove_file(&path);
                return Err(SourcesError::Article {
                    what: file.to_string(),
                    error,
                });
            }
        };
        let digest = article.digest();
        let id = article.id.clone();
        let report = self.live.update(vec![Change::Add {
            article,
            file: file.to_string(),
        }])?;
        self.state.record_fetched(&id, origin.from, Some(&digest))?;
        Ok(report
            .sources
            .into_iter()
            .find(|s| s.id == id)
            .expect("the update indexed the source"))
    }

    /// The source that already has this URL, if any.
    fn known_url(&self, url: &str) -> Result<Option<String>, SourcesError> {
        Ok(self.state.source_fetched_from(url)?.or_else(|| {
            self.live
                .get()
                .report()
                .sources
                .iter()
                .find(|s| s.url.as_deref() == Some(url))
                .map(|s| s.id.clone())
        }))
    }

    /// Refuses an article whose extracted text is already indexed.
    fn refuse_duplicate_text(&self, article: &Article) -> Result<(), SourcesError> {
        let digest = article.digest();
        let existing = self
            .live
            .get()
            .report()
            .sources
            .iter()
            .find(|s| s.digest.as_deref() == Some(digest.as_str()))
            .map(|s| s.id.clone());
        match existing {
            Some(existing) => Err(SourcesError::Duplicate {
                existing,
                why: "text",
            }),
            None => Ok(()),
        }
    }

    /// `base`, or `base-2`, … : an id no source file has.
    fn free_id(&self, base: &str) -> Result<String, SourcesError> {
        let dir = self.live.layout().sources();
        let files = corpus::source_files(&dir).map_err(|source| SourcesError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        let taken: std::collections::HashSet<String> =
            files.iter().map(|p| corpus::source_id(p)).collect();
        let index = self.live.get();
        Ok((1..)
            .map(|n| match n {
                1 => base.to_string(),
                n => format!("{base}-{n}"),
            })
            .find(|id| !taken.contains(id) && !index.report().sources.iter().any(|s| &s.id == id))
            .expect("some id is free"))
    }

    /// Writes a source file through a hidden temporary file (builds skip dot files).
    fn write_source(&self, file: &str, bytes: &[u8]) -> Result<(), SourcesError> {
        let dir = self.live.layout().sources();
        let path = dir.join(file);
        let tmp = dir.join(format!(".{file}.part"));
        std::fs::write(&tmp, bytes)
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|source| SourcesError::Io {
                path: path.display().to_string(),
                source,
            })
    }
}

/// The wait before polling a feed that failed `failures` times in a row: the interval,
/// doubled per failure, at most six hours.
fn backoff(interval: Duration, failures: u32) -> Duration {
    interval
        .saturating_mul(2u32.saturating_pow(failures.min(16)))
        .min(MAX_BACKOFF.max(interval))
}

/// A file-name-safe id: lower-case ASCII words joined by `-`, at most 60 bytes.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for word in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if out.len() + word.len() + 1 > 60 {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    if out.is_empty() {
        out.push_str("source");
    }
    out
}

fn entry_name(entry: &feed::Entry) -> &str {
    entry
        .url
        .as_deref()
        .or(entry.title.as_deref())
        .unwrap_or(&entry.id)
}

/// Runs a future to completion from blocking code: on the runtime of the current
/// blocking task if there is one, else on a small runtime of its own.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => handle.block_on(future),
        Err(_) => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime can be built")
            .block_on(future),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_file_names() {
        assert_eq!(
            slug("www.example.org Ukraine's drones hit 41 planes!"),
            "www-example-org-ukraine-s-drones-hit-41-planes"
        );
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("✓"), "source");
        assert!(slug(&"word ".repeat(40)).len() <= 60);
    }

    use crate::corpus::FeedMeta;
    use crate::testing::{Fixture, article};

    const DRONES: &str = "Ukraine's security service said 117 drones were used.";

    fn fixture() -> Fixture {
        Fixture::new(&[(
            "strike.md",
            &article("Strike", "Kyiv Post", "2025-06-01", &[DRONES]),
        )])
    }

    fn source_ids(fixture: &Fixture) -> Vec<String> {
        let index = fixture.live.get();
        index
            .report()
            .sources
            .iter()
            .map(|s| s.id.clone())
            .collect()
    }

    #[test]
    fn an_upload_is_indexed_once_and_can_be_added_again_after_removal() {
        let fixture = fixture();
        let sources = fixture.sources();
        let text = article(
            "Talks",
            "Reuters",
            "2025-06-02",
            &["The talks lasted an hour."],
        );
        let added = sources
            .add_file("talks.md", text.as_bytes(), "ana")
            .unwrap();
        assert_eq!(added.outlet.as_deref(), Some("Reuters"));
        assert_eq!(source_ids(&fixture), ["strike", "talks"]);

        // The same text under another name is refused, and nothing is written.
        let error = sources
            .add_file("copy.md", text.as_bytes(), "ana")
            .unwrap_err();
        assert!(
            matches!(&error, SourcesError::Duplicate { existing, why: "text" } if existing == "talks"),
            "{error}"
        );
        assert!(!fixture.dir.path().join("sources/copy.md").exists());

        sources.remove("talks").unwrap();
        assert_eq!(source_ids(&fixture), ["strike"]);
        assert!(!fixture.dir.path().join("sources/talks.md").exists());
        sources
            .add_file("talks.md", text.as_bytes(), "ana")
            .unwrap();
        assert_eq!(source_ids(&fixture), ["strike", "talks"]);
    }

    #[test]
    fn an_upload_that_is_not_an_article_is_refused_and_the_index_is_unchanged() {
        let fixture = fixture();
        let sources = fixture.sources();
        let refused = [
            ("report.pdf", b"%PDF-1.7".as_slice()),
            ("empty.md", b"".as_slice()),
            ("binary.txt", &[0xff, 0xfe, 0x00, 0x00, 0x9f][..]),
        ];
        for (name, bytes) in refused {
            let error = sources.add_file(name, bytes, "ana").unwrap_err();
            assert!(error.is_users(), "{name}: {error}");
            assert!(error.to_string().contains(name), "{name}: {error}");
        }
        let too_big = vec![b'a'; (sources.max_bytes() + 1) as usize];
        let error = sources.add_file("big.txt", &too_big, "ana").unwrap_err();
        assert!(
            matches!(
                &error,
                SourcesError::Article {
                    error: SourceError::TooLarge { .. },
                    ..
                }
            ),
            "{error}"
        );
        assert_eq!(source_ids(&fixture), ["strike"]);
        assert!(matches!(
            sources.remove("nothing"),
            Err(SourcesError::Unknown(id)) if id == "nothing"
        ));
    }

    #[test]
    fn a_failing_feed_is_recorded_and_backs_off() {
        let fixture = fixture();
        let sources = fixture.sources();
        // Loopback is refused by the fetcher's policy, so the poll fails without a network.
        let meta = FeedMeta {
            url: "http://127.0.0.1:9/feed.xml".into(),
            added_by: None,
            added: None,
        };
        Manifest::add_feed(&fixture.live.layout().sources(), "local", &meta).unwrap();
        let [listed] = sources.feeds().unwrap().try_into().unwrap();
        assert_eq!((listed.next_poll, listed.failures), (None, 0));

        let polled = sources.poll_due().unwrap();
        let [polled] = polled.as_slice() else {
            panic!("one poll: {polled:?}")
        };
        assert!(
            polled.error.is_some() && polled.added.is_empty(),
            "{polled:?}"
        );
        let [listed] = sources.feeds().unwrap().try_into().unwrap();
        assert_eq!(listed.failures, 1);
        assert_eq!(listed.last_error, polled.error);
        let wait = listed.next_poll.unwrap() - listed.last_fetch.unwrap();
        assert_eq!(wait, backoff(sources.poll_interval(), 1).as_secs() as i64);
        // Not due again yet.
        assert!(sources.poll_due().unwrap().is_empty());
        assert_eq!(sources.next_due().unwrap(), listed.next_poll);

        sources.remove("local").unwrap();
        assert!(sources.feeds().unwrap().is_empty());
        assert_eq!(sources.next_due().unwrap(), None);
    }

    #[test]
    fn backoff_doubles_up_to_a_cap() {
        let minute = Duration::from_secs(60);
        assert_eq!(backoff(minute, 1), Duration::from_secs(120));
        assert_eq!(backoff(minute, 3), Duration::from_secs(480));
        assert_eq!(backoff(minute, 40), MAX_BACKOFF);
    }
}
