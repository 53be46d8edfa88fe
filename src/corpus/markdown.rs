//! Markdown sources: optional YAML front matter (title, outlet, url, date, and for fetched
//! articles where and when they came from) and a CommonMark body reduced to its paragraphs
//! of plain text. `write` produces the same format, so a fetched article is a readable file.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

use super::{Extracted, PubDate};

/// The front matter sitrep reads, and writes for the articles it fetches.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct FrontMatter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(
        alias = "source",
        alias = "publisher",
        alias = "site",
        skip_serializing_if = "Option::is_none"
    )]
    pub outlet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(alias = "link", skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(
        alias = "published",
        alias = "pubDate",
        skip_serializing_if = "Option::is_none"
    )]
    pub date: Option<serde_norway::Value>,
    /// When sitrep fetched the article (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fetched: Option<String>,
    /// Who added it: a moderator, or the feed it came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added_by: Option<String>,
}

pub fn extract(text: &str) -> Extracted {
    let (front, body) = split_front_matter(text);
    let front: FrontMatter = front
        .and_then(|f| serde_norway::from_str(f).ok())
        .unwrap_or_default();
    let published = front.date.as_ref().and_then(|v| match v {
        serde_norway::Value::String(s) => PubDate::parse(s),
        serde_norway::Value::Number(n) => PubDate::parse(&n.to_string()),
        _ => None,
    });
    let (heading, paragraphs) = paragraphs(body);
    Extracted {
        title: front.title.or(heading),
        outlet: front.outlet,
        author: front.author,
        url: front.url,
        published,
        paragraphs,
    }
}

/// Why a source's front matter cannot be read, if it has one that cannot.
pub fn front_matter_error(text: &str) -> Option<String> {
    let front = split_front_matter(text).0?;
    serde_norway::from_str::<FrontMatter>(front)
        .err()
        .map(|e| e.to_string())
}

/// A Markdown source: `front` as YAML front matter, then each paragraph escaped so that
/// reading the file back yields exactly these paragraphs.
pub fn write(front: &FrontMatter, paragraphs: &[String]) -> String {
    let yaml = serde_norway::to_string(front).expect("front matter serializes");
    let mut out = format!("---\n{yaml}---\n");
    for paragraph in paragraphs {
        out.push('\n');
        out.push_str(&escape(&super::split::normalize_whitespace(paragraph)));
        out.push('\n');
    }
    out
}

/// Escapes what CommonMark would read as markup in a one-line paragraph.
fn escape(paragraph: &str) -> String {
    let mut out = String::with_capacity(paragraph.len() + 8);
    // A list number ("1." or "1)") at the start would make an ordered list.
    let digits = paragraph.bytes().take_while(u8::is_ascii_digit).count();
    let numbered = digits > 0 && matches!(paragraph.as_bytes().get(digits), Some(b'.' | b')'));
    for (i, c) in paragraph.char_indices() {
        let block_start = i == 0 && matches!(c, '#' | '>' | '-' | '+' | '=' | '~' | '|');
        let inline = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '!'
        );
        if block_start || inline || (numbered && i == digits) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn split_front_matter(text: &str) -> (Option<&str>, &str) {
    let text = text.trim_start_matches('\u{feff}');
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return (None, text);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return (Some(&rest[..offset]), &rest[offset + line.len()..]);
        }
        offset += line.len();
    }
    (None, text)
}

/// The first top-level heading, and the text of every paragraph, list item and quote.
fn paragraphs(body: &str) -> (Option<String>, Vec<String>) {
    let mut title = None;
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_heading: Option<HeadingLevel> = None;
    for event in Parser::new(body) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => in_heading = Some(level),
            Event::End(TagEnd::Heading(_)) => {
                if in_heading == Some(HeadingLevel::H1) && title.is_none() {
                    title = Some(current.trim().to_string());
                }
                current.clear();
                in_heading = None;
            }
            Event::Text(t) | Event::Code(t) => current.push_str(&t),
            Event::SoftBreak | Event::HardBreak => current.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::BlockQuote(_))
                if in_heading.is_none() =>
            {
                if !current.trim().is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                current.clear();
            }
            _ => {}
        }
    }
    (title, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_front_matter_and_plain_paragraphs() {
        let md = "---\ntitle: Talks resume\noutlet: Example Wire\ndate: 2025-06-02\n---\n# Ignored heading\n\nTalks **resumed** in [Istanbul](https://example.org)\non Monday.\n\n- A list item.\n";
        let e = extract(md);
        assert_eq!(e.title.as_deref(), Some("Talks resume"));
        assert_eq!(e.outlet.as_deref(), Some("Example Wire"));
        assert_eq!(e.published.unwrap().to_string(), "2025-06-02");
        assert_eq!(
            e.paragraphs,
            ["Talks resumed in Istanbul on Monday.", "A list item."]
        );
    }

    proptest::proptest! {
        #[test]
        fn written_paragraphs_read_back_unchanged(
            paragraphs in proptest::collection::vec("[ a-zA-Z0-9#>*_`\\[\\]<&!.)=+~|\\\\-]{1,40}", 1..4),
        ) {
            let paragraphs: Vec<String> = paragraphs
                .iter()
                .map(|p| crate::corpus::split::normalize_whitespace(p))
                .filter(|p| !p.is_empty())
                .collect();
            let front = FrontMatter { title: Some("T: a \"title\"".into()), ..Default::default() };
            let e = extract(&write(&front, &paragraphs));
            proptest::prop_assert_eq!(e.title.as_deref(), Some("T: a \"title\""));
            proptest::prop_assert_eq!(e.paragraphs, paragraphs);
        }
    }

    #[test]
    fn broken_front_matter_is_an_error_with_its_reason() {
        assert_eq!(front_matter_error("---\ntitle: Fine\n---\nText.\n"), None);
        assert_eq!(front_matter_error("No front matter.\n"), None);
        let error = front_matter_error("---\ntitle: [unclosed\n---\nText.\n");
        assert!(error.is_some_and(|e| !e.is_empty()));
    }

    #[test]
    fn heading_is_the_title_without_front_matter() {
        let e = extract("# Bridge collapse\n\nA bridge collapsed.\n");
        assert_eq!(e.title.as_deref(), Some("Bridge collapse"));
        assert_eq!(e.published, None);
    }
}
