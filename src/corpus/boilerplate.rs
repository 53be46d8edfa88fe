//! Finding the article in a plain-text scrape of a web page: menus, share buttons,
//! advertisements, teasers and footers are dropped by line density, not by known strings.
//!
//! Each block (a paragraph, or a line where lines are short) is classed by its length,
//! its share of function words, whether it holds a finished sentence, and whether it is a
//! bullet or repeated elsewhere on the page (navigation repeats; prose is kept once). The
//! article is the contiguous run of blocks with the highest score, and within it only
//! blocks that read as prose are kept.

use std::collections::{HashMap, HashSet};

use crate::lexicon::is_stop_word;

/// A block of the page and its class.
#[derive(Debug, Clone, PartialEq)]
pub struct Block<'a> {
    pub text: &'a str,
    pub class: Class,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Prose: long, with function words and a finished sentence.
    Good,
    /// A short sentence or a heading: kept only inside the article and only if a sentence.
    Short,
    /// Navigation, bullets, repeated lines, button labels.
    Bad,
}

/// What the page's article is: its prose blocks, and the blocks before it (where the
/// headline usually stands).
pub struct Selection<'a> {
    pub article: Vec<&'a str>,
    pub before: Vec<Block<'a>>,
}

/// The longest line of prose wrapped at a fixed width (most wrap at 72 or 80 columns).
const MAX_WRAPPED_LINE: usize = 100;

/// Splits text into blocks: blank-line paragraphs of prose wrapped at a fixed width, or
/// single lines where a paragraph's lines are short (menus, button rows) or run longer than
/// such a width (a scrape's paragraphs one per line, a headline or caption above them).
pub fn blocks(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for range in super::split::paragraphs(text) {
        let para = &text[range];
        let lines: Vec<&str> = para
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let wrapped_prose = lines[..lines.len().saturating_sub(1)]
            .iter()
            .all(|l| l.chars().count() >= 40 && !starts_with_bullet(l))
            && lines.iter().all(|l| l.chars().count() <= MAX_WRAPPED_LINE);
        if wrapped_prose {
            out.push(para);
        } else {
            out.extend(lines);
        }
    }
    out
}

/// Classifies blocks and selects the article.
pub fn select<'a>(blocks: &[&'a str]) -> Selection<'a> {
    let keys: Vec<String> = blocks.iter().map(|b| key(b)).collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for k in &keys {
        *seen.entry(k).or_default() += 1;
    }
    let mut met = HashSet::new();
    let classified: Vec<Block> = blocks
        .iter()
        .zip(&keys)
        .filter_map(|(text, key)| {
            let first = met.insert(key.as_str());
            let class = match classify(text) {
                // Navigation repeats; a paragraph of prose found twice is the scrape's copy
                // of it, kept once.
                Class::Good if !first => return None,
                Class::Good => Class::Good,
                _ if seen[key.as_str()] > 1 => Class::Bad,
                class => class,
            };
            Some(Block { text, class })
        })
        .collect();

    // The highest-scoring contiguous run of blocks (Kadane).
    let score = |b: &Block| match b.class {
        Class::Good => b.text.split_whitespace().count() as i64,
        Class::Short if has_sentence_end(b.text) => 1,
        Class::Short => -2,
        Class::Bad => -6,
    };
    let (mut best, mut best_range) = (0i64, 0..0);
    let (mut run, mut run_start) = (0i64, 0);
    for (i, block) in classified.iter().enumerate() {
        if run <= 0 {
            run = 0;
            run_start = i;
        }
        run += score(block);
        if run > best {
            best = run;
            best_range = run_start..i + 1;
        }
    }
    let has_good = classified[best_range.clone()]
        .iter()
        .any(|b| b.class == Class::Good);
    if !has_good {
        return Selection {
            article: Vec::new(),
            before: classified,
        };
    }
    let article = classified[best_range.clone()]
        .iter()
        .filter(|b| b.class == Class::Good || (b.class == Class::Short && has_sentence_end(b.text)))
        .map(|b| strip_bullet(b.text).unwrap_or(b.text))
        .collect();
    Selection {
        article,
        before: classified[..best_range.start].to_vec(),
    }
}

