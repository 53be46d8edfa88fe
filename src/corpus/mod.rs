//! The corpus: reading sources (text, Markdown, HTML, JSONL) into clean `Article`s split
//! into passages and sentences. No index; its only I/O is reading the sources folder (the
//! files and their manifest).

mod boilerplate;
pub mod dates;
mod fingerprint;
mod html;
pub mod jsonl;
mod manifest;
mod markdown;
pub mod split;
mod text;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;

use serde::Serialize;

pub use dates::PubDate;
pub use fingerprint::Fingerprint;
pub use manifest::{FILE_NAME as MANIFEST_FILE, FeedMeta, Manifest, ManifestError, SourceMeta};
pub use markdown::{FrontMatter, write as write_markdown};

/// File extensions sitrep reads as article sources (`jsonl`: an archive of many).
pub const SOURCE_EXTENSIONS: &[&str] = &["txt", "md", "markdown", "html", "htm", "jsonl"];

/// What one source may cost: its size, and the time its article extraction may take
/// (Readability-style extraction has worst cases no size cap removes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_bytes: u64,
    pub extract_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 10 << 20,
            extract_time: Duration::from_secs(10),
        }
    }
}

/// One article, reduced to its text and citation metadata.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Article {
    /// Stable source id; a file source's id is its file stem.
    pub id: String,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub published: Option<PubDate>,
    /// The extracted text: passages joined by blank lines. Every snippet is a slice of it.
    pub body: String,
    /// Byte ranges of the passages (paragraphs) in `body`.
    #[serde(skip)]
    pub passages: Vec<Range<usize>>,
}

/// How an article's paragraphs become passages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passages {
    /// A short paragraph takes the next ones in until the passage is `MIN_PASSAGE_BYTES`
    /// long: a news paragraph is often one sentence, too little to find or read alone
    /// ("Rubio has spoken with his Russian counterpart." needs the next one's "Lavrov").
    Joined,
    /// Every paragraph is a passage, as an archive's writer cut them.
    AsGiven,
}

/// What a reader extracted before the text is cut into passages.
#[derive(Debug, Default)]
pub struct Extracted {
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub author: Option<String>,
    pub url: Option<String>,
    pub published: Option<PubDate>,
    pub paragraphs: Vec<String>,
}

/// Why a source could not be read. Shown to moderators in `reindex` and `sources`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SourceError {
    /// The file could not be read at all.
    #[error("cannot read file: {message}")]
    Io { message: String },
    /// The file is a link that leads out of the sources folder.
    #[error("a link to {target}, outside the sources folder: copy the file in instead")]
    OutsideFolder { target: String },
    /// The file's name holds a line break or another control character.
    #[error("the file name holds control characters (a line break?): rename the file")]
    ControlInName,
    /// The file has no bytes (or only whitespace).
    #[error("file is empty")]
    Empty,
    /// The file is larger than the configured cap.
    #[error("file is {size} bytes, over the {limit}-byte limit for one source")]
    TooLarge { size: u64, limit: u64 },
    /// The file holds binary data, not text.
    #[error("file looks binary (NUL or control bytes), not text")]
    Binary,
    /// The file is not valid UTF-8.
    #[error("file is not valid UTF-8 (first bad byte at offset {offset})")]
    InvalidUtf8 { offset: usize },
    /// The file's extension names no format sitrep reads.
    #[error("unsupported file type {extension:?} (expected one of: txt, md, html, jsonl)")]
    Unsupported { extension: String },
    /// Extraction found no article text, only navigation or boilerplate.
    #[error("no article text found (only navigation, links or boilerplate)")]
    NoArticle,
    /// Extracting the article took longer than the configured budget.
    #[error("extracting the article took longer than the {limit_ms} ms allowed for one source")]
    TooSlow { limit_ms: u64 },
    /// A Markdown source's front matter is not valid YAML.
    #[error("front matter is not valid YAML: {message}")]
    FrontMatter { message: String },
    /// A line of a JSONL archive is not a usable article record.
    #[error("invalid record: {message}")]
    InvalidRecord { message: String },
    /// Another source already has this id.
    #[error("duplicate source id {id:?} (already used by {first})")]
    DuplicateId { id: String, first: String },
}

