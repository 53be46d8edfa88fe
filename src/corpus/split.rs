//! Splitting text into passages and sentences, as byte ranges into the original text.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// Paragraphs longer than this are cut into passages of whole sentences.
pub const MAX_PASSAGE_BYTES: usize = 3000;
/// Longer runs without a sentence end (a scrape with no punctuation, a hostile page) are
/// cut at spaces into pieces of at most this, so that no passage or snippet grows with them.
pub const MAX_SENTENCE_BYTES: usize = 1000;
/// Shorter paragraphs of an article join the next (about two sentences of news).
pub const MIN_PASSAGE_BYTES: usize = 300;

/// Words that end with a period without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "mt", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm",
    "gov", "sen", "rep", "pres", "rev", "jr", "sr", "inc", "ltd", "corp", "co", "no", "nos", "vs",
    "approx", "dept", "est", "fig", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "e.g", "i.e", "cf", "al", "ft", "vol", "op", "v",
];

/// Words that open sentences and never follow an abbreviation in the same sentence.
const SENTENCE_OPENERS: &[&str] = &[
    "The", "This", "These", "Those", "It", "He", "She", "They", "We", "There", "However", "But",
];

const CLOSERS: &[char] = &['"', '\'', '”', '’', ')', ']', '»', '}'];
const OPENERS: &[char] = &['"', '\'', '“', '‘', '(', '[', '«'];

/// Collapses every run of whitespace to one space and trims the ends.
pub fn normalize_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text without the reference marks of encyclopaedias and think-tank reports, which stick
/// to the word or stop before them ("the front.[4] Medinsky", "capital[12][13]"): they are
/// no part of the sentence quoted, they hide its end from the splitter, and "[4]" is no
/// figure. A bracketed number standing alone ("see [4]") stays.
pub fn without_reference_marks(text: &str) -> String {
    static MARKS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"([^\s\[])(?:\[(?:\d{1,3}|citation needed)\])+").expect("valid regex")
    });
    MARKS.replace_all(text, "$1").into_owned()
}

/// Byte ranges of the paragraphs of `text`: blocks separated by blank lines.
pub fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim();
        if content.is_empty() {
            if let Some(s) = start.take() {
                out.push(s..end);
            }
        } else {
            let lead = line.len() - line.trim_start().len();
            start.get_or_insert(offset + lead);
            end = offset + line.trim_end().len();
        }
        offset += line.len();
    }
    if let Some(s) = start {
        out.push(s..end);
    }
    out
}

/// Cuts a paragraph into pieces of at most `max` bytes at sentence boundaries (a single
/// sentence longer than `max` stays whole).
pub fn chunk_paragraph(text: &str, max: usize) -> Vec<Range<usize>> {
    if text.len() <= max {
        return std::iter::once(0..text.len()).collect();
    }
    let mut chunks: Vec<Range<usize>> = Vec::new();
    for sentence in sentences(text) {
        match chunks.last_mut() {
            Some(last) if sentence.end - last.start <= max => last.end = sentence.end,
            _ => chunks.push(sentence),
        }
    }
    chunks
}

/// Byte ranges of the sentences of a passage, trimmed of surrounding whitespace. Together
/// they cover every non-whitespace character of `text`.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    if let Some(heading_end) = glued_heading_end(text) {
        push_trimmed(text, 0..heading_end, &mut out);
        start = heading_end;
    }
    let bytes = text.as_bytes();
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        // A blank line ends a paragraph, and so its last sentence (or its heading).
        if i >= start && c == '\n' && text[i + 1..].starts_with('\n') {
            push_trimmed(text, start..i, &mut out);
            start = i + 1;
            continue;
        }
        if i < start || !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        // Take the whole run of terminal marks and closing quotes.
        let mut end = i + c.len_utf8();
        while let Some(&(j, next)) = iter.peek() {
            if matches!(next, '.' | '!' | '?' | '…') || CLOSERS.contains(&next) {
                end = j + next.len_utf8();
                iter.next();
            } else {
                break;
            }
        }
        let rest = &text[end..];
        let after_space = rest.trim_start();
        if after_space.len() == rest.len() && !rest.is_empty() {
            continue; // "3.5", "U.S.A", "e.g.," — no space after the mark
        }
        let starts_sentence = after_space.is_empty()
            || after_space
                .chars()
                .next()
                .is_some_and(|n| n.is_uppercase() || n.is_ascii_digit() || OPENERS.contains(&n));
        let abbreviated = c == '.'
            && is_abbreviation(&text[start..i], bytes, i)
            && !opens_a_sentence(after_space);
        if !starts_sentence || abbreviated {
            continue;
        }
        push_trimmed(text, start..end, &mut out);
        start = end;
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

