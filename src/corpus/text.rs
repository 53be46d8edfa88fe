//! Plain-text sources: a leading ` date YYYY-MM-DD` header, and scrapes of web pages whose
//! navigation and teasers must be dropped.

use std::sync::LazyLock;

use regex::Regex;

use super::boilerplate::{self, Class};
use super::{Extracted, PubDate};

/// `©2020 KashmirPEN | …` or `© 2024 The Daily Example. All rights reserved.`
static COPYRIGHT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)(?:©|\(c\)|Copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*([A-Z][\w&'’. -]{1,40}?)\s*(?:\||\.|,|All rights|$)")
        .expect("valid regex")
});

pub fn extract(text: &str) -> Extracted {
    let (published, text) = date_header(text);
    let blocks = boilerplate::blocks(text);
    let selection = boilerplate::select(&blocks);
    Extracted {
        title: headline(&selection.before),
        outlet: COPYRIGHT
            .captures(text)
            .map(|c| c[1].trim().to_string())
            .filter(|o| !o.is_empty()),
        author: None,
        url: None,
        published,
        paragraphs: selection.article.into_iter().map(str::to_string).collect(),
    }
}

/// Splits off a leading `date 2025-06-02` (or `date 2025-06`) metadata header.
fn date_header(text: &str) -> (Option<PubDate>, &str) {
    let trimmed = text.trim_start();
    let Some(rest) = trimmed.strip_prefix("date") else {
        return (None, text);
    };
    if !rest.starts_with([' ', '\t', ':']) {
        return (None, text);
    }
    let rest = rest.trim_start_matches([' ', '\t', ':']);
    let token_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    match PubDate::parse(&rest[..token_end]) {
        Some(date) => (Some(date), &rest[token_end..]),
        None => (None, text),
    }
}

/// The headline of a scrape: the longest unpunctuated, non-navigation line of several words
/// among the lines just before the article.
fn headline(before: &[boilerplate::Block]) -> Option<String> {
    const LOOKBACK: usize = 20;
    before
        .iter()
        .rev()
        .take(LOOKBACK)
        .filter(|b| {
            let words = b.text.split_whitespace().count();
            (4..=25).contains(&words)
                && !boilerplate::has_sentence_end(b.text)
                && !b.text.contains(['•', '|'])
                && (b.class != Class::Bad || b.text.len() > 30)
        })
        .max_by_key(|b| b.text.split_whitespace().count())
        .map(|b| super::split::normalize_whitespace(b.text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_header_is_metadata_with_its_precision() {
        let e = extract(
            " date 2025-06 RUSSIAN AND UKRAINIAN officials will meet in Istanbul today to exchange proposals on how to end the war.",
        );
        assert_eq!(e.published.unwrap().to_string(), "2025-06");
        assert!(e.paragraphs[0].starts_with("RUSSIAN AND UKRAINIAN"));
        let (date, _) = date_header("date of birth is unknown");
        assert_eq!(date, None);
    }

    #[test]
    fn finds_outlet_in_copyright_line() {
        let e = extract(
            "The mayor said on Tuesday that the bridge would reopen next month after repairs.\n\n©2020 KashmirPEN | Made with love\n",
        );
        assert_eq!(e.outlet.as_deref(), Some("KashmirPEN"));
    }
}