impl Article {
    /// Builds an article from extracted paragraphs; long paragraphs are cut into passages of
    /// whole sentences so that one passage stays a readable unit, and short ones join as
    /// `cut` says.
    pub fn new(id: String, extracted: Extracted, cut: Passages) -> Result<Self, SourceError> {
        let mut body = String::new();
        let mut passages: Vec<Range<usize>> = Vec::new();
        for paragraph in &extracted.paragraphs {
            let paragraph = without_controls(&split::without_reference_marks(
                &split::normalize_whitespace(paragraph),
            ));
            if paragraph.is_empty() {
                continue;
            }
            for chunk in split::chunk_paragraph(&paragraph, split::MAX_PASSAGE_BYTES) {
                if !body.is_empty() {
                    body.push_str("\n\n");
                }
                let start = body.len();
                body.push_str(&paragraph[chunk]);
                match passages.last_mut() {
                    Some(last)
                        if cut == Passages::Joined
                            && last.len() < split::MIN_PASSAGE_BYTES
                            && body.len() - last.start <= split::MAX_PASSAGE_BYTES =>
                    {
                        last.end = body.len();
                    }
                    _ => passages.push(start..body.len()),
                }
            }
        }
        if passages.is_empty() {
            return Err(SourceError::NoArticle);
        }
        let clean = |field: Option<String>| field.map(|f| without_controls(&f));
        Ok(Article {
            id,
            title: clean(extracted.title),
            outlet: clean(extracted.outlet),
            url: clean(extracted.url),
            published: extracted.published,
            body,
            passages,
        })
    }

    /// A digest of the extracted text: equal digests, equal text.
    pub fn digest(&self) -> String {
        blake3::hash(self.body.as_bytes()).to_hex()[..32].to_string()
    }

    /// The text of passage `n`.
    pub fn passage(&self, n: usize) -> Option<&str> {
        self.passages.get(n).map(|r| &self.body[r.clone()])
    }

    /// Fills in what the manifest says and the file did not.
    pub fn apply(&mut self, meta: &SourceMeta) {
        fill(&mut self.title, &meta.title);
        fill(&mut self.outlet, &meta.outlet);
        fill(&mut self.url, &meta.url);
        if let Some(date) = meta.published {
            self.published.get_or_insert(date);
        }
    }
}

fn fill(slot: &mut Option<String>, value: &Option<String>) {
    if slot.is_none() {
        slot.clone_from(value);
    }
}

/// One article read from a source file, or why it could not be.
pub struct Loaded {
    /// Where it came from: the file name, and `:LINE` within an archive.
    pub origin: String,
    pub id: String,
    pub article: Result<Article, SourceError>,
}

/// Reads a source file: one article, or one per line of a JSONL archive. `limits.max_bytes`
/// caps an article file, or the text of each archived article.
pub fn read_source(path: &Path, limits: Limits) -> Box<dyn Iterator<Item = Loaded>> {
    let file_name = shown_name(path);
    if file_name != path.file_name().unwrap_or_default().to_string_lossy() {
        return Box::new(std::iter::once(Loaded {
            id: file_name.clone(),
            origin: file_name,
            article: Err(SourceError::ControlInName),
        }));
    }
    if let Some(target) = link_out_of_folder(path) {
        return Box::new(std::iter::once(Loaded {
            origin: file_name,
            id: source_id(path),
            article: Err(SourceError::OutsideFolder {
                target: target.display().to_string(),
            }),
        }));
    }
    let is_archive = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl"));
    if !is_archive {
        let article = read_file(path, limits);
        return Box::new(std::iter::once(Loaded {
            origin: file_name,
            id: source_id(path),
            article,
        }));
    }
    match std::fs::File::open(path) {
        Ok(file) => Box::new(
            jsonl::lines(std::io::BufReader::new(file), limits.max_bytes).map(move |line| Loaded {
                origin: format!("{file_name}:{}", line.number),
                id: line
                    .article
                    .as_ref()
                    .map_or_else(|_| format!("{file_name}:{}", line.number), |a| a.id.clone()),
                article: line.article,
            }),
        ),
        Err(e) => Box::new(std::iter::once(Loaded {
            origin: file_name,
            id: source_id(path),
            article: Err(SourceError::Io {
                message: e.to_string(),
            }),
        })),
    }
}