/// Pushes `range` trimmed, cut into pieces of at most `MAX_SENTENCE_BYTES`.
fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let slice = &text[range.clone()];
    let lead = slice.len() - slice.trim_start().len();
    let trimmed = slice.trim();
    if trimmed.is_empty() {
        return;
    }
    let mut start = range.start + lead;
    let end = start + trimmed.len();
    while end - start > MAX_SENTENCE_BYTES {
        let piece = &text[start..];
        let limit = (0..=MAX_SENTENCE_BYTES)
            .rev()
            .find(|&i| piece.is_char_boundary(i))
            .unwrap_or(0);
        // The last space within the limit; a hard cut where a word is longer than it.
        let cut = piece[..limit]
            .rfind(char::is_whitespace)
            .filter(|&i| i > 0)
            .unwrap_or(limit);
        let cut = if cut == 0 {
            piece.chars().next().map_or(1, char::len_utf8)
        } else {
            cut
        };
        out.push(start..start + piece[..cut].trim_end().len());
        start += cut + (piece[cut..].len() - piece[cut..].trim_start().len());
    }
    if start < end {
        out.push(start..end);
    }
}

/// Whether the word before the period at `dot` is an abbreviation or an initial.
fn is_abbreviation(sentence_so_far: &str, bytes: &[u8], dot: usize) -> bool {
    let word = sentence_so_far
        .rsplit(|c: char| c.is_whitespace() || OPENERS.contains(&c))
        .next()
        .unwrap_or("");
    if word.is_empty() {
        return false;
    }
    // Initials and dotted abbreviations: "M.", "S.V.", "U.S.", "p.m.", "a.m."
    let letters: Vec<&str> = word.split('.').collect();
    if letters
        .iter()
        .all(|l| l.chars().count() == 1 && l.chars().all(char::is_alphabetic))
        && (letters.len() > 1 || word.chars().next().is_some_and(char::is_uppercase))
    {
        return true;
    }
    let lower = word.to_lowercase();
    // "No. 5" is an abbreviation, "said no." at a sentence end is not.
    if lower == "no" {
        return bytes.get(dot + 2).is_some_and(u8::is_ascii_digit);
    }
    ABBREVIATIONS.contains(&lower.as_str())
}

/// Whether `rest` opens with a word that starts sentences but never follows an initial or
/// a title: after "Super Bowl L." or "the U.S.", "The" starts the next sentence.
fn opens_a_sentence(rest: &str) -> bool {
    let word = rest.split(char::is_whitespace).next().unwrap_or("");
    SENTENCE_OPENERS.contains(&word)
}

