//! HTML sources: the article is found by dom_smoothie (a port of Mozilla's Readability),
//! then checked by the same prose test as text scrapes, so a page with no article fails.

use dom_smoothie::{Config, Readability, TextMode};

use super::boilerplate;
use super::{Extracted, PubDate};

/// Deeper nesting than this is no article layout; Readability's time grows with the square
/// of the depth (8,000 nested `<div>`s took 12 s), so such a page is read as plain text.
const MAX_NESTING: usize = 200;

/// Elements that never hold others.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Elements whose end starts a new line of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "article",
    "section",
    "blockquote",
    "header",
    "footer",
    "nav",
    "ul",
    "ol",
    "table",
    "title",
];

pub fn extract(html: &str) -> Extracted {
    if max_nesting(html) > MAX_NESTING {
        return super::text::extract(&plain_text(html));
    }
    let config = Config {
        text_mode: TextMode::Formatted,
        ..Default::default()
    };
    let Ok(mut readability) = Readability::new(html, None, Some(config)) else {
        return Extracted::default();
    };
    let Ok(article) = readability.parse() else {
        return Extracted::default();
    };
    let text = article.text_content.to_string();
    let blocks: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let selection = boilerplate::select(&blocks);
    let non_empty = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    Extracted {
        title: non_empty(Some(article.title)),
        outlet: non_empty(article.site_name),
        author: non_empty(article.byline),
        url: non_empty(article.url),
        published: article.published_time.as_deref().and_then(PubDate::parse),
        paragraphs: selection.article.into_iter().map(str::to_string).collect(),
    }
}

/// The tags of a page, in one pass: the lower-cased name, whether it closes, and where.
fn tags(html: &str) -> impl Iterator<Item = (String, bool, std::ops::Range<usize>)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            let start = at + html[at..].find('<')?;
            // The tag runs to its '>', or to the end of an unfinished page.
            let close = html[start..].find('>').map(|e| start + e);
            let end = close.map_or(html.len(), |c| c + 1);
            at = end;
            let inner = &html[start + 1..close.unwrap_or(html.len())];
            let closing = inner.starts_with('/');
            let name: String = inner
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if !name.is_empty() {
                return Some((name, closing, start..end));
            } // else a comment, a doctype or a stray '<'
        }
    })
}

/// How deep the page's elements nest, counted in one pass over its tags.
fn max_nesting(html: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for (name, closing, range) in tags(html) {
        if VOID.contains(&name.as_str()) || html[range].ends_with("/>") {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            max = max.max(depth);
        }
    }
    max
}

/// The text of a page without its markup, scripts and styles, a line per block: linear
/// in the page's length whatever its nesting.
fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut at = 0;
    let mut skip_until: Option<&str> = None;
    for (name, closing, range) in tags(html) {
        if skip_until.is_none() {
            out.push_str(&decode_entities(&html[at..range.start]));
        }
        at = range.end;
        match (&skip_until, closing) {
            (Some(until), true) if *until == name => skip_until = None,
            (None, false) if name == "script" || name == "style" => {
                skip_until = Some(if name == "script" { "script" } else { "style" })
            }
            _ => {}
        }
        if BLOCKS.contains(&name.as_str()) {
            out.push('\n');
        }
    }
    if skip_until.is_none() {
        out.push_str(&decode_entities(&html[at..]));
    }
    out
}

/// The common named entities and numeric ones.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[..rest.len().min(12)].find(';');
        let decoded = end.and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                _ => {
                    let number = entity.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_article_and_metadata() {
        let html = r#"<html><head><title>Bridge reopens | Daily Example</title>
            <meta property="og:site_name" content="Daily Example">
            <meta property="article:published_time" content="2025-06-02T09:00:00Z"></head>
            <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
            <article><h1>Bridge reopens</h1>
            <p>The bridge over the river reopened on Monday after three months of repairs, the city said.</p>
            <p>Engineers had found cracks in two of its supports during an inspection in the spring, and the work cost the city about four million euros in all.</p>
            </article><footer>© Daily Example</footer></body></html>"#;
        let e = extract(html);
        assert_eq!(e.outlet.as_deref(), Some("Daily Example"));
        assert_eq!(e.published.unwrap().to_string(), "2025-06-02");
        assert!(e.title.unwrap().contains("Bridge reopens"));
        assert_eq!(e.paragraphs.len(), 2, "{:?}", e.paragraphs);
        assert!(e.paragraphs[0].starts_with("The bridge over the river"));
    }

    #[test]
    fn a_deeply_nested_page_is_read_as_plain_text() {
        let depth = 5000;
        let html = format!(
            "<html><body>{}<p>The ferry carried 212 passengers across the bay on Tuesday, the harbour master said &amp; smiled.</p><script>var x = '<p>no</p>';</script>{}</body></html>",
            "<div class='x'>".repeat(depth),
            "</div>".repeat(depth)
        );
        assert!(max_nesting(&html) > depth);
        let e = extract(&html);
        assert_eq!(
            e.paragraphs,
            [
                "The ferry carried 212 passengers across the bay on Tuesday, the harbour master said & smiled."
            ]
        );
    }

    #[test]
    fn nesting_counts_open_elements_only() {
        assert_eq!(
            max_nesting("<html><body><p>a<br>b<img src=x/><br/></p></body></html>"),
            3
        );
        assert_eq!(max_nesting("<!doctype html><!-- <div> --><p>x</p>"), 1);
    }

    #[test]
    fn a_page_without_an_article_yields_nothing() {
        let html = "<html><body><ul><li><a href='/a'>Home</a></li><li><a href='/b'>Sport</a></li></ul></body></html>";
        assert!(extract(html).paragraphs.is_empty());
    }
}
