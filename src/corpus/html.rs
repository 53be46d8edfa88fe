//! HTML sources: the article is found by dom_smoothie (a port of Mozilla's Readability),
//! then checked by the same prose test as text scrapes, so a page with no article fails.

use dom_smoothie::{Config, Readability, TextMode};

use super::boilerplate;
use super::{Extracted, PubDate};

pub fn extract(html: &str) -> Extracted {
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
    fn a_page_without_an_article_yields_nothing() {
        let html = "<html><body><ul><li><a href='/a'>Home</a></li><li><a href='/b'>Sport</a></li></ul></body></html>";
        assert!(extract(html).paragraphs.is_empty());
    }
}