/// A headline glued to the first sentence, as web scrapes leave it: "Zelenskiy says
/// ‘absolutely brilliant outcome’ At least seven people were killed…". Returns the end of
/// the headline when the passage opens with a short unpunctuated run that ends in a closing
/// quote and is followed by a capitalised word.
fn glued_heading_end(text: &str) -> Option<usize> {
    const MAX_HEADING_WORDS: usize = 14;
    // Words before `i`, counted as the loop goes (counting each time made it quadratic).
    let (mut words, mut in_word) = (0, false);
    for (i, c) in text.char_indices() {
        // Headlines have no clause punctuation ("By 1979, virtually all "full-size" American
        // cars" is one sentence).
        if matches!(c, '.' | '!' | '?' | ':' | ';' | ',') {
            return None;
        }
        if words > MAX_HEADING_WORDS {
            return None;
        }
        if c.is_whitespace() {
            in_word = false;
        } else if !in_word {
            (words, in_word) = (words + 1, true);
        }
        // Straight single quotes are apostrophes as often as quotes: not a headline's end.
        if !matches!(c, '’' | '”' | '"') {
            continue;
        }
        let before = text[..i].chars().next_back()?;
        let end = i + c.len_utf8();
        let rest = &text[end..];
        let next = rest.trim_start();
        let opened = text[..i].contains(['‘', '“', '"']);
        let next_word = next.split_whitespace().next().unwrap_or("");
        if opened
            && before.is_alphanumeric()
            && rest.starts_with(' ')
            && next.chars().next().is_some_and(char::is_uppercase)
            && next_word.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && next.split_whitespace().count() >= 4
        {
            return Some(end);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn texts<'a>(text: &'a str, ranges: &[Range<usize>]) -> Vec<&'a str> {
        ranges.iter().map(|r| &text[r.clone()]).collect()
    }

    #[test]
    fn splits_sentences_and_keeps_abbreviations() {
        let text = "S.V. Lavrov and M. Rubio spoke. The U.S. envoy said \"no.\" Talks resume \
                    at 1 p.m. on Monday! Will they? Dr. Smith paid $3.5 billion. It cited FCC v. \
                    Pacifica Foundation.";
        assert_eq!(
            texts(text, &sentences(text)),
            [
                "S.V. Lavrov and M. Rubio spoke.",
                "The U.S. envoy said \"no.\"",
                "Talks resume at 1 p.m. on Monday!",
                "Will they?",
                "Dr. Smith paid $3.5 billion.",
                "It cited FCC v. Pacifica Foundation."
            ]
        );
        // An initial or abbreviation that ends a sentence: the next one opens with "The".
        let ends = "It was not called Super Bowl L. The league chose 50. It began in the U.S. \
                    They say so.";
        assert_eq!(
            texts(ends, &sentences(ends)),
            [
                "It was not called Super Bowl L.",
                "The league chose 50.",
                "It began in the U.S.",
                "They say so."
            ]
        );
        // Issue 18: a time before a capitalised word did not end its sentence.
        let times =
            "It collapsed at 10:50 p.m. Moscow time on May 31. Talks began at 9 a.m. Monday.";
        assert_eq!(
            texts(times, &sentences(times)),
            [
                "It collapsed at 10:50 p.m. Moscow time on May 31.",
                "Talks began at 9 a.m. Monday."
            ]
        );
    }

    #[test]
    fn a_run_without_sentence_ends_is_cut_at_spaces() {
        let text = format!("{}{}", "word ".repeat(1000), "x".repeat(2500));
        let pieces = sentences(&text);
        assert!(
            pieces.iter().all(|r| r.len() <= MAX_SENTENCE_BYTES),
            "{pieces:?}"
        );
        assert!(pieces.iter().all(|r| !text[r.clone()].starts_with(' ')));
        let joined: String = pieces.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(joined.replace(' ', ""), text.replace(' ', ""));
        assert!(
            chunk_paragraph(&text, MAX_PASSAGE_BYTES)
                .iter()
                .all(|r| r.len() <= MAX_PASSAGE_BYTES)
        );
    }

    #[test]
    fn a_blank_line_ends_a_sentence() {
        let text = "Talks in Istanbul\n\nThe delegations met on Monday.\n\nNo deal.";
        assert_eq!(
            texts(text, &sentences(text)),
            [
                "Talks in Istanbul",
                "The delegations met on Monday.",
                "No deal."
            ]
        );
    }

    #[test]
    fn separates_a_glued_heading() {
        // Reproduces the seed 001 scrape: a headline without punctuation before a sentence.
        let text = "Zelenskiy says ‘absolutely brilliant outcome’ At least seven people were \
                    killed and 69 injured. No one has claimed responsibility.";
        assert_eq!(
            texts(text, &sentences(text)),
            [
                "Zelenskiy says ‘absolutely brilliant outcome’",
                "At least seven people were killed and 69 injured.",
                "No one has claimed responsibility."
            ]
        );
        let quoted = "“The key issues can only be resolved by the leaders,” he said. Then he left.";
        assert_eq!(sentences(quoted).len(), 2);
        // Seen in SQuAD: quoted words inside a sentence are no headline.
        for one in [
            "Like other 'unconventional' T cell subsets, they straddle the border.",
            "By 1979, virtually all \"full-size\" American cars had shrunk in size.",
        ] {
            assert_eq!(sentences(one).len(), 1, "{one}");
        }
    }

    #[test]
    fn paragraphs_split_at_blank_lines() {
        let text = "\n  One line\nsame para\n\n \n\nTwo\n";
        assert_eq!(
            texts(text, &paragraphs(text)),
            ["One line\nsame para", "Two"]
        );
    }

    #[test]
    fn long_paragraphs_are_chunked_at_sentences() {
        let text = "Aaaa bbb. Ccc ddd. Eee fff. Ggg hhh.";
        let chunks = chunk_paragraph(text, 20);
        assert_eq!(
            texts(text, &chunks),
            ["Aaaa bbb. Ccc ddd.", "Eee fff. Ggg hhh."]
        );
    }

    proptest! {
        #[test]
        fn sentences_are_ordered_trimmed_and_cover_the_text(text in "[ a-zA-Z0-9.!?’‘“”\"'()$,\n-]{0,200}") {
            let ranges = sentences(&text);
            let mut last = 0;
            let mut covered = 0;
            for r in &ranges {
                prop_assert!(r.start >= last && r.start < r.end && r.end <= text.len());
                prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
                let s = &text[r.clone()];
                prop_assert_eq!(s.trim(), s);
                covered += s.chars().filter(|c| !c.is_whitespace()).count();
                last = r.end;
            }
            prop_assert_eq!(covered, text.chars().filter(|c| !c.is_whitespace()).count());
        }

        #[test]
        fn paragraphs_and_chunks_stay_inside_the_text(text in "[ a-z.\n]{0,300}", max in 1usize..80) {
            for p in paragraphs(&text) {
                prop_assert!(p.end <= text.len() && p.start < p.end);
                let para = &text[p];
                for c in chunk_paragraph(para, max) {
                    prop_assert!(c.end <= para.len());
                }
            }
        }
    }

    #[test]
    fn reference_marks_are_dropped_and_the_sentence_end_found() {
        let text = without_reference_marks(
            "The delegations met for an hour.[1] Ukraine proposed a ceasefire[2][3] (see [4]).",
        );
        assert_eq!(
            text,
            "The delegations met for an hour. Ukraine proposed a ceasefire (see [4])."
        );
        assert_eq!(sentences(&text).len(), 2);
    }
}
