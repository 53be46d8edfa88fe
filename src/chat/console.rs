//! The console: `sitrep chat` reads commands from the terminal and prints replies as
//! text; `sitrep ask` and `sitrep search` print with the same renderer.

use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal, Write};

use super::render::{self, AnswerView, Piece, Quoted};
use crate::answer::{Found, Response};
use crate::bot::{self, Actor, Command, CommandSpec, Handler, NewSource, Reply, Undelivered};
use crate::index::BuildReport;
use crate::sources::FeedStatus;
use crate::track::{AlertBody, Brief, Kind, Quote};

/// How emphasis is shown: ANSI bold on a terminal, Markdown-style `**` elsewhere, or not
/// at all (for platforms that escape the text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emphasis {
    Ansi,
    Stars,
    Plain,
}

impl Emphasis {
    /// Bold on a terminal, stars when piped.
    pub fn for_stdout() -> Self {
        if std::io::stdout().is_terminal() {
            Emphasis::Ansi
        } else {
            Emphasis::Stars
        }
    }

    fn wrap(self, text: &str) -> String {
        match self {
            Emphasis::Ansi => format!("\x1b[1m{text}\x1b[0m"),
            Emphasis::Stars => format!("**{text}**"),
            Emphasis::Plain => text.to_string(),
        }
    }

    /// Pieces of text with the emphasised ones marked.
    fn marked(self, pieces: &[Piece]) -> String {
        render::markup(pieces, str::to_string, |t| self.wrap(t))
    }
}

/// Renders a reply as plain text.
pub fn render(reply: &Reply, emphasis: Emphasis) -> String {
    match reply {
        Reply::Answer(response) => render_answer(response, emphasis),
        Reply::Passages { query, found, .. } => render_passages(query, found, emphasis),
        Reply::Sources { report, feeds } => render_sources(report, feeds),
        Reply::SourceAdded(source) => format!(
            "Added {} ({} passages): {}\n",
            source.id,
            source.passages,
            source.title.as_deref().unwrap_or("untitled")
        ),
        Reply::FeedAdded(added) => {
            let mut out = format!(
                "Added the feed {} ({}); polled now: {} new articles{}.\n",
                added.id,
                added.title.as_deref().unwrap_or("untitled"),
                added.poll.added.len(),
                added
                    .poll
                    .error
                    .as_deref()
                    .map(|e| format!(", error: {e}"))
                    .unwrap_or_default()
            );
            for skipped in &added.poll.skipped {
                let _ = writeln!(out, "  skipped {skipped}");
            }
            out
        }
        Reply::Removed { id } => format!("Removed {id}.\n"),
        Reply::Subscribed(s) => format!(
            "Tracking #{} here: “{}”. I'll post {}.\n",
            s.id,
            s.query,
            match s.kind {
                Kind::Search => "new passages with these words after each update",
                Kind::Question => "when the answer changes",
            }
        ),
        Reply::Subscriptions(list) if list.is_empty() => {
            "Nothing is tracked in this channel; `track add <words>` or `track ask <question>`.\n"
                .into()
        }
        Reply::Subscriptions(list) => {
            let mut out = String::new();
            for s in list {
                let kind = match s.kind {
                    Kind::Search => "search",
                    Kind::Question => "question",
                };
                let _ = writeln!(out, "#{}  {kind}: {}  (by {})", s.id, s.query, s.created_by);
            }
            out
        }
        Reply::Unsubscribed { id } => format!("Stopped tracking #{id}.\n"),
        Reply::Brief(brief) => render_brief(brief),
        Reply::Alert(alert) => render_alert(alert),
        Reply::Help { commands } => render_help(commands),
        Reply::Reindexed(report) => summary(report),
        Reply::Error(error) => format!("Sorry: {error}."),
    }
}

