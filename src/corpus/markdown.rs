//! Markdown sources: optional YAML front matter (title, outlet, url, date) and a CommonMark
//! body reduced to its paragraphs of plain text.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use serde::Deserialize;

use super::{Extracted, PubDate};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FrontMatter {
    title: Option<String>,
    #[serde(alias = "source", alias = "publisher", alias = "site")]
    outlet: Option<String>,
    #[serde(alias = "link")]
    url: Option<String>,
    #[serde(alias = "published", alias = "pubDate")]
    date: Option<serde_norway::Value>,
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
        url: front.url,
        published,
        paragraphs,
    }
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

    #[test]
    fn heading_is_the_title_without_front_matter() {
        let e = extract("# Bridge collapse\n\nA bridge collapsed.\n");
        assert_eq!(e.title.as_deref(), Some("Bridge collapse"));
        assert_eq!(e.published, None);
    }
}
