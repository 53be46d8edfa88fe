//! Speed at scale: `sitrep bench SQUAD_FILE` prints ask latency beside a bare tantivy
//! BM25 top-10 query on the same index (shipped corpus, SQuAD, a synthetic corpus of
//! a million passages), with the sentence encoder and by words alone, beside the same
//! pipeline in Python on SQuAD (`bench/python_pipeline.py`); embedding throughput;
//! indexing throughput beside bare tantivy indexing of the same passages; cold start;
//! peak memory. Timings are wall-clock on this machine.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Schema, TEXT};
use tantivy::{Index as TantivyIndex, TantivyDocument, Term};

use super::squad::{self, Dataset, EvalError};
use crate::answer;
use crate::corpus::{Limits, split};
use crate::index::schema::Fields;
use crate::index::{self, Index, IndexError, Layout, analyzer};
use crate::lexicon::is_stop_word;

/// What to measure and where.
pub struct Options {
    /// The SQuAD v1.1 file: the SQuAD index, and the sentences of the synthetic corpus.
    pub squad: PathBuf,
    /// The shipped sources directory.
    pub shipped: PathBuf,
    /// Where indexes are built (kept, so a second run can skip generation).
    pub work: PathBuf,
    /// Passages in the synthetic corpus.
    pub passages: usize,
    /// The sitrep binary, for cold start and peak memory (measured in child processes).
    pub binary: PathBuf,
}

/// Latency percentiles of one workload.
struct Latency {
    p50: Duration,
    p99: Duration,
}