pub fn render_answer(response: &Response, emphasis: Emphasis) -> String {
    let mut out = String::new();
    let (span, date, sources, differ) = match AnswerView::of(response) {
        AnswerView::NoAnswer { nearest } => {
            out.push_str("No answer: none of the sources says that.\n");
            if !nearest.is_empty() {
                out.push_str("Nearest passages:\n");
                for q in &nearest {
                    let _ = writeln!(out, "  [{}] “{}”", q.number, q.cited.snippet);
                    let _ = writeln!(out, "      — {}", cited_by(q));
                }
            }
            return out;
        }
        AnswerView::Answer {
            span,
            date,
            sources,
            differ,
        } => (span, date, sources, differ),
    };
    if let Some(span) = span {
        out.push_str(&emphasis.wrap(span));
        if let Some(date) = date {
            let _ = write!(out, " (= {date})");
        }
        out.push('\n');
    }
    let (answer, also) = sources.split_first().expect("an answer has its source");
    let _ = writeln!(out, "“{}”", emphasis.marked(&answer.quote));
    let _ = writeln!(
        out,
        "  — [1] {} (passage {}){}",
        answer.citation,
        answer.cited.passage,
        answer
            .copies
            .as_deref()
            .map(|o| format!("; {o}"))
            .unwrap_or_default()
    );
    if !also.is_empty() {
        out.push_str("Also:\n");
        for q in also {
            let verdict = q.verdict.map(|v| format!(" ({v})")).unwrap_or_default();
            let _ = writeln!(
                out,
                "  [{}] “{}”{verdict}",
                q.number,
                emphasis.marked(&q.quote)
            );
            let _ = writeln!(out, "      — {}", cited_by(q));
        }
    }
    if !differ.is_empty() {
        let _ = writeln!(out, "Sources differ: {}.", differ.join(", "));
    }
    out
}

/// "citation; also reported by …".
fn cited_by(quoted: &Quoted) -> String {
    match &quoted.copies {
        Some(copies) => format!("{}; {copies}", quoted.citation),
        None => quoted.citation.clone(),
    }
}

fn render_passages(query: &str, found: &[Found], emphasis: Emphasis) -> String {
    if found.is_empty() {
        return format!("No passage matches “{query}”.\n");
    }
    let mut out = String::new();
    for (n, f) in found.iter().enumerate() {
        let _ = writeln!(
            out,
            "[{}] {} (passage {}, score {:.2})\n    {}",
            n + 1,
            render::citation(&f.source),
            f.passage,
            f.score,
            emphasis.marked(&render::pieces(&f.text, &f.highlights))
        );
    }
    out
}

/// A quoted passage or sentence with its citation, and the outlets that reprinted it.
pub fn render_quote(quote: &Quote) -> String {
    let mut out = format!("“{}”\n  — {}", quote.text, render::citation(&quote.source));
    if let Some(others) = render::also_reported_by(&quote.also_reported_by) {
        let _ = write!(out, "; {others}");
    }
    out.push('\n');
    out
}

fn render_alert(alert: &AlertBody) -> String {
    match alert {
        AlertBody::Passage { query, quote } => {
            format!("New on “{query}”:\n{}", render_quote(quote))
        }
        AlertBody::More { query, count } => {
            format!("…and {count} more new passages on “{query}”; `search {query}` lists them.\n")
        }
        AlertBody::AnswerChanged {
            question,
            old,
            new,
            differing,
        } => {
            let said = |q: &Option<Box<Quote>>| match q {
                Some(q) => format!(
                    "{}{}",
                    q.answer
                        .as_deref()
                        .map(|a| format!("{a}: "))
                        .unwrap_or_default(),
                    render_quote(q)
                ),
                None => "no answer\n".into(),
            };
            let mut out = format!(
                "The answer to “{question}” changed.\nNow: {}Before: {}",
                said(new),
                said(old)
            );
            for q in differing {
                let _ = write!(
                    out,
                    "Differs: {}{}",
                    q.answer
                        .as_deref()
                        .map(|a| format!("{a}: "))
                        .unwrap_or_default(),
                    render_quote(q)
                );
            }
            out
        }
    }
}

fn render_brief(brief: &Brief) -> String {
    if brief.stories.is_empty() {
        return format!(
            "Nothing was added since {}.\n",
            brief.since.format("%Y-%m-%d %H:%M UTC")
        );
    }
    let mut out = format!(
        "Added since {}:\n",
        brief.since.format("%Y-%m-%d %H:%M UTC")
    );
    for story in &brief.stories {
        let _ = writeln!(
            out,
            "\n{}",
            story.headline.as_deref().unwrap_or("Other reporting")
        );
        for item in &story.items {
            let _ = write!(out, "• {}", render_quote(item));
        }
    }
    out
}

