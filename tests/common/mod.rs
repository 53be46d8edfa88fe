//! Helpers for the end-to-end tests: a private copy of the shipped corpus, and the binary.
#![allow(dead_code)] // each test crate uses its own subset

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// The shipped sources directory.
pub fn shipped_sources() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("index/sources")
}

/// A fresh index directory whose sources are a copy of the shipped corpus.
pub fn corpus_copy() -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    let sources = dir.path().join("sources");
    std::fs::create_dir(&sources).expect("sources dir");
    for entry in std::fs::read_dir(shipped_sources()).expect("shipped sources") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, sources.join(path.file_name().unwrap())).expect("copy source");
    }
    dir
}

/// `sitrep --index DIR`, with no environment settings leaking in.
pub fn sitrep(index: &Path) -> Command {
    let mut cmd = Command::cargo_bin("sitrep").expect("binary");
    cmd.arg("--index")
        .arg(index)
        .env_remove("SITREP_INDEX")
        .env_remove("SITREP_MAX_SOURCE_MB")
        .env_remove("SITREP_EXTRACT_TIMEOUT");
    cmd
}

/// Runs a command that must succeed (its stderr shown if not) and returns its stdout.
pub fn stdout_of(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().expect("run");
    assert!(
        out.status.success(),
        "command failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs `sitrep ask --json` and parses the answer.
pub fn ask_json(index: &Path, question: &str) -> serde_json::Value {
    let out = stdout_of(sitrep(index).args(["ask", "--json", question]));
    serde_json::from_slice(&out).expect("JSON answer")
}

/// Asks `question` and asserts the answer's span is `text`; the answer, for more checks.
pub fn assert_answer(index: &Path, question: &str, text: &str) -> serde_json::Value {
    let r = ask_json(index, question);
    assert_eq!(r["answer"]["text"], text, "{question}: {r}");
    r
}

/// Asks `question` and asserts that no answer is given.
pub fn assert_refused(index: &Path, question: &str) {
    let r = ask_json(index, question);
    assert!(r["answer"].is_null(), "{question}: {r}");
}

/// Asks `questions` in one `sitrep ask --jsonl` process; one answer each, in order.
pub fn ask_jsonl<'q>(
    index: &Path,
    questions: impl IntoIterator<Item = &'q str>,
) -> Vec<serde_json::Value> {
    let questions: Vec<&str> = questions.into_iter().collect();
    let input: String = questions.iter().map(|q| format!("{q}\n")).collect();
    let out = stdout_of(sitrep(index).args(["ask", "--jsonl"]).write_stdin(input));
    let answers: Vec<serde_json::Value> = String::from_utf8(out)
        .expect("UTF-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(answers.len(), questions.len(), "one answer per question");
    for (question, answer) in questions.iter().zip(&answers) {
        assert_eq!(answer["question"], *question, "answers come back in order");
    }
    answers
}

/// A fresh copy of the shipped corpus with more source files: `(name, content)`.
pub fn corpus_with(files: &[(&str, &str)]) -> TempDir {
    let dir = corpus_copy();
    for (name, content) in files {
        std::fs::write(dir.path().join("sources").join(name), content).expect("write source");
    }
    dir
}

/// The extracted text of a shipped source, as the index holds it.
pub fn extracted_body(id: &str) -> String {
    let file = std::fs::read_dir(shipped_sources())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_stem().unwrap().to_string_lossy() == id)
        .unwrap_or_else(|| panic!("no source {id}"));
    sitrep::corpus::read_file(&file, sitrep::corpus::Limits::default())
        .expect("readable")
        .body
}

/// A news site on loopback: HTML pages, an RSS feed whose entries the test changes, and
/// pages that must be refused. Runs on its own thread until the process ends.
pub struct NewsSite {
    pub url: String,
    pub state: std::sync::Arc<std::sync::Mutex<Site>>,
}

/// What the site serves, and what it was asked.
#[derive(Default)]
pub struct Site {
    /// (guid, path, title, published RFC 2822) of each feed entry.
    pub entries: Vec<(String, String, String, String)>,
    /// Article pages by path: (title, published RFC 3339, paragraphs).
    pub pages: std::collections::HashMap<String, (String, String, Vec<String>)>,
    /// The feed answers 500 while this is set.
    pub feed_broken: bool,
    pub feed_requests: usize,
}

impl NewsSite {
    pub fn start() -> NewsSite {
        use axum::http::{HeaderMap, StatusCode, Uri, header};
        use axum::response::IntoResponse;
        let state = std::sync::Arc::new(std::sync::Mutex::new(Site::default()));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let shared = state.clone();
        let base = url.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
                    let state = shared.clone();
                    let base = base.clone();
                    async move {
                        let mut site = state.lock().unwrap();
                        match uri.path() {
                            "/feed.xml" => {
                                site.feed_requests += 1;
                                if site.feed_broken {
                                    return StatusCode::INTERNAL_SERVER_ERROR.into_response();
                                }
                                let etag = format!("\"{}\"", site.entries.len());
                                if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok())
                                    == Some(etag.as_str())
                                {
                                    return StatusCode::NOT_MODIFIED.into_response();
                                }
                                let items: String = site
                                    .entries
                                    .iter()
                                    .map(|(guid, path, title, date)| {
                                        format!("<item><guid>{guid}</guid><title>{title}</title><link>{base}{path}</link><pubDate>{date}</pubDate></item>")
                                    })
                                    .collect();
                                let body = format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Loopback Wire</title><link>{base}/</link><description>Test</description>{items}</channel></rss>");
                                ([(header::CONTENT_TYPE, "application/rss+xml"), (header::ETAG, etag.as_str())], body).into_response()
                            }
                            "/big.html" => (
                                [(header::CONTENT_TYPE, "text/html")],
                                format!("<html><body><p>{}</p></body></html>", "word ".repeat(400_000)),
                            )
                                .into_response(),
                            "/image.png" => ([(header::CONTENT_TYPE, "image/png")], vec![0x89u8, b'P', b'N', b'G']).into_response(),
                            "/to-private" => (StatusCode::FOUND, [(header::LOCATION, "http://10.0.0.1/admin")]).into_response(),
                            "/to-file" => (StatusCode::FOUND, [(header::LOCATION, "file:///etc/passwd")]).into_response(),
                            "/to-article" => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "/news/bridge.html")]).into_response(),
                            path => match site.pages.get(path) {
                                Some((title, published, paragraphs)) => {
                                    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
                                    let html = format!(
                                        "<html><head><title>{title} | Loopback Wire</title>\
                                         <meta property=\"og:site_name\" content=\"Loopback Wire\">\
                                         <meta property=\"article:published_time\" content=\"{published}\">\
                                         <meta name=\"author\" content=\"Ana Reporter\"></head>\
                                         <body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a> <a href=\"/sport\">Sport</a></nav>\
                                         <article><h1>{title}</h1>{body}</article><footer>© Loopback Wire</footer></body></html>"
                                    );
                                    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
                                }
                                None => StatusCode::NOT_FOUND.into_response(),
                            },
                        }
                    }
                });
                axum::serve(listener, app).await.unwrap();
            });
        });
        NewsSite { url, state }
    }

    /// Publishes an article page at `path` and, if `in_feed`, a feed entry for it.
    pub fn publish(&self, path: &str, title: &str, paragraphs: &[&str], in_feed: bool) {
        let mut site = self.state.lock().unwrap();
        site.pages.insert(
            path.to_string(),
            (
                title.to_string(),
                "2025-06-03T08:00:00Z".to_string(),
                paragraphs.iter().map(|p| p.to_string()).collect(),
            ),
        );
        if in_feed {
            let guid = format!("loopback-{}", site.entries.len() + 1);
            site.entries.push((
                guid,
                path.to_string(),
                title.to_string(),
                "Tue, 03 Jun 2025 08:00:00 GMT".to_string(),
            ));
        }
    }
}

/// A report about a bridge, long enough to be an article.
pub const BRIDGE: &[&str] = &[
    "Engineers reopened the Desna road bridge near Bryansk on Tuesday after a four-day closure, the regional governor said.",
    "The governor said 212 workers had repaired the damaged span and that trucks would be allowed back from Friday.",
    "Railway traffic on the line nearby remains suspended while investigators examine the collapse of a second bridge.",
];
