//! Feeds: RSS, Atom and JSON Feed (feed-rs) reduced to the entries sitrep needs.

use chrono::{DateTime, Utc};

/// One entry of a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The entry's id (feed-rs derives a stable one when the feed gives none).
    pub id: String,
    /// The article it links to.
    pub url: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    pub published: Option<DateTime<Utc>>,
    /// The entry's own HTML or text (content, else summary): used when the linked page
    /// cannot be fetched or has no article.
    pub content: Option<String>,
}

/// A parsed feed.
#[derive(Debug)]
pub struct Feed {
    pub title: Option<String>,
    pub entries: Vec<Entry>,
}

/// Parses feed bytes.
pub fn parse(bytes: &[u8]) -> Result<Feed, String> {
    let feed = feed_rs::parser::parse(bytes).map_err(|e| format!("not a readable feed: {e}"))?;
    let entries = feed
        .entries
        .into_iter()
        .map(|entry| Entry {
            url: entry
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .or(entry.links.first())
                .map(|l| l.href.clone()),
            title: entry.title.map(|t| t.content),
            author: entry.authors.first().and_then(|a| a.name.clone()),
            published: entry.published.or(entry.updated),
            content: entry
                .content
                .and_then(|c| c.body)
                .or(entry.summary.map(|s| s.content))
                .filter(|c| !c.trim().is_empty()),
            id: entry.id,
        })
        .collect();
    Ok(Feed {
        title: feed.title.map(|t| t.content),
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rss_entries() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
            <item><guid>tag:wire,1</guid><title>Talks resume</title><link>https://wire.example/talks</link>
            <pubDate>Mon, 02 Jun 2025 09:00:00 GMT</pubDate><description>Delegations met.</description></item>
            </channel></rss>"#;
        let feed = parse(rss).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Wire"));
        let e = &feed.entries[0];
        assert_eq!(e.id, "tag:wire,1");
        assert_eq!(e.url.as_deref(), Some("https://wire.example/talks"));
        assert_eq!(
            e.published.unwrap().to_rfc3339(),
            "2025-06-02T09:00:00+00:00"
        );
        assert_eq!(e.content.as_deref(), Some("Delegations met."));
        assert!(parse(b"<html>no feed</html>").is_err());
    }
}