fn key(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn classify(text: &str) -> Class {
    let item = strip_bullet(text);
    let text = item.unwrap_or(text);
    let words: Vec<&str> = text.split_whitespace().collect();
    // Menus are bulleted too: a list item counts only as a finished sentence ("- Seven
    // people have died."), as fact lists of reports are written.
    if words.len() < 3 || item.is_some() && !has_sentence_end(text) {
        return Class::Bad;
    }
    let stop = words
        .iter()
        .filter(|w| {
            let w = w
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            is_stop_word(&w)
        })
        .count();
    let density = stop as f64 / words.len() as f64;
    if words.len() >= 10 && density >= 0.15 && has_sentence_end(text) {
        Class::Good
    } else {
        Class::Short
    }
}

fn starts_with_bullet(text: &str) -> bool {
    text.trim_start()
        .starts_with(['•', '·', '▪', '►', '*', '-', '–', '|', '»'])
}

/// A list item's text without its bullet; `None` if `text` is no list item.
fn strip_bullet(text: &str) -> Option<&str> {
    starts_with_bullet(text).then(|| {
        let text = text.trim_start();
        text[text.chars().next().map_or(0, char::len_utf8)..].trim_start()
    })
}

/// Whether the block contains a finished sentence: a terminal mark, possibly followed by
/// closing quotes, at a word's end.
pub fn has_sentence_end(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().any(|(i, c)| {
        if !matches!(c, '.' | '!' | '?') || i == 0 || !chars[i - 1].is_alphanumeric() {
            return false;
        }
        let mut j = i + 1;
        while j < chars.len() && matches!(chars[j], '"' | '”' | '’' | '\'' | ')') {
            j += 1;
        }
        j == chars.len() || chars[j].is_whitespace()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "\
• Home
• World
Saturday, May 3, 2025
Storm hits the coast as thousands flee
Share on Facebook

The storm made landfall late on Friday, bringing winds of up to 200 km/h to the region.

ADVERTISEMENT

Officials said more than 10,000 people had been moved to shelters across the province.
They expect the rain to continue.

ADVERTISEMENT

Previous Post

Five injured in market fire as police investigate the cause

• Home
• World
";

    #[test]
    fn keeps_only_the_article() {
        let blocks = blocks(PAGE);
        let selection = select(&blocks);
        assert_eq!(
            selection.article,
            [
                "The storm made landfall late on Friday, bringing winds of up to 200 km/h to the region.",
                "Officials said more than 10,000 people had been moved to shelters across the province.\nThey expect the rain to continue."
            ]
        );
        assert!(
            selection
                .before
                .iter()
                .any(|b| b.text == "Storm hits the coast as thousands flee")
        );
    }

    #[test]
    fn list_items_that_are_sentences_belong_to_the_article() {
        let page = "\
• Home
• Sport
The ferry ran aground near the harbour mouth on Tuesday evening, the coastguard said.

Key facts

- All 212 passengers were brought ashore by lifeboats before midnight.
- The captain has been questioned.
- Read more
";
        let blocks = blocks(page);
        assert_eq!(
            select(&blocks).article,
            [
                "The ferry ran aground near the harbour mouth on Tuesday evening, the coastguard said.",
                "All 212 passengers were brought ashore by lifeboats before midnight.",
                "The captain has been questioned."
            ]
        );
    }

    #[test]
    fn a_paragraph_scraped_twice_is_kept_once() {
        let para = "The lifeboat crew reached the ferry within twenty minutes of the first call.";
        let page = format!(
            "Share\n\n{para}\n\nAll 212 passengers were brought ashore before midnight, the coastguard said.\n\n{para}\n\nShare\n"
        );
        let blocks = blocks(&page);
        assert_eq!(
            select(&blocks).article,
            [
                para,
                "All 212 passengers were brought ashore before midnight, the coastguard said."
            ]
        );
    }

    #[test]
    fn a_headline_above_paragraphs_one_per_line_is_no_part_of_them() {
        let page = "\
Talks end without a truce: Geneva
Anna Berg, head of the Nordic observer mission, speaks to reporters after the second round of talks in Geneva on Monday.
The delegations agreed to meet again within a month, according to a statement read out by the hosts afterwards.
";
        let lines = blocks(page);
        let selection = select(&lines);
        assert!(
            selection.article[0].starts_with("Anna Berg"),
            "{:?}",
            selection.article
        );
        assert_eq!(selection.article.len(), 2);
        // Prose wrapped at a fixed width stays one paragraph, its lines however they end.
        let wrapped = "The talks were chaired by the Nordic observer mission under Anna Berg of\n\
                       Sweden, who spoke to reporters after the second round in Geneva.\n";
        assert_eq!(blocks(wrapped).len(), 1);
    }

    #[test]
    fn a_page_of_links_has_no_article() {
        let blocks = blocks("• Home\n• News\nAbout us\nContact\n");
        assert!(select(&blocks).article.is_empty());
    }

    #[test]
    fn sentence_ends() {
        assert!(has_sentence_end("He said so."));
        assert!(has_sentence_end("“It is over.” Then"));
        assert!(!has_sentence_end("Price: 3.5 dollars"));
        assert!(!has_sentence_end("Terror has no place “terror attack”"));
    }
}
