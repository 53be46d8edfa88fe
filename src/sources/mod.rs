//! Sources managed while the bot runs: web pages and uploads stored as files in
//! `index/sources/`, feeds listed in the manifest and polled on a schedule, removals —
//! each followed by an incremental index update. Blocking: call it off async workers.

pub mod feed;
pub mod fetch;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::corpus::{
    self, Article, Extracted, FeedMeta, FrontMatter, Manifest, ManifestError, SourceError,
};
use crate::index::{self, BuildReport, Change, IndexError, Live, SourceReport};
use crate::state::{self, State, StateError};
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

/// Where a stored article came from.
struct Origin<'a> {
    url: Option<&'a str>,
    feed: Option<&'a str>,
    entry_id: Option<&'a str>,
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

    pub fn state(&self) -> &Arc<State> {
        &self.state
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
                url: Some(&final_url),
                feed: None,
                entry_id: None,
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
                url: None,
                feed: None,
                entry_id: None,
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
        self.state
            .connection()
            .execute(
                "INSERT OR REPLACE INTO feeds (id, url, next_poll) VALUES (?1, ?2, 0)",
                params![id, url.as_str()],
            )
            .map_err(|e| self.state.error(e))?;
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
            self.state
                .connection()
                .execute("DELETE FROM feeds WHERE id = ?1", [id])
                .map_err(|e| self.state.error(e))?;
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
        self.state
            .connection()
            .execute("DELETE FROM fetched WHERE source_id = ?1", [id])
            .map_err(|e| self.state.error(e))?;
        Ok(report)
    }

    /// The feeds of the manifest with their polling state.
    pub fn feeds(&self) -> Result<Vec<FeedStatus>, SourcesError> {
        let manifest = Manifest::load(&self.live.layout().sources())?;
        let connection = self.state.connection();
        let mut out = Vec::new();
        for (id, meta) in &manifest.feeds {
            let row = connection
                .query_row(
                    "SELECT last_fetch, next_poll, last_error, failures FROM feeds WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()
                .map_err(|e| self.state.error(e))?;
            let (last_fetch, next_poll, last_error, failures) =
                row.unwrap_or((None, None, None, 0));
            out.push(FeedStatus {
                id: id.clone(),
                url: meta.url.clone(),
                last_fetch,
                next_poll,
                last_error,
                failures,
            });
        }
        Ok(out)
    }

    /// Polls every feed that is due; several processes may poll the same state safely.
    pub fn poll_due(&self) -> Result<Vec<Polled>, SourcesError> {
        let manifest = Manifest::load(&self.live.layout().sources())?;
        let now = state::now();
        let mut due = Vec::new();
        {
            let connection = self.state.connection();
            for (id, meta) in &manifest.feeds {
                connection
                    .execute(
                        "INSERT INTO feeds (id, url, next_poll) VALUES (?1, ?2, 0)
                         ON CONFLICT (id) DO UPDATE SET url = excluded.url",
                        params![id, meta.url],
                    )
                    .map_err(|e| self.state.error(e))?;
                // Claiming is one conditional update: only one poller wins a due feed.
                let claimed = connection
                    .execute(
                        "UPDATE feeds SET next_poll = ?3 WHERE id = ?1 AND next_poll <= ?2",
                        params![id, now, now + CLAIM.as_secs() as i64],
                    )
                    .map_err(|e| self.state.error(e))?;
                if claimed == 1 {
                    due.push((id.clone(), meta.url.clone()));
                }
            }
        }
        Ok(due
            .into_iter()
            .map(|(id, url)| self.poll_feed(&id, &url))
            .collect())
    }

    /// When the next feed is due (Unix seconds), if there are feeds.
    pub fn next_due(&self) -> Result<Option<i64>, SourcesError> {
        self.state
            .connection()
            .query_row("SELECT MIN(next_poll) FROM feeds", [], |r| r.get(0))
            .map_err(|e| self.state.error(e).into())
    }

    /// Fetches one feed (conditionally) and adds its new entries; records the outcome.
    fn poll_feed(&self, id: &str, url: &str) -> Polled {
        let mut polled = Polled {
            feed: id.to_string(),
            added: Vec::new(),
            skipped: Vec::new(),
            error: None,
        };
        let validators = self
            .state
            .connection()
            .query_row(
                "SELECT etag, last_modified FROM feeds WHERE id = ?1",
                [id],
                |r| {
                    Ok(Validators {
                        etag: r.get(0)?,
                        last_modified: r.get(1)?,
                    })
                },
            )
            .optional()
            // Without validators the fetch is unconditional: slower, never wrong.
            .unwrap_or_else(|error| {
                tracing::warn!(%error, feed = id, "cannot read the feed's validators");
                None
            })
            .unwrap_or_default();
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
        let now = state::now();
        let result = match outcome {
            Ok(validators) => self.state.connection().execute(
                "UPDATE feeds SET etag = ?2, last_modified = ?3, last_fetch = ?4,
                 last_error = NULL, failures = 0, next_poll = ?5 WHERE id = ?1",
                params![
                    id,
                    validators.etag,
                    validators.last_modified,
                    now,
                    now + self.poll_interval.as_secs() as i64
                ],
            ),
            Err(error) => {
                tracing::warn!(feed = id, %error, "feed poll failed");
                polled.error = Some(error.clone());
                let connection = self.state.connection();
                let failures: u32 = connection
                    .query_row("SELECT failures FROM feeds WHERE id = ?1", [id], |r| {
                        r.get(0)
                    })
                    .unwrap_or(0)
                    + 1;
                connection.execute(
                    "UPDATE feeds SET last_fetch = ?2, last_error = ?3, failures = ?4,
                     next_poll = ?5 WHERE id = ?1",
                    params![
                        id,
                        now,
                        error,
                        failures,
                        now + backoff(self.poll_interval, failures).as_secs() as i64
                    ],
                )
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
        let seen = self
            .state
            .connection()
            .query_row(
                "SELECT 1 FROM fetched WHERE feed = ?1 AND entry_id = ?2",
                params![feed_id, entry.id],
                |_| Ok(()),
            )
            .optional()
            .map_err(|e| self.state.error(e))?
            .is_some();
        if seen {
            return Ok(None);
        }
        if let Some(url) = &entry.url
            && let Some(existing) = self.known_url(url)?
        {
            let origin = Origin {
                url: Some(url),
                feed: Some(feed_id),
                entry_id: Some(&entry.id),
                added_by: &added_by,
            };
            self.record_fetched(&existing, &origin, None)?;
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
            url: url.as_deref(),
            feed: Some(feed_id),
            entry_id: Some(&entry.id),
            added_by: &added_by,
        };
        match self.store(extracted, &origin) {
            Ok(report) => Ok(Some(report.id)),
            Err(SourcesError::Duplicate { existing, .. }) => {
                self.record_fetched(&existing, &origin, None)?;
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
            url: origin.url.map(str::to_string).or(extracted.url.clone()),
            date: extracted
                .published
                .map(|d| serde_norway::Value::String(d.to_string())),
            fetched: Some(chrono::Utc::now().to_rfc3339()),
            added_by: Some(origin.added_by.to_string()),
        };
        let base = slug(&format!(
            "{} {}",
            origin
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
                    what: origin.url.unwrap_or("the article").to_string(),
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
        self.record_fetched(&id, origin, Some(&digest))?;
        Ok(report
            .sources
            .into_iter()
            .find(|s| s.id == id)
            .expect("the update indexed the source"))
    }

    /// Records what a source was fetched from (a feed entry that duplicates an existing
    /// source is recorded under that source), so it is not fetched again.
    fn record_fetched(
        &self,
        source_id: &str,
        origin: &Origin,
        digest: Option<&str>,
    ) -> Result<(), SourcesError> {
        self.state
            .connection()
            .execute(
                "INSERT INTO fetched (source_id, feed, entry_id, url, content_hash, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    source_id,
                    origin.feed,
                    origin.entry_id,
                    origin.url,
                    digest,
                    state::now()
                ],
            )
            .map_err(|e| self.state.error(e))?;
        Ok(())
    }

    /// The source that already has this URL, if any.
    fn known_url(&self, url: &str) -> Result<Option<String>, SourcesError> {
        let fetched: Option<String> = self
            .state
            .connection()
            .query_row("SELECT source_id FROM fetched WHERE url = ?1", [url], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.state.error(e))?;
        Ok(fetched.or_else(|| {
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

    #[test]
    fn backoff_doubles_up_to_a_cap() {
        let minute = Duration::from_secs(60);
        assert_eq!(backoff(minute, 1), Duration::from_secs(120));
        assert_eq!(backoff(minute, 3), Duration::from_secs(480));
        assert_eq!(backoff(minute, 40), MAX_BACKOFF);
    }
}
