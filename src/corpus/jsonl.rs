//! JSON Lines archives: one article per line, `{"id", "title", "outlet", "url",
//! "published", "text"}` (all but `id` and `text` optional; blank lines in `text`
//! separate passages). Bad lines are reported with their number; the rest are read.

use std::io::BufRead;

use serde::Deserialize;

use super::{Article, Extracted, Passages, PubDate, SourceError, split};

/// One line of an archive, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    id: String,
    title: Option<String>,
    outlet: Option<String>,
    url: Option<String>,
    published: Option<String>,
    text: String,
}

/// A line of an archive: its 1-based number and the article or why it is unusable.
pub struct Line {
    pub number: usize,
    /// The line as written, to copy good lines verbatim on import.
    pub raw: String,
    pub article: Result<Article, SourceError>,
}

/// Reads an archive line by line; blank lines are skipped. A line that is not UTF-8 is
/// reported and the next ones read; a read error is reported and ends it.
pub fn lines(reader: impl BufRead, max_text_bytes: u64) -> impl Iterator<Item = Line> {
    let invalid = |message: String| SourceError::InvalidRecord { message };
    let mut failed = false;
    reader
        .split(b'\n')
        .enumerate()
        .map_while(move |(i, bytes)| {
            if failed {
                return None;
            }
            let number = i + 1;
            let line = |raw: String, article| Line {
                number,
                raw,
                article,
            };
            Some(match bytes.map(String::from_utf8) {
                Ok(Ok(mut raw)) => {
                    if raw.ends_with('\r') {
                        raw.pop();
                    }
                    if raw.trim().is_empty() {
                        return Some(None);
                    }
                    let article = parse(&raw, max_text_bytes);
                    Some(line(raw, article))
                }
                Ok(Err(_)) => Some(line(String::new(), Err(invalid("not valid UTF-8".into())))),
                Err(e) => {
                    failed = true;
                    Some(line(
                        String::new(),
                        Err(invalid(format!("cannot read: {e}"))),
                    ))
                }
            })
        })
        .flatten()
}

fn parse(raw: &str, max_text_bytes: u64) -> Result<Article, SourceError> {
    let invalid = |message: String| SourceError::InvalidRecord { message };
    let record: Record = serde_json::from_str(raw).map_err(|e| invalid(e.to_string()))?;
    let id = record.id.trim();
    if id.is_empty() || id.contains(['/', '\\']) || id.chars().any(char::is_control) {
        return Err(invalid(format!("unusable id {:?}", record.id)));
    }
    if record.text.len() as u64 > max_text_bytes {
        return Err(SourceError::TooLarge {
            size: record.text.len() as u64,
            limit: max_text_bytes,
        });
    }
    if record.text.trim().is_empty() {
        return Err(SourceError::Empty);
    }
    let published = match record.published.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(
            PubDate::parse(text)
                .ok_or_else(|| invalid(format!("published is not a date: {text:?}")))?,
        ),
    };
    let paragraphs = split::paragraphs(&record.text)
        .into_iter()
        .map(|r| record.text[r].to_string())
        .collect();
    let non_empty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    Article::new(
        id.to_string(),
        Extracted {
            title: non_empty(record.title),
            outlet: non_empty(record.outlet),
            author: None,
            url: non_empty(record.url),
            published,
            paragraphs,
        },
        Passages::AsGiven,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_that_is_not_utf8_is_reported_and_the_rest_read() {
        let archive = b"{\"id\": \"a\", \"text\": \"One.\"}\n\xff\n{\"id\": \"b\", \"text\": \"Two.\"}\r\n{\"id\": \"c\", \"text\": \"Three.\"}\n";
        let read: Vec<Line> = lines(&archive[..], 1 << 20).collect();
        let numbers = |ok: bool| -> Vec<usize> {
            read.iter()
                .filter(|l| l.article.is_ok() == ok)
                .map(|l| l.number)
                .collect()
        };
        assert_eq!(numbers(true), [1, 3, 4]);
        assert_eq!(numbers(false), [2]);
    }

    #[test]
    fn reads_good_lines_and_numbers_bad_ones() {
        let archive = r#"{"id": "a", "title": "T", "published": "2025-06", "text": "One.\n\nTwo."}

{"id": "b", "text": ""}
not json
{"id": "c", "text": "x", "published": "June"}
{"id": "d", "text": "x", "colour": "red"}
{"id": "e", "text": "Fine."}
"#;
        let lines: Vec<Line> = lines(archive.as_bytes(), 1000).collect();
        let numbers: Vec<(usize, bool)> = lines
            .iter()
            .map(|l| (l.number, l.article.is_ok()))
            .collect();
        assert_eq!(
            numbers,
            [
                (1, true),
                (3, false),
                (4, false),
                (5, false),
                (6, false),
                (7, true)
            ]
        );
        let a = lines[0].article.as_ref().unwrap();
        assert_eq!(a.passages.len(), 2);
        assert_eq!(a.published.unwrap().to_string(), "2025-06");
        assert_eq!(lines[1].article.as_ref().unwrap_err(), &SourceError::Empty);
        let message = lines[3].article.as_ref().unwrap_err().to_string();
        assert!(message.contains("published is not a date"), "{message}");
        assert!(
            lines[4]
                .article
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("colour")
        );
    }
}