pub fn run(options: &Options, mut out: impl Write) -> Result<(), EvalError> {
    let dataset = Dataset::load(&options.squad)?;
    let io = |path: &Path, e: std::io::Error| EvalError::Index(IndexError::io(path, e));
    let _ = std::fs::create_dir_all(&options.work);
    let mut line = |text: String| {
        let _ = writeln!(out, "{text}");
    };

    line(
        "| workload | passages | ask p50 | ask p99 | bare BM25 p50 | bare BM25 p99 | p99 ratio |"
            .into(),
    );
    line("|---|---:|---:|---:|---:|---:|---:|".into());

    // The shipped corpus, asked the development questions.
    let shipped = options.work.join("shipped");
    let _ = std::fs::remove_dir_all(&shipped);
    copy_dir(&options.shipped, &shipped.join("sources")).map_err(|e| io(&shipped, e))?;
    index::build(&Layout::new(&shipped), Limits::default(), |_| {})?;
    embed(&shipped, usize::MAX)?;
    let dev: Vec<String> = include_str!("../../tests/fixtures/dev-questions.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["q"].as_str().map(str::to_string))
        .collect();
    let questions: Vec<&str> = dev.iter().map(String::as_str).collect();
    latency_row(&mut line, "shipped corpus", &shipped, &questions, 20)?;

    // SQuAD: 919 passages, its own questions.
    let squad_dir = options.work.join("squad");
    let _ = std::fs::remove_dir_all(&squad_dir);
    squad::index_dataset(&dataset, &squad_dir)?;
    let embedding = embed(&squad_dir, usize::MAX)?;
    let squad_questions: Vec<&str> = dataset.questions().take(1000).collect();
    latency_row(&mut line, "SQuAD", &squad_dir, &squad_questions, 1)?;
    let python = python_row(&mut line, options, &dataset, squad_questions.len());

    // The synthetic corpus: SQuAD sentences sampled into articles of 10 passages.
    let synthetic = options.work.join("synthetic");
    let archive = synthetic.join("sources/synthetic.jsonl");
    if !archive.exists() {
        std::fs::create_dir_all(archive.parent().expect("has parent"))
            .map_err(|e| io(&synthetic, e))?;
        write_synthetic(&dataset, options.passages, &archive).map_err(|e| io(&archive, e))?;
    }
    let (reindex_time, reindex_rss) = child_run(
        Command::new(&options.binary)
            .arg("--index")
            .arg(&synthetic)
            .arg("reindex"),
        None,
    )
    .map_err(|e| io(&options.binary, e))?;
    let report = Index::open(&Layout::new(&synthetic))?
        .expect("built")
        .report()
        .clone();
    // Its sentences are SQuAD's, and a sentence is embedded once whatever passages repeat
    // it: the fill reads every passage and embeds the distinct sentences, up to a budget
    // (a large corpus is then asked with partial vectors, as while `serve` fills them).
    let synthetic_embedding = embed(&synthetic, SYNTHETIC_EMBEDDING_BUDGET)?;
    let synthetic_questions: Vec<&str> = dataset.questions().step_by(10).take(500).collect();
    latency_row(&mut line, "synthetic", &synthetic, &synthetic_questions, 1)?;
    line(String::new());
    if let (Some((sentences, time, _)), Some(encoder)) = (embedding, crate::encoder::shared()) {
        line(format!(
            "sentence encoder: {sentences} SQuAD sentences embedded in {:.1} s, {:.0} sentences/s ({} threads)",
            time.as_secs_f64(),
            sentences as f64 / time.as_secs_f64(),
            encoder.threads()
        ));
    }
    if let Some((sentences, time, complete)) = synthetic_embedding {
        let state = if complete {
            "completed"
        } else {
            "left partial (the budget reached)"
        };
        line(format!(
            "synthetic corpus's vectors {state} in {:.1} s ({sentences} sentences new to the store)",
            time.as_secs_f64()
        ));
    }
    match python {
        Ok(summary) => line(summary),
        Err(why) => line(format!("Python pipeline not measured: {why}")),
    }

    // Indexing throughput, sitrep beside bare tantivy on the same pre-split passages.
    let texts = passages_of(&archive).map_err(|e| io(&archive, e))?;
    let bare_dir = options.work.join("bare");
    let _ = std::fs::remove_dir_all(&bare_dir);
    std::fs::create_dir_all(&bare_dir).map_err(|e| io(&bare_dir, e))?;
    let bare_same = bare_index(&texts, &bare_dir.join("same"), BareSchema::Sitrep)?;
    let bare_plain = bare_index(&texts, &bare_dir.join("plain"), BareSchema::Plain)?;
    let _ = std::fs::remove_dir_all(&bare_dir);
    let mb = report.text_bytes as f64 / 1e6;
    let passages = report.passages() as f64;
    line(String::new());
    line("| indexing | passages | MB of text | time | MB/s | passages/s |".into());
    line("|---|---:|---:|---:|---:|---:|".into());
    for (name, time) in [
        ("sitrep reindex (whole process)", reindex_time),
        ("bare tantivy, sitrep's schema and analyzer", bare_same),
        ("bare tantivy, one unstored field, en_stem", bare_plain),
    ] {
        let s = time.as_secs_f64();
        line(format!(
            "| {name} | {passages} | {mb:.1} | {s:.1} s | {:.2} | {:.0} |",
            mb / s,
            passages / s
        ));
    }
    line(format!(
        "throughput ratio, sitrep / bare with the same schema: {:.2}; / plain: {:.2}",
        bare_same.as_secs_f64() / reindex_time.as_secs_f64(),
        bare_plain.as_secs_f64() / reindex_time.as_secs_f64()
    ));

    // Cold start and memory, in child processes.
    let mut starts: Vec<Duration> = (0..20)
        .map(|_| {
            child_run(
                Command::new(&options.binary)
                    .arg("--index")
                    .arg(&shipped)
                    .args(["ask", "how many drones were used?"]),
                None,
            )
            .map(|(t, _)| t)
        })
        .collect::<Result<_, _>>()
        .map_err(|e| io(&options.binary, e))?;
    starts.sort();
    let asks: String = synthetic_questions
        .iter()
        .take(200)
        .map(|q| format!("{q}\n"))
        .collect();
    let (_, ask_rss) = child_run(
        Command::new(&options.binary)
            .arg("--index")
            .arg(&synthetic)
            .args(["ask", "--jsonl"]),
        Some(asks),
    )
    .map_err(|e| io(&options.binary, e))?;
    line(String::new());
    line(format!(
        "cold start (process start to first answer, shipped corpus, 20 runs): p50 {:.0} ms, max {:.0} ms",
        ms(starts[starts.len() / 2]),
        ms(starts[starts.len() - 1])
    ));
    line(format!(
        "peak RSS at {passages} passages: reindex {:.0} MiB, ask (200 questions) {:.0} MiB",
        reindex_rss as f64 / 1024.0,
        ask_rss as f64 / 1024.0
    ));
    Ok(())
}

/// Times `ask` and the bare query over `questions` (after one warm-up pass), repeated.
fn latency_row(
    line: &mut impl FnMut(String),
    name: &str,
    dir: &Path,
    questions: &[&str],
    repeat: usize,
) -> Result<(), EvalError> {
    let layout = Layout::new(dir);
    let index = Index::open(&layout)?.expect("built");
    if let (Some(store), Some(_)) = (index.vectors(), crate::encoder::shared()) {
        let vectors = if store.is_filled(&index)? {
            "with the encoder"
        } else {
            "with the encoder, vectors partial"
        };
        latency_row_of(
            line,
            &format!("{name}, {vectors}"),
            &layout,
            index,
            questions,
            repeat,
        )?;
        let index = Index::open(&layout)?.expect("built").without_vectors();
        latency_row_of(
            line,
            &format!("{name}, words alone"),
            &layout,
            index,
            questions,
            repeat,
        )
    } else {
        latency_row_of(
            line,
            name,
            &layout,
            index.without_vectors(),
            questions,
            repeat,
        )
    }
}

fn latency_row_of(
    line: &mut impl FnMut(String),
    name: &str,
    layout: &Layout,
    index: Index,
    questions: &[&str],
    repeat: usize,
) -> Result<(), EvalError> {
    let bare = BareQuery::open(layout)?;
    for q in questions {
        let _ = answer::ask(&index, q);
        bare.top10(q);
    }
    let mut asks = Vec::new();
    let mut bares = Vec::new();
    for _ in 0..repeat {
        for q in questions {
            let t = Instant::now();
            let _ = answer::ask(&index, q);
            asks.push(t.elapsed());
            let t = Instant::now();
            bare.top10(q);
            bares.push(t.elapsed());
        }
    }
    let (a, b) = (percentiles(asks), percentiles(bares));
    line(format!(
        "| {name} | {} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {:.1}× |",
        index.passages(),
        ms(a.p50),
        ms(a.p99),
        ms(b.p50),
        ms(b.p99),
        a.p99.as_secs_f64() / b.p99.as_secs_f64()
    ));
    Ok(())
}

/// The same pipeline in Python (bm25s, the same model through onnxruntime, cosine ranking
/// of the candidate passages' sentences) over the same SQuAD questions, in a venv that
/// `bench/python_pipeline.sh` makes in the work directory: its latency row, and a summary
/// for after the table (or why it could not run).
fn python_row(
    line: &mut impl FnMut(String),
    options: &Options,
    dataset: &Dataset,
    questions: usize,
) -> Result<String, String> {
    let encoder = crate::encoder::shared().ok_or("no sentence encoder")?;
    // Sentences whose vectors sitrep and Python must agree on: the same model.
    let check: Vec<&str> = dataset.questions().take(16).collect();
    let vectors = encoder.embed(&check).map_err(|e| e.to_string())?;
    let check_file = options.work.join("python-check.jsonl");
    let lines: String = check
        .iter()
        .zip(&vectors)
        .map(|(s, v)| format!("{}\n", serde_json::json!({"sentence": s, "vector": v})))
        .collect();
    std::fs::write(&check_file, lines).map_err(|e| e.to_string())?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/python_pipeline.sh");
    let output = Command::new("bash")
        .arg(&script)
        .arg(options.work.join("python-venv"))
        .arg(&options.squad)
        .arg(encoder.dir())
        .args(["--questions", &questions.to_string(), "--check"])
        .arg(&check_file)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("{}: {e}", script.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} exited with {}",
            script.display(),
            output.status
        ));
    }
    let result: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("its output: {e}"))?;
    let number = |key: &str| result[key].as_f64().unwrap_or(f64::NAN);
    line(format!(
        "| SQuAD, Python: bm25s + onnxruntime, same model | {} | {:.2} ms | {:.2} ms | | | |",
        number("passages"),
        number("p50_ms"),
        number("p99_ms"),
    ));
    Ok(format!(
        "Python pipeline: its best sentence holds a gold answer for {:.3} of the questions; its vectors differ from sitrep's by at most {:.1e}",
        number("best_sentence_has_answer"),
        number("max_vector_difference"),
    ))
}