/// Reads one article file within `limits`.
pub fn read_file(path: &Path, limits: Limits) -> Result<Article, SourceError> {
    let id = source_id(path);
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !SOURCE_EXTENSIONS.contains(&extension.as_str()) || extension == "jsonl" {
        return Err(SourceError::Unsupported { extension });
    }
    let io = |e: std::io::Error| SourceError::Io {
        message: e.to_string(),
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > limits.max_bytes {
        return Err(SourceError::TooLarge {
            size,
            limit: limits.max_bytes,
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let text = decode(&bytes)?;
    read_str(id, &extension, text, limits.extract_time)
}

/// Reads article text of a known format (`txt`, `md`, `html`), extracted within `budget`.
pub fn read_str(
    id: String,
    format: &str,
    text: &str,
    budget: Duration,
) -> Result<Article, SourceError> {
    if matches!(format, "md" | "markdown")
        && let Some(message) = markdown::front_matter_error(text)
    {
        return Err(SourceError::FrontMatter { message });
    }
    Article::new(id, extract(format, text, budget)?, Passages::Joined)
}

/// Extracts the article text and metadata of a known format (`txt`, `md`, `html`), or
/// gives up after `budget`. Extraction runs on its own thread because it cannot be
/// interrupted: one given up on finishes in the background, its result unused, while the
/// caller (and the index lock it holds) moves on.
pub fn extract(format: &str, text: &str, budget: Duration) -> Result<Extracted, SourceError> {
    let (format, text) = (format.to_string(), text.to_string());
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("extract".into())
        .spawn(move || {
            // Nobody listens any more once the budget is spent.
            let _ = send.send(extract_now(&format, &text));
        })
        .map_err(|e| SourceError::Io {
            message: e.to_string(),
        })?;
    receive.recv_timeout(budget).map_err(|e| match e {
        std::sync::mpsc::RecvTimeoutError::Timeout => SourceError::TooSlow {
            limit_ms: budget.as_millis() as u64,
        },
        // The extractor panicked: whatever the page is, no article came of it.
        std::sync::mpsc::RecvTimeoutError::Disconnected => SourceError::NoArticle,
    })
}

fn extract_now(format: &str, text: &str) -> Extracted {
    match format {
        "md" | "markdown" => markdown::extract(text),
        "html" | "htm" => html::extract(text),
        _ => text::extract(text),
    }
}

/// Checks that bytes are non-empty UTF-8 text.
pub fn decode(bytes: &[u8]) -> Result<&str, SourceError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(SourceError::Empty);
    }
    let sample = &bytes[..bytes.len().min(8192)];
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    if sample.contains(&0) || control * 20 > sample.len() {
        return Err(SourceError::Binary);
    }
    std::str::from_utf8(bytes).map_err(|e| SourceError::InvalidUtf8 {
        offset: e.valid_up_to(),
    })
}

/// Text without terminal escape sequences or other control characters: article text is
/// quoted to terminals and chat clients, and must not drive them.
pub fn without_controls(text: &str) -> String {
    static ESCAPES: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?)").expect("valid regex")
    });
    ESCAPES
        .replace_all(text, "")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

/// A source file's name as reports show it: control characters escaped, since a name is
/// printed in listings, one line per source.
pub fn shown_name(path: &Path) -> String {
    let mut shown = String::new();
    for c in path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .chars()
    {
        if c.is_control() {
            shown.extend(c.escape_debug());
        } else {
            shown.push(c);
        }
    }
    shown
}

