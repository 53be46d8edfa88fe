//! The `sitrep` command line: wiring only.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use sitrep::answer::{self, AskError};
use sitrep::bot::{Actor, Command, Handler, NewSource, RateLimiter, Reply};
use sitrep::sources::Sources;
use sitrep::sources::fetch::Fetcher;
use sitrep::state::State;
use sitrep::track::Tracker;

/// Most sentences a one-shot command embeds (about 20 s here); the rest wait for the next
/// command, or for `serve`/`chat`, which embed everything in the background.
const EMBED_INLINE: usize = 500;
/// How often a long-running process looks for sentences to embed.
const VECTORS_POLL: std::time::Duration = std::time::Duration::from_secs(2);
use sitrep::chat::console::{self, Emphasis};
use sitrep::config::Settings;
use sitrep::index::{self, BuildEvent, Index, Layout, Live};

/// Cited answers about a developing news story.
#[derive(Parser)]
#[command(name = "sitrep", version, about)]
struct Cli {
    /// The index directory: article sources in DIR/sources, the built index beside them.
    #[arg(long, global = true, value_name = "DIR", env = "SITREP_INDEX")]
    index: Option<PathBuf>,
    /// Answer by words alone, without the sentence encoder (as `SITREP_MODEL=off`).
    #[arg(long, global = true)]
    no_encoder: bool,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Answer a question with the verbatim sentence that says so, and its source.
    Ask {
        /// Print the answer as JSON.
        #[arg(long, conflicts_with = "jsonl")]
        json: bool,
        /// Read one question per line from stdin; write one JSON answer per line.
        #[arg(long)]
        jsonl: bool,
        /// The question (several words are joined with spaces).
        #[arg(required_unless_present = "jsonl", conflicts_with = "jsonl")]
        question: Vec<String>,
    },
    /// List the passages that best match some words, with the words highlighted.
    Search {
        /// Print the passages as JSON.
        #[arg(long)]
        json: bool,
        /// How many passages to list.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=1000))]
        limit: u16,
        /// The words to look for.
        #[arg(required = true)]
        query: Vec<String>,
    },
    /// List the sources with title, outlet, date, passages, and errors of the last build.
    Sources {
        /// Print the sources as JSON.
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        action: Option<SourcesCmd>,
    },
    /// Rebuild the index from DIR/sources; the old index answers until the new one is done.
    Reindex,
    /// What was reported since a date or for a duration, grouped by story, newest first.
    Brief {
        /// A date (2025-06-01) or a duration back from now (24h, 7d). Default: the day
        /// before the newest article.
        #[arg(long, value_parser = |s: &str| sitrep::track::parse_since(s, chrono::Utc::now()))]
        since: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// An interactive console speaking the chat commands (ask, search, sources, help).
    Chat,
    /// Run sitrep as a chat bot.
    Serve {
        #[command(subcommand)]
        mode: ServeCmd,
    },
    /// Measure speed: latency, indexing throughput, cold start, memory (see BENCHMARKS.md).
    Bench {
        /// The SQuAD v1.1 JSON file (its index, and sentences for the synthetic corpus).
        squad: PathBuf,
        /// Passages in the synthetic corpus.
        #[arg(long, default_value_t = 1_000_000)]
        passages: usize,
        /// Where to build the benchmark indexes; the synthetic corpus is kept there.
        #[arg(long, value_name = "DIR")]
        work: Option<PathBuf>,
    },
    /// Measure answer quality on a benchmark (see BENCHMARKS.md).
    Eval {
        #[command(subcommand)]
        benchmark: EvalCmd,
    },
}

#[derive(Subcommand)]
enum EvalCmd {
    /// SQuAD v1.1 in the open-corpus setting: all paragraphs in one index, every question
    /// asked without its paragraph. Prints S@1, A@1 and the no-answer share.
    Squad {
        /// The SQuAD v1.1 JSON file.
        file: PathBuf,
        /// Ask only the first N questions.
        #[arg(long)]
        limit: Option<usize>,
        /// Write every answerable question whose snippet misses the answer, and every
        /// unanswerable one answered, to this file.
        #[arg(long, value_name = "FILE")]
        failures: Option<PathBuf>,
        /// Index only the even paragraphs of each article; the questions on odd ones whose
        /// answer is in no indexed paragraph must get no answer. Adds the refused share and
        /// a risk–coverage table.
        #[arg(long)]
        unanswerable: bool,
        /// Write each question's confidence features and whether its best snippet was
        /// right to this file (JSONL, for `sitrep eval calibrate`).
        #[arg(long, value_name = "FILE")]
        features: Option<PathBuf>,
        /// Print the figures as JSON.
        #[arg(long)]
        json: bool,
        /// Keep the sentence vectors in this file between runs (they are keyed by the
        /// sentence, so a second run embeds nothing).
        #[arg(long, value_name = "FILE")]
        vectors: Option<PathBuf>,
    },
    /// A question set of one's own over the index (`--index`): lines of {"q", "expect":
    /// [accepted…] or null, "source": id prefix?}. Prints right and refused, and the misses.
    Questions {
        /// The question set (JSONL).
        file: PathBuf,
        /// Write each question's confidence features and whether its best snippet was
        /// right to this file (JSONL, for `sitrep eval calibrate`).
        #[arg(long, value_name = "FILE")]
        features: Option<PathBuf>,
    },
    /// Fit the answer probability on feature files (`eval squad --features`) with folds
    /// split by article; print the held-out reliability table, its expected calibration
    /// error and the fitted weights.
    Calibrate {
        /// Feature files (JSONL).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Number of folds.
        #[arg(long, default_value_t = 5)]
        folds: usize,
    },
}

#[derive(Subcommand)]
enum ServeCmd {
    /// Discord over the gateway (DISCORD_TOKEN); registers the slash commands globally, or
    /// in DISCORD_GUILD_ID.
    Discord,
    /// A Matrix bot (MATRIX_HOMESERVER, MATRIX_USER, MATRIX_PASSWORD or MATRIX_ACCESS_TOKEN,
    /// MATRIX_STORE).
    Matrix,
    /// Discord's HTTP interactions endpoint: verifies every request with DISCORD_PUBLIC_KEY.
    Interactions {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
    },
}

#[derive(Subcommand)]
enum SourcesCmd {
    /// Add a web page (URL), a feed (--feed URL) or a text, Markdown or HTML file, and
    /// index it at once.
    Add {
        /// The URL is a feed (RSS, Atom, JSON Feed): polled from now on.
        #[arg(long)]
        feed: bool,
        /// A URL, or the path of a file.
        target: String,
    },
    /// Remove a source (its file and passages) or a feed (its articles stay).
    Remove {
        /// The id `sitrep sources` lists.
        id: String,
    },
    /// Poll the feeds that are due now (the bots do this on their own).
    Poll,
    /// Add many articles from a JSON Lines file, one `{"id", "title", "outlet", "url",
    /// "published", "text"}` object per line, then rebuild. Bad lines are reported and left out.
    Import {
        /// The .jsonl file to import.
        file: PathBuf,
    },
}

fn main() -> ExitCode {
    // Settings first: they load .env, which may set SITREP_LOG.
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("sitrep: {error}");
            return ExitCode::FAILURE;
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SITREP_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse(), settings) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("sitrep: {}", said_once(&error));
            ExitCode::FAILURE
        }
    }
}