/// Sentences the synthetic corpus's fill may embed (a few minutes here): enough to complete
/// 100,000 passages, not a million.
const SYNTHETIC_EMBEDDING_BUDGET: usize = 20_000;

/// Embeds up to `max` sentences of the index in `dir`: how many, how long it took, and
/// whether every sentence now has its vector (none without an encoder).
fn embed(dir: &Path, max: usize) -> Result<Option<(usize, Duration, bool)>, EvalError> {
    let index = Index::open(&Layout::new(dir))?.expect("built");
    let (Some(store), Some(encoder)) = (index.vectors(), crate::encoder::shared()) else {
        return Ok(None);
    };
    let started = Instant::now();
    let sentences = store.fill(&index, encoder, max, |_, _| {})?;
    let elapsed = started.elapsed();
    Ok(Some((sentences, elapsed, store.is_filled(&index)?)))
}

/// The floor: tantivy's BM25 top 10 for the question's content words, nothing more.
struct BareQuery {
    searcher: tantivy::Searcher,
    text: tantivy::schema::Field,
}

impl BareQuery {
    fn open(layout: &Layout) -> Result<BareQuery, EvalError> {
        let dir = layout.live_dir()?.expect("built");
        let index = TantivyIndex::open_in_dir(&dir).map_err(IndexError::from)?;
        index
            .tokenizers()
            .register(analyzer::NAME, analyzer::analyzer());
        let text = index.schema().get_field("text").map_err(IndexError::from)?;
        let searcher = index.reader().map_err(IndexError::from)?.searcher();
        Ok(BareQuery { searcher, text })
    }

