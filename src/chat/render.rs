//! What a reply says, decided once for every platform: the facts of an answer (the span
//! and its resolved date, the quote, the numbered sources with whether they agree, where
//! they differ, or the nearest passages), citations, and the commands a help lists.
//! Console, Discord and Matrix put these facts into their own markup and nothing more.

use std::ops::Range;

use crate::answer::{Cited, Response};
use crate::bot::CommandSpec;
use crate::index::SourceInfo;

/// A stretch of text, emphasised or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece<'a> {
    pub text: &'a str,
    pub bold: bool,
}

/// `text` cut into pieces with `ranges` emphasised. A range that overlaps an earlier one,
/// runs past the end or splits a character is left plain.
pub fn pieces<'a>(text: &'a str, ranges: &[Range<usize>]) -> Vec<Piece<'a>> {
    let mut out = Vec::new();
    let mut at = 0;
    for r in ranges {
        if r.start < at
            || r.end > text.len()
            || r.start >= r.end
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            continue;
        }
        if at < r.start {
            out.push(Piece {
                text: &text[at..r.start],
                bold: false,
            });
        }
        out.push(Piece {
            text: &text[r.clone()],
            bold: true,
        });
        at = r.end;
    }
    if at < text.len() {
        out.push(Piece {
            text: &text[at..],
            bold: false,
        });
    }
    out
}

/// Pieces in a platform's markup: each escaped, the emphasised ones then wrapped.
pub fn markup(
    pieces: &[Piece],
    escape: impl Fn(&str) -> String,
    emphasise: impl Fn(&str) -> String,
) -> String {
    pieces
        .iter()
        .map(|p| match p.bold {
            true => emphasise(&escape(p.text)),
            false => escape(p.text),
        })
        .collect()
}

/// The citation of a source as every platform shows it: title (or id), outlet, date.
pub fn citation(source: &SourceInfo) -> String {
    let mut parts = vec![match &source.title {
        Some(title) => format!("“{title}” ({})", source.id),
        None => source.id.clone(),
    }];
    parts.extend(source.outlet.clone());
    parts.push(
        source
            .published
            .map_or_else(|| "undated".to_string(), |d| d.to_string()),
    );
    parts.join(", ")
}

/// "also reported by …": the outlets (or ids) that carried a copy of the same text.
pub fn also_reported_by(sources: &[SourceInfo]) -> Option<String> {
    if sources.is_empty() {
        return None;
    }
    let names: Vec<String> = sources
        .iter()
        .map(|s| s.outlet.clone().unwrap_or_else(|| s.id.clone()))
        .collect();
    Some(format!("also reported by {}", names.join(", ")))
}

/// A source's address, when it is one a reader can follow.
pub fn link(source: &SourceInfo) -> Option<&str> {
    source
        .url
        .as_deref()
        .filter(|url| url.starts_with("https://") || url.starts_with("http://"))
}

/// One quoted, numbered source of a reply.
#[derive(Debug)]
pub struct Quoted<'a> {
    /// Its number in the reply: `[1]` is the answer.
    pub number: usize,
    pub cited: &'a Cited,
    /// The snippet, with the answer span emphasised.
    pub quote: Vec<Piece<'a>>,
    pub citation: String,
    pub link: Option<&'a str>,
    /// "also reported by …".
    pub copies: Option<String>,
    /// Whether it says the same as the answer: "agrees" or "differs".
    pub verdict: Option<&'static str>,
}

impl<'a> Quoted<'a> {
    fn of(number: usize, cited: &'a Cited) -> Self {
        Quoted {
            number,
            cited,
            quote: pieces(&cited.snippet, cited.span.as_slice()),
            citation: citation(&cited.source),
            link: link(&cited.source),
            copies: also_reported_by(&cited.also_reported_by),
            verdict: cited.agrees.map(|a| if a { "agrees" } else { "differs" }),
        }
    }
}