/// An error and its causes on one line, each said once: a cause whose text its context
/// already quotes ("x.jsonl: No such file or directory") is not repeated.
fn said_once(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain().map(ToString::to_string) {
        if text.contains(&cause) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&cause);
    }
    text
}

fn run(cli: Cli, mut settings: Settings) -> anyhow::Result<ExitCode> {
    if let Some(dir) = cli.index {
        settings.index_dir = dir;
    }
    sitrep::encoder::choose(
        settings.model.clone().filter(|_| !cli.no_encoder),
        settings.encoder_threads,
    );
    let layout = Layout::new(&settings.index_dir);
    match &cli.command {
        Cmd::Reindex => return reindex(&layout, &settings),
        Cmd::Eval { benchmark } if !matches!(benchmark, EvalCmd::Questions { .. }) => {
            return eval(benchmark);
        }
        Cmd::Bench {
            squad,
            passages,
            work,
        } => {
            let options = sitrep::eval::bench::Options {
                squad: squad.clone(),
                shipped: layout.sources(),
                work: work
                    .clone()
                    .unwrap_or_else(|| std::env::temp_dir().join("sitrep-bench")),
                passages: *passages,
                binary: std::env::current_exe()?,
            };
            sitrep::eval::bench::run(&options, std::io::stdout().lock())?;
            return Ok(ExitCode::SUCCESS);
        }
        Cmd::Sources {
            action: Some(SourcesCmd::Import { file }),
            ..
        } => return import(&layout, &settings, file),
        _ => {}
    }
    let live = Arc::new(
        Live::open(layout.clone(), settings.source_limits, || {
            eprintln!(
                "sitrep: no index in {} yet; building it from {}",
                layout.root().display(),
                layout.sources().display()
            )
        })
        .with_context(|| format!("cannot open the index in {}", layout.root().display()))?,
    );
    if matches!(cli.command, Cmd::Serve { .. } | Cmd::Chat) {
        index::vectors::follow(live.clone(), VECTORS_POLL);
    } else {
        embed_new(&live.get());
    }
    let out = std::io::stdout().lock();
    match cli.command {
        Cmd::Ask { jsonl: true, .. } => return ask_lines(&live.get(), out),
        Cmd::Ask { json, question, .. } => return ask(&live.get(), &question.join(" "), json, out),
        Cmd::Search { json, limit, query } => {
            return search(&live.get(), query.join(" "), limit.into(), json, out);
        }
        Cmd::Sources { action, json } => {
            return sources(action, json, &layout, &settings, live, out);
        }
        Cmd::Brief { since } => {
            return run_command(
                &handler(&layout, &settings, live)?,
                Command::Brief { since },
                false,
                out,
            );
        }
        Cmd::Chat => {
            console::run(
                &handler(&layout, &settings, live)?,
                std::io::stdin().lock(),
                out,
            )?;
        }
        Cmd::Serve { mode } => {
            let handler = Arc::new(handler(&layout, &settings, live)?);
            tokio::runtime::Runtime::new()?.block_on(serve(mode, handler, &settings))?;
        }
        Cmd::Eval {
            benchmark: EvalCmd::Questions { file, features },
        } => return eval_questions(&live.get(), &file, features.as_deref()),
        Cmd::Reindex | Cmd::Eval { .. } | Cmd::Bench { .. } => {
            unreachable!("handled above")
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `sitrep sources [add|remove|poll]`: lists, changes or polls the sources as their owner.
fn sources(
    action: Option<SourcesCmd>,
    json: bool,
    layout: &Layout,
    settings: &Settings,
    live: Arc<Live>,
    mut out: impl Write,
) -> anyhow::Result<ExitCode> {
    if json && action.is_none() {
        let report = live.get().report().sources.clone();
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let command = match action {
        None => Command::Sources,
        Some(SourcesCmd::Add { feed: true, target }) => Command::AddSource(NewSource::Feed(target)),
        Some(SourcesCmd::Add { target, .. }) => {
            console::with_local_file(Command::AddSource(NewSource::Page(target)))
                .map_err(|e| anyhow::anyhow!("{e}"))?
        }
        Some(SourcesCmd::Remove { id }) => Command::RemoveSource { id },
        Some(SourcesCmd::Poll) => {
            let handler = handler(layout, settings, live)?;
            let polled = handler.poll_feeds();
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&polled)?)?;
            }
            for polled in polled.into_iter().filter(|_| !json) {
                writeln!(
                    out,
                    "{}: {} added, {} skipped{}",
                    polled.feed,
                    polled.added.len(),
                    polled.skipped.len(),
                    polled
                        .error
                        .map(|e| format!(", error: {e}"))
                        .unwrap_or_default()
                )?;
            }
            return Ok(ExitCode::SUCCESS);
        }
        Some(SourcesCmd::Import { .. }) => unreachable!("run imports before opening the index"),
    };
    let handler = handler(layout, settings, live.clone())?;
    let code = run_command(&handler, command, json, out)?;
    embed_new(&live.get());
    Ok(code)
}

/// `sitrep ask`: the answer, as text or JSON.
fn ask(index: &Index, question: &str, json: bool, mut out: impl Write) -> anyhow::Result<ExitCode> {
    match answer::ask(index, question) {
        Ok(response) if json => writeln!(out, "{}", serde_json::to_string_pretty(&response)?)?,
        Ok(response) => write!(
            out,
            "{}",
            console::render_answer(&response, Emphasis::for_stdout())
        )?,
        Err(error) => return unaskable(error),
    }
    Ok(ExitCode::SUCCESS)
}

/// `sitrep ask --jsonl`: one question per line of stdin, one JSON answer per line out; a
/// question that cannot be asked gets its error in its line.
fn ask_lines(index: &Index, mut out: impl Write) -> anyhow::Result<ExitCode> {
    for line in std::io::stdin().lock().lines() {
        let line = line.context("cannot read stdin")?;
        let value = match answer::ask(index, &line) {
            Ok(response) => serde_json::to_value(&response)?,
            Err(AskError::Question(error)) => serde_json::json!({
                "question": line, "answer": null, "also": [], "related": [],
                "error": error.to_string(),
            }),
            Err(error) => return Err(error.into()),
        };
        writeln!(out, "{value}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `sitrep search`: the best passages, as text or JSON.
fn search(
    index: &Index,
    query: String,
    limit: usize,
    json: bool,
    mut out: impl Write,
) -> anyhow::Result<ExitCode> {
    match answer::search(index, &query, limit, 0) {
        Ok(found) if json => writeln!(out, "{}", serde_json::to_string_pretty(&found)?)?,
        Ok(found) => {
            let passages = Reply::Passages {
                query,
                page: 0,
                found,
            };
            write!(
                out,
                "{}",
                console::render(&passages, Emphasis::for_stdout())
            )?
        }
        Err(error) => return unaskable(error),
    }
    Ok(ExitCode::SUCCESS)
}

/// A question or query that cannot be asked is the user's to fix (exit 2); an index
/// failure is an error.
fn unaskable(error: AskError) -> anyhow::Result<ExitCode> {
    match error {
        AskError::Question(error) => {
            eprintln!("sitrep: {error}");
            Ok(ExitCode::from(2))
        }
        error => Err(error.into()),
    }
}

/// The command handler over the live index, its sources and the state file.
fn handler(layout: &Layout, settings: &Settings, live: Arc<Live>) -> anyhow::Result<Handler> {
    let state_path = settings
        .state
        .clone()
        .unwrap_or_else(|| layout.root().join("state.sqlite"));
    let state = Arc::new(State::open_or_memory(&state_path));
    let fetcher = Fetcher {
        allow_internal: settings.fetch_allow_private.clone(),
        max_bytes: settings.source_limits.max_bytes,
        timeout: settings.fetch_timeout,
    };
    let sources = Arc::new(Sources::new(
        live,
        state.clone(),
        fetcher,
        settings.poll_interval,
    ));
    let tracker = Arc::new(Tracker::new(state, settings.track_max_per_update));
    let (burst, per) = settings.rate_limit;
    Ok(Handler::new(
        sources,
        tracker,
        RateLimiter::new(burst, per),
        settings.track_open,
    ))
}

/// Runs one chat command from the command line as its owner (a moderator), printing the
/// reply (as JSON where it has that form and `json` is asked for); an error reply is a
/// failure.
fn run_command(
    handler: &Handler,
    command: Command,
    json: bool,
    mut out: impl Write,
) -> anyhow::Result<ExitCode> {
    let actor = Actor {
        user: std::env::var("USER").unwrap_or_else(|_| "cli".into()),
        platform: console::PLATFORM,
        room: "console".into(),
        moderator: true,
    };
    let reply = handler.handle(&actor, command);
    if let Reply::Error(error) = reply {
        eprintln!("sitrep: {error}");
        return Ok(ExitCode::FAILURE);
    }
    match json_of(&reply).filter(|_| json) {
        Some(value) => writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?,
        None => write!(out, "{}", console::render(&reply, Emphasis::for_stdout()))?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The JSON form of the replies of `sources add` and `sources remove`.
fn json_of(reply: &Reply) -> Option<serde_json::Value> {
    match reply {
        Reply::SourceAdded(source) => serde_json::to_value(source).ok(),
        Reply::FeedAdded(added) => serde_json::to_value(added).ok(),
        Reply::Removed { id } => Some(serde_json::json!({ "removed": id })),
        _ => None,
    }
}

/// `sitrep serve …`: runs until stopped, polling feeds on the side.
async fn serve(mode: ServeCmd, handler: Arc<Handler>, settings: &Settings) -> anyhow::Result<()> {
    use sitrep::chat::discord::{self, Discord};
    tokio::spawn(sitrep::bot::poll_feeds_forever(handler.clone()));
    if let ServeCmd::Matrix = mode {
        let config = sitrep::chat::matrix::Config::from_settings(&settings.matrix)?;
        eprintln!(
            "sitrep: Matrix bot {} on {}",
            config.user, config.homeserver
        );
        return sitrep::chat::matrix::run(config, handler).await;
    }
    let config = &settings.discord;
    let token = config.token.as_ref().map(|t| t.expose().to_string());
    let rest_client = |token: &str| {
        discord::rest_client(token, config.application_id, config.http_proxy.as_deref())
    };
    let http = token.as_deref().map(|t| Arc::new(rest_client(t)));
    let bot = Arc::new(Discord {
        handler,
        moderator_roles: config.moderator_roles.clone(),
        http,
    });
    tokio::spawn(discord::deliver_alerts(bot.clone()));
    match mode {
        ServeCmd::Discord => {
            let token = token.context("DISCORD_TOKEN is not set (see .env.example)")?;
            let http = rest_client(&token);
            discord::run_gateway(bot, http, config.guild_id).await
        }
        ServeCmd::Matrix => unreachable!("handled above"),
        ServeCmd::Interactions { listen } => {
            let key = config
                .public_key
                .context("DISCORD_PUBLIC_KEY is not set (see .env.example)")?;
            let verifier = serenity::interactions_endpoint::Verifier::try_new(key)
                .map_err(|e| anyhow::anyhow!("DISCORD_PUBLIC_KEY: {e}"))?;
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("cannot listen on {listen}"))?;
            eprintln!(
                "sitrep: Discord interactions endpoint on http://{}",
                listener.local_addr()?
            );
            discord::serve(listener, discord::router(bot, verifier)).await?;
            Ok(())
        }
    }
}

/// `sitrep eval …`: the figures of a benchmark.
fn eval(benchmark: &EvalCmd) -> anyhow::Result<ExitCode> {
    match benchmark {
        EvalCmd::Squad {
            file,
            limit,
            failures,
            unanswerable,
            features,
            json,
            vectors,
        } => {
            let options = sitrep::eval::squad::Options {
                limit: *limit,
                unanswerable: *unanswerable,
            };
            eval_squad(
                file,
                &options,
                failures.as_deref(),
                features.as_deref(),
                vectors.as_deref(),
                *json,
            )
        }
        EvalCmd::Calibrate { files, folds } => calibrate(files, *folds),
        EvalCmd::Questions { .. } => unreachable!("asked over the live index"),
    }
}

/// `sitrep eval questions FILE`: the question set's figures and misses.
fn eval_questions(
    index: &sitrep::index::Index,
    file: &std::path::Path,
    features: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    let cases = sitrep::eval::questions::load(file)?;
    let report = sitrep::eval::questions::evaluate(index, &cases, sink(features)?)?;
    for failure in &report.failures {
        println!("{failure}");
    }
    println!(
        "answerable: {} of {} right ({:.3}); unanswerable: {} of {} refused ({:.3})",
        report.right,
        report.answerable,
        report.right as f64 / report.answerable.max(1) as f64,
        report.refused,
        report.unanswerable,
        report.refused as f64 / report.unanswerable.max(1) as f64
    );
    Ok(ExitCode::SUCCESS)
}

/// A file to write to, or nowhere.
fn sink(path: Option<&std::path::Path>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match path {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(std::io::sink()),
    })
}

/// `sitrep eval squad FILE`: indexes SQuAD in a temporary directory, prints the figures.
fn eval_squad(
    file: &std::path::Path,
    options: &sitrep::eval::squad::Options,
    failures: Option<&std::path::Path>,
    features: Option<&std::path::Path>,
    vectors: Option<&std::path::Path>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let work = std::env::temp_dir().join(format!("sitrep-squad-{}", std::process::id()));
    let started = std::time::Instant::now();
    let kept = work.join(index::vectors::FILE_NAME);
    if let Some(vectors) = vectors.filter(|v| v.exists()) {
        std::fs::create_dir_all(&work)?;
        std::fs::copy(vectors, &kept)
            .with_context(|| format!("cannot read {}", vectors.display()))?;
    }
    let report =
        sitrep::eval::squad::evaluate(file, &work, options, sink(failures)?, sink(features)?);
    if let Some(vectors) = vectors {
        std::fs::copy(&kept, vectors)
            .with_context(|| format!("cannot write {}", vectors.display()))?;
    }
    let _ = std::fs::remove_dir_all(&work);
    let report = report?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "SQuAD open corpus{}: {} articles, {} passages, {} answerable questions in {:.1} s",
        if options.unanswerable {
            " (even paragraphs)"
        } else {
            ""
        },
        report.articles,
        report.passages,
        report.overall.questions,
        started.elapsed().as_secs_f64()
    );
    println!(
        "{:<10} {:>9} {:>6} {:>6} {:>6}",
        "question", "questions", "S@1", "A@1", "null"
    );
    let row = |name: &str, f: &sitrep::eval::squad::Figures| {
        println!(
            "{name:<10} {:>9} {:>6.3} {:>6.3} {:>6.3}",
            f.questions, f.s_at_1, f.a_at_1, f.null
        )
    };
    for (word, figures) in &report.by_question_word {
        row(word, figures);
    }
    row("all", &report.overall);
    println!(
        "longest snippet: {} sentences",
        report.max_snippet_sentences
    );
    if options.unanswerable {
        println!(
            "unanswerable: {} questions, {:.3} refused (at probability {})",
            report.unanswerable,
            report.refused,
            sitrep::answer::MIN_PROBABILITY
        );
        println!(
            "{:>9} {:>9} {:>9} {:>9} {:>9}",
            "threshold", "answered", "precision", "S@1", "refused"
        );
        for c in &report.risk_coverage {
            println!(
                "{:>9.2} {:>9.3} {:>9.3} {:>9.3} {:>9.3}",
                c.threshold, c.answered, c.precision, c.s_at_1, c.refused
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `sitrep eval calibrate FILE…`: the held-out reliability table and the fitted weights.
fn calibrate(files: &[PathBuf], folds: usize) -> anyhow::Result<ExitCode> {
    let c = sitrep::eval::calibrate::calibrate(files, folds.max(2))?;
    println!(
        "{} questions of {} articles, {}-fold by article; held-out predictions:",
        c.questions, c.groups, c.folds
    );
    println!(
        "{:>11} {:>6} {:>9} {:>9}",
        "probability", "count", "predicted", "observed"
    );
    for b in &c.bins {
        println!(
            "{:>4.1}–{:<6.1} {:>6} {:>9.3} {:>9.3}",
            b.lower, b.upper, b.count, b.predicted, b.observed
        );
    }
    println!("ECE {:.4}, log loss {:.4}", c.ece, c.log_loss);
    println!(
        "held out: {:>9} {:>9} {:>9}",
        "threshold", "right", "refused"
    );
    for r in &c.risk_coverage {
        println!(
            "          {:>9.2} {:>9.3} {:>9.3}",
            r.threshold, r.right, r.refused
        );
    }
    println!("fitted on all (a `Model` of src/answer/confidence.rs):");
    let weights: Vec<String> = c.weights.iter().map(|w| format!("{w:.4}")).collect();
    println!(
        "Model {{ bias: {:.4}, weights: [{}] }}",
        c.bias,
        weights.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}

/// `sitrep reindex`: a progress bar on a terminal, a summary line always.
fn reindex(layout: &Layout, settings: &Settings) -> anyhow::Result<ExitCode> {
    let bar = progress_bar("sources");
    let report = index::build(layout, settings.source_limits, |event| show(&bar, event))
        .with_context(|| format!("cannot rebuild the index in {}", layout.root().display()))?;
    bar.finish_and_clear();
    report_build(&report);
    if let Some(index) = index::Index::open(layout)? {
        embed_new(&index);
    }
    Ok(ExitCode::SUCCESS)
}

/// Embeds sentences of the live index that have no vector yet (at most `EMBED_INLINE`),
/// after the index serves: a one-shot command's answers then weigh meaning. Quiet unless
/// on a terminal.
fn embed_new(index: &index::Index) {
    let Some(store) = index.vectors() else {
        return;
    };
    if store.is_filled(index).unwrap_or(true) {
        return;
    }
    let Some(encoder) = sitrep::encoder::shared() else {
        return;
    };
    let bar = progress_bar("sentences embedded");
    if let Err(error) = store.fill(index, encoder, EMBED_INLINE, |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    }) {
        eprintln!("sitrep: answers weigh words alone: {error}");
    }
    bar.finish_and_clear();
}

/// `sitrep sources import FILE`: bad lines on stderr, then the build summary.
fn import(
    layout: &Layout,
    settings: &Settings,
    file: &std::path::Path,
) -> anyhow::Result<ExitCode> {
    let bar = progress_bar("sources");
    let imported = index::import(layout, file, settings.source_limits, |event| {
        show(&bar, event)
    })
    .with_context(|| format!("cannot import {}", file.display()))?;
    bar.finish_and_clear();
    for (line, error) in &imported.rejected {
        eprintln!("sitrep: {}:{line}: {error}", file.display());
    }
    println!(
        "imported {} articles into {} ({} lines left out)",
        imported.articles,
        imported.archive.display(),
        imported.rejected.len()
    );
    report_build(&imported.build);
    if let Some(index) = index::Index::open(layout)? {
        embed_new(&index);
    }
    Ok(ExitCode::SUCCESS)
}

fn progress_bar(what: &str) -> ProgressBar {
    if std::io::stderr().is_terminal() {
        ProgressBar::new(0).with_style(
            ProgressStyle::with_template(&format!(
                "{{spinner}} [{{bar:30}}] {{pos}}/{{len}} {what} {{msg}}"
            ))
            .expect("valid template")
            .progress_chars("=> "),
        )
    } else {
        ProgressBar::hidden()
    }
}

fn show(bar: &ProgressBar, event: BuildEvent) {
    match event {
        BuildEvent::Started { total } => bar.set_length(total as u64),
        BuildEvent::File { name } => {
            bar.set_message(name.to_string());
            bar.inc(1);
        }
        BuildEvent::Committing => bar.set_message("committing"),
    }
}

fn report_build(report: &index::BuildReport) {
    for skipped in report.skipped() {
        eprintln!(
            "sitrep: skipped {}: {}",
            skipped.file,
            skipped.error.as_deref().unwrap_or("")
        );
    }
    println!("{}", console::summary(report));
}