    fn top10(&self, question: &str) -> usize {
        let clauses: Vec<(Occur, Box<dyn Query>)> = question
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty() && !is_stop_word(&w.to_lowercase()))
            .flat_map(analyzer::terms)
            .map(|t| {
                let q = TermQuery::new(
                    Term::from_field_text(self.text, &t.term),
                    IndexRecordOption::WithFreqs,
                );
                (Occur::Should, Box::new(q) as Box<dyn Query>)
            })
            .collect();
        self.searcher
            .search(
                &BooleanQuery::new(clauses),
                &TopDocs::with_limit(10).order_by_score(),
            )
            .map_or(0, |top| top.len())
    }
}

/// The schema of a bare tantivy baseline.
#[derive(Clone, Copy)]
enum BareSchema {
    /// sitrep's fields and analyzer: what tantivy alone costs for sitrep's index.
    Sitrep,
    /// One unstored text field with tantivy's `en_stem`: tantivy's cheapest useful index.
    Plain,
}

/// Indexes pre-split passages with tantivy alone, as one writer fed from one thread.
fn bare_index(texts: &[String], dir: &Path, kind: BareSchema) -> Result<Duration, EvalError> {
    std::fs::create_dir_all(dir).map_err(|e| IndexError::io(dir, e))?;
    let started = Instant::now();
    let (schema, fields) = match kind {
        BareSchema::Sitrep => {
            let (schema, fields) = Fields::schema();
            (schema, Some(fields))
        }
        BareSchema::Plain => {
            let mut schema = Schema::builder();
            schema.add_text_field("text", TEXT);
            (schema.build(), None)
        }
    };
    let text = schema.get_field("text").map_err(IndexError::from)?;
    let index = TantivyIndex::create_in_dir(dir, schema).map_err(IndexError::from)?;
    index
        .tokenizers()
        .register(analyzer::NAME, analyzer::analyzer());
    let mut writer = index
        .writer::<TantivyDocument>(256 << 20)
        .map_err(IndexError::from)?;
    for (n, t) in texts.iter().enumerate() {
        let mut doc = TantivyDocument::default();
        if let Some(fields) = fields {
            doc.add_text(fields.source, "bare");
            doc.add_u64(fields.passage, n as u64);
        }
        doc.add_text(text, t);
        writer.add_document(doc).map_err(IndexError::from)?;
    }
    writer.commit().map_err(IndexError::from)?;
    writer.wait_merging_threads().map_err(IndexError::from)?;
    Ok(started.elapsed())
}

