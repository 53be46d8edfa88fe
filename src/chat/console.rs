//! The console: `sitrep chat` reads commands from the terminal and prints replies as
//! text; `sitrep ask` and `sitrep search` print with the same renderer.

use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal, Write};
use std::ops::Range;

use crate::answer::{Cited, Found, Response};
use crate::bot::{self, Actor, COMMANDS, Handler, Permission, Reply};
use crate::index::BuildReport;

/// How emphasis is shown: ANSI bold on a terminal, Markdown-style `**` elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emphasis {
    Ansi,
    Stars,
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
        }
    }

    /// `text` with the given byte ranges emphasised.
    fn mark(self, text: &str, ranges: &[Range<usize>]) -> String {
        let mut out = String::new();
        let mut at = 0;
        for r in ranges {
            if r.start < at || r.end > text.len() {
                continue;
            }
            out.push_str(&text[at..r.start]);
            out.push_str(&self.wrap(&text[r.clone()]));
            at = r.end;
        }
        out.push_str(&text[at..]);
        out
    }
}

/// Renders a reply as plain text.
pub fn render(reply: &Reply, emphasis: Emphasis) -> String {
    match reply {
        Reply::Answer(response) => render_answer(response, emphasis),
        Reply::Passages { query, found, .. } => render_passages(query, found, emphasis),
        Reply::Sources(report) => render_sources(report),
        Reply::Help { moderator } => render_help(*moderator),
        Reply::Reindexed(report) => summary(report),
        Reply::Error(error) => format!("Sorry: {error}."),
    }
}

pub fn render_answer(response: &Response, emphasis: Emphasis) -> String {
    let mut out = String::new();
    let Some(answer) = &response.answer else {
        out.push_str("No answer: none of the sources says that.\n");
        if !response.related.is_empty() {
            out.push_str("Nearest passages:\n");
            for (n, cited) in response.related.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "  [{}] “{}”\n      — {}",
                    n + 1,
                    cited.snippet,
                    bot::citation(&cited.source)
                );
            }
        }
        return out;
    };
    if let Some(text) = &answer.text {
        let _ = write!(out, "{}", emphasis.wrap(text));
        if let Some(date) = answer.date {
            let _ = write!(out, " (= {})", date.format("%A %-d %B %Y"));
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "“{}”",
        emphasis.mark(&answer.snippet, answer.span.as_slice())
    );
    let _ = writeln!(
        out,
        "  — [1] {} (passage {})",
        bot::citation(&answer.source),
        answer.passage
    );
    if !response.also.is_empty() {
        out.push_str("Also:\n");
        for (n, cited) in response.also.iter().enumerate() {
            let verdict = match cited.agrees {
                Some(true) => " (agrees)",
                Some(false) => " (differs)",
                None => "",
            };
            let _ = writeln!(
                out,
                "  [{}] “{}”{verdict}\n      — {}",
                n + 2,
                emphasis.mark(&cited.snippet, cited.span.as_slice()),
                bot::citation(&cited.source)
            );
        }
    }
    if response.sources_differ() {
        let _ = writeln!(
            out,
            "Sources differ: {}.",
            differing(answer, &response.also)
        );
    }
    out
}

/// "41 ([1]), around 40 ([2]), dozens ([3])".
fn differing(answer: &Cited, also: &[Cited]) -> String {
    std::iter::once(answer)
        .chain(also)
        .enumerate()
        .filter_map(|(n, c)| Some(format!("{} [{}]", c.text.as_deref()?, n + 1)))
        .collect::<Vec<_>>()
        .join(", ")
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
            bot::citation(&f.source),
            f.passage,
            f.score,
            emphasis.mark(&f.text, &f.highlights)
        );
    }
    out
}

fn render_sources(report: &BuildReport) -> String {
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

fn render_help(moderator: bool) -> String {
    let mut out = String::from("Ask a question, or use a command:\n");
    for spec in COMMANDS {
        if spec.permission == Permission::Moderator && !moderator {
            continue;
        }
        let usage = match &spec.argument {
            Some(arg) => format!("{} <{}>", spec.name, arg.name),
            None => spec.name.to_string(),
        };
        let _ = writeln!(out, "  {usage:<20} {}", spec.summary);
    }
    out
}

/// Runs the interactive console until end of input or `quit`.
pub fn run(handler: &Handler, input: impl BufRead, mut output: impl Write) -> std::io::Result<()> {
    let actor = Actor {
        user: "console".into(),
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
        let reply = match bot::parse(&line) {
            Ok(command) => handler.handle(&actor, command),
            Err(error) => Reply::Error(error),
        };
        writeln!(output, "{}", render(&reply, emphasis))?;
    }
    Ok(())
}