/// A file source's id: its file stem.
pub fn source_id(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The article files in a sources directory, sorted by name; the manifest and hidden files
/// are not articles.
/// Where a symbolic link leads, if that is outside the folder holding it: a source must
/// not quote any file of the machine it can be linked to.
fn link_out_of_folder(path: &Path) -> Option<PathBuf> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return None;
    }
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let folder = path.parent().and_then(|p| std::fs::canonicalize(p).ok());
    match folder {
        Some(folder) if target.starts_with(&folder) => None,
        _ => Some(target),
    }
}

pub fn source_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_file() && !name.starts_with('.') && name != manifest::FILE_NAME {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_and_control_characters_are_removed() {
        assert_eq!(
            without_controls("Red \x1b[31mALERT\x1b[0m\x07 and \x1b]0;title\x07done\u{9b}."),
            "Red ALERT and done."
        );
        assert_eq!(without_controls("Kyiv – Moscow\n"), "Kyiv – Moscow\n");
    }

    #[test]
    fn decode_rejects_bad_input_with_reasons() {
        assert_eq!(decode(b"  \n "), Err(SourceError::Empty));
        assert_eq!(decode(b"abc\0def"), Err(SourceError::Binary));
        assert_eq!(
            decode(b"caf\xe9 au lait"),
            Err(SourceError::InvalidUtf8 { offset: 3 })
        );
        assert_eq!(decode("Kyiv – Moscow".as_bytes()), Ok("Kyiv – Moscow"));
    }

    #[test]
    fn article_passages_are_slices_of_the_body() {
        let extracted = Extracted {
            paragraphs: vec![
                "First  para.\nStill first.".into(),
                " ".into(),
                "Second.".into(),
            ],
            ..Default::default()
        };
        let article = Article::new("x".into(), extracted, Passages::AsGiven).unwrap();
        assert_eq!(article.body, "First para. Still first.\n\nSecond.");
        assert_eq!(article.passage(1), Some("Second."));
        assert_eq!(article.passage(2), None);
    }

    #[test]
    fn short_paragraphs_join_until_a_passage_is_long_enough() {
        let long = "A sentence long enough to stand alone as a passage of news. ".repeat(6);
        let extracted = || Extracted {
            paragraphs: vec![
                "Rubio has spoken with his Russian counterpart.".into(),
                "The contact between Rubio and Lavrov came on Sunday.".into(),
                long.clone(),
                "Talks resume on Monday.".into(),
            ],
            ..Default::default()
        };
        let joined = Article::new("x".into(), extracted(), Passages::Joined).unwrap();
        assert_eq!(joined.passages.len(), 2, "{:?}", joined.passages);
        assert!(joined.passage(0).unwrap().ends_with(long.trim()));
        assert_eq!(joined.passage(1), Some("Talks resume on Monday."));
        let given = Article::new("x".into(), extracted(), Passages::AsGiven).unwrap();
        assert_eq!(given.passages.len(), 4);
    }

    proptest::proptest! {
        #[test]
        fn extraction_never_panics_and_passages_are_slices(
            text in "(( date 2025-06-0[1-9])?[ •\n<>/a-zA-Z0-9.,!?’“”\"'#*-]{0,400})",
            format in proptest::sample::select(vec!["txt", "md", "html"]),
        ) {
            // On this thread, so that a panic in extraction fails the test.
            if let Ok(article) = Article::new("p".into(), extract_now(format, &text), Passages::Joined) {
                let mut last = 0;
                for r in &article.passages {
                    proptest::prop_assert!(r.start >= last && r.end <= article.body.len());
                    proptest::prop_assert!(!article.body[r.clone()].trim().is_empty());
                    last = r.end;
                }
            }
        }
    }

    #[test]
    fn an_article_needs_text() {
        let err = Article::new("x".into(), Extracted::default(), Passages::Joined).unwrap_err();
        assert_eq!(err, SourceError::NoArticle);
    }
}