/// Articles of 10 passages of 3 to 5 SQuAD sentences each, drawn by a seeded generator so
/// that every run writes the same corpus.
fn write_synthetic(dataset: &Dataset, passages: usize, path: &Path) -> std::io::Result<()> {
    let sentences: Vec<&str> = dataset
        .paragraphs()
        .flat_map(|p| split::sentences(p).into_iter().map(move |r| &p[r]))
        .collect();
    let mut state: u64 = 0x5eed_5eed_5eed_5eed;
    let mut next = move |n: usize| {
        // xorshift64*: fast, reproducible, good enough to sample sentences.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    };
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for article in 0..passages.div_ceil(10) {
        let count = (passages - article * 10).min(10);
        let text: Vec<String> = (0..count)
            .map(|_| {
                (0..3 + next(3))
                    .map(|_| sentences[next(sentences.len())])
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let record =
            serde_json::json!({"id": format!("synthetic-{article:06}"), "text": text.join("\n\n")});
        writeln!(out, "{record}")?;
    }
    out.flush()
}

/// The passages of an archive, split as sitrep splits them.
fn passages_of(archive: &Path) -> std::io::Result<Vec<String>> {
    let file = std::io::BufReader::new(std::fs::File::open(archive)?);
    Ok(crate::corpus::jsonl::lines(file, u64::MAX)
        .filter_map(|line| line.article.ok())
        .flat_map(|a| {
            a.passages
                .iter()
                .map(|r| a.body[r.clone()].to_string())
                .collect::<Vec<_>>()
        })
        .collect())
}

/// Runs a child process to completion; returns its wall time and peak RSS in KiB (VmHWM,
/// read from /proc while it runs).
fn child_run(command: &mut Command, stdin: Option<String>) -> std::io::Result<(Duration, u64)> {
    let started = Instant::now();
    let mut child = command
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("piped");
        std::thread::spawn(move || pipe.write_all(input.as_bytes()));
    }
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Some(status) = child.try_wait()? {
            if !status.success() {
                return Err(std::io::Error::other(format!(
                    "{command:?} failed: {status}"
                )));
            }
            return Ok((started.elapsed(), peak));
        }
        if let Ok(status) = std::fs::read_to_string(&status_file)
            && let Some(kib) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak = peak.max(kib);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn percentiles(mut samples: Vec<Duration>) -> Latency {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    Latency {
        p50: at(0.5),
        p99: at(0.99),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        if path.is_file() {
            std::fs::copy(&path, to.join(path.file_name().expect("file name")))?;
        }
    }
    Ok(())
}