/// An answer's facts, in the order every platform shows them.
#[derive(Debug)]
pub enum AnswerView<'a> {
    Answer {
        /// The answer span.
        span: Option<&'a str>,
        /// A relative date in the span resolved: "Sunday 1 June 2025".
        date: Option<String>,
        /// The answer's source first, then the other sources that answer.
        sources: Vec<Quoted<'a>>,
        /// When the sources give different answers, each one's: "41 [1]", "around 40 [2]".
        differ: Vec<String>,
    },
    /// None of the sources says it; the nearest passages.
    NoAnswer { nearest: Vec<Quoted<'a>> },
}

impl<'a> AnswerView<'a> {
    pub fn of(response: &'a Response) -> Self {
        let Some(answer) = &response.answer else {
            return AnswerView::NoAnswer {
                nearest: numbered(&response.related),
            };
        };
        let sources: Vec<Quoted> = std::iter::once(answer)
            .chain(&response.also)
            .enumerate()
            .map(|(n, c)| Quoted::of(n + 1, c))
            .collect();
        let differ = if response.sources_differ() {
            sources
                .iter()
                .filter_map(|q| Some(format!("{} [{}]", q.cited.text.as_deref()?, q.number)))
                .collect()
        } else {
            Vec::new()
        };
        AnswerView::Answer {
            span: answer.text.as_deref(),
            date: answer.date.map(|d| d.format("%A %-d %B %Y").to_string()),
            sources,
            differ,
        }
    }
}

/// Entries numbered from 1.
pub fn numbered(entries: &[Cited]) -> Vec<Quoted<'_>> {
    entries
        .iter()
        .enumerate()
        .map(|(n, c)| Quoted::of(n + 1, c))
        .collect()
}

/// The lines of a help: each command's usage (`track add <query>`, `brief [since]`) and
/// what it does.
pub fn help(commands: &[&'static CommandSpec]) -> Vec<(String, &'static str)> {
    commands.iter().map(|c| (c.usage(), c.summary)).collect()
}

/// An answer whose sources disagree, with a resolved date, a copy and a link: what the
/// platforms' snapshot tests render.
#[cfg(test)]
pub(crate) fn disputed_answer() -> Response {
    use crate::corpus::PubDate;
    let cited = |id: &str, outlet: &str, snippet: &str, span: &str, date: &str| {
        let start = snippet.find(span).expect("span in snippet");
        Cited {
            text: Some(span.into()),
            snippet: snippet.into(),
            score: 0.9,
            source: SourceInfo {
                id: id.into(),
                outlet: Some(outlet.into()),
                title: Some(format!("Bombers hit *deep* in Russia ({outlet})")),
                published: PubDate::parse("2025-06-02"),
                url: Some(format!("https://{}.example/story", outlet.to_lowercase())),
            },
            passage: 3,
            date: chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok(),
            agrees: None,
            also_reported_by: Vec::new(),
            span: Some(start..start + span.len()),
        }
    };
    let mut answer = cited(
        "001_wire",
        "Wire",
        "The bombers were hit on Sunday, @everyone heard <b>officials</b> say.",
        "Sunday",
        "2025-06-01",
    );
    answer.also_reported_by = vec![answer.source.clone()];
    answer.also_reported_by[0].outlet = Some("Reprint Daily".into());
    let mut earlier = cited(
        "002_daily",
        "Daily",
        "Officials said the strike came on Saturday night.",
        "Saturday",
        "2025-05-31",
    );
    earlier.agrees = Some(false);
    Response {
        question: "when were the bombers hit?".into(),
        answer: Some(answer),
        also: vec![earlier],
        related: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_skip_ranges_that_split_characters_or_overlap() {
        let text = "größte 41 Flugzeuge";
        let at = text.find("41").unwrap();
        let plain = |t| Piece {
            text: t,
            bold: false,
        };
        let bold = |t| Piece {
            text: t,
            bold: true,
        };
        assert_eq!(
            pieces(text, std::slice::from_ref(&(at..at + 2))),
            vec![plain("größte "), bold("41"), plain(" Flugzeuge")]
        );
        // 3..4 falls inside "ö"; the second range overlaps the first; 40..41 is past the end.
        assert_eq!(
            pieces(text, &[3..4, at..at + 2, at..at + 1, 40..41]),
            vec![plain("größte "), bold("41"), plain(" Flugzeuge")]
        );
        assert_eq!(pieces("", &[]), vec![]);
    }
}