fn render_sources(report: &BuildReport, feeds: &[FeedStatus]) -> String {
    let mut out = String::new();
    for s in &report.sources {
        match &s.error {
            None => {
                let _ = writeln!(
                    out,
                    "{}  {} passages  {}  {}  {}",
                    s.id,
                    s.passages,
                    s.published
                        .map_or_else(|| "undated".into(), |d| d.to_string()),
                    s.outlet.as_deref().unwrap_or("-"),
                    s.title.as_deref().unwrap_or("-"),
                );
            }
            Some(error) => {
                let _ = writeln!(out, "{}  SKIPPED: {error}", s.file);
            }
        }
    }
    let _ = writeln!(out, "{}", summary(report));
    let time = |t: Option<i64>| {
        t.and_then(|t| chrono::DateTime::from_timestamp(t, 0))
            .map_or_else(
                || "never".to_string(),
                |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
            )
    };
    for feed in feeds {
        let _ = writeln!(
            out,
            "feed {}  {}  last fetch {}, next poll {}{}",
            feed.id,
            feed.url,
            time(feed.last_fetch),
            time(feed.next_poll),
            feed.last_error
                .as_deref()
                .map(|e| format!(", last error ({} in a row): {e}", feed.failures))
                .unwrap_or_default()
        );
    }
    out
}

/// One line: what a build indexed and skipped, and how long it took.
pub fn summary(report: &BuildReport) -> String {
    let indexed = report.sources.iter().filter(|s| s.error.is_none()).count();
    let skipped: Vec<String> = report
        .skipped()
        .map(|s| format!("{} ({})", s.file, s.error.as_deref().unwrap_or("")))
        .collect();
    let mut line = format!(
        "{indexed} sources, {} passages, {:.1} kB of text indexed in {:.2} s",
        report.passages(),
        report.text_bytes as f64 / 1000.0,
        report.elapsed_ms as f64 / 1000.0
    );
    if !skipped.is_empty() {
        let _ = write!(line, "; skipped {}: {}", skipped.len(), skipped.join("; "));
    }
    line
}

fn render_help(commands: &[&'static CommandSpec]) -> String {
    let mut out = String::from("Ask a question, or use a command:\n");
    for (usage, summary) in render::help(commands) {
        let _ = writeln!(out, "  {usage:<28} {summary}");
    }
    out
}

/// Runs the interactive console until end of input or `quit`.
pub fn run(handler: &Handler, input: impl BufRead, mut output: impl Write) -> std::io::Result<()> {
    let actor = Actor {
        user: "console".into(),
        platform: PLATFORM,
        room: "console".into(),
        // Whoever runs the console owns the index files.
        moderator: true,
    };
    let interactive = std::io::stdin().is_terminal();
    let emphasis = Emphasis::for_stdout();
    if interactive {
        writeln!(
            output,
            "sitrep console — ask a question, `help` for commands, `quit` to leave."
        )?;
    }
    let mut lines = input.lines();
    loop {
        if interactive {
            write!(output, "sitrep> ")?;
            output.flush()?;
        }
        let Some(line) = lines.next().transpose()? else {
            break;
        };
        if matches!(line.trim(), "quit" | "exit") {
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        let reply = match bot::parse(&line).and_then(with_local_file) {
            Ok(command) => handler.handle(&actor, command),
            Err(error) => Reply::Error(error),
        };
        writeln!(output, "{}", render(&reply, emphasis))?;
        // Alerts for the console's own subscriptions, after each command.
        handler.deliver_alerts(PLATFORM, |alert| {
            writeln!(
                output,
                "{}",
                render(&Reply::Alert(alert.body.clone()), emphasis)
            )
            .map_err(|e| Undelivered::Failed(e.to_string()))
        });
    }
    Ok(())
}

/// The console's platform name in subscriptions.
pub const PLATFORM: &str = "console";

/// `sources add PATH` on the console (and the command line) adds a local file.
pub fn with_local_file(command: Command) -> Result<Command, bot::UserError> {
    match command {
        Command::AddSource(NewSource::Page(path)) if std::path::Path::new(&path).is_file() => {
            let bytes = std::fs::read(&path)
                .map_err(|e| bot::UserError::Refused(format!("cannot read {path}: {e}")))?;
            let name = std::path::Path::new(&path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok(Command::AddSource(NewSource::Upload { name, bytes }))
        }
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_answer() {
        let text = render_answer(&render::disputed_answer(), Emphasis::Stars);
        insta::assert_snapshot!("answer", text);
    }
}
