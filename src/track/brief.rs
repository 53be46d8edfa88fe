//! `brief`: the articles added since a time, grouped into stories by shared key words,
//! newest reporting first, each line the article's lead sentence with its citation.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

use super::{Quote, TrackError, Tracker};
use crate::corpus::Fingerprint;
use crate::index::{Index, analyzer};

/// The similarity of wording (cosine of weighted words) that puts two articles in one story.
const SAME_STORY: f32 = 0.2;

/// A digest of recent reporting.
#[derive(Debug, Clone, Serialize)]
pub struct Brief {
    /// Articles added from this time on are in it.
    pub since: DateTime<Utc>,
    pub stories: Vec<Story>,
}

/// Articles about one story, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct Story {
    /// The newest title, or else the words the articles share.
    pub headline: Option<String>,
    pub items: Vec<Quote>,
}

/// Parses `since`: a date (`2025-06-01`, from its midnight UTC) or a duration back from
/// `now` (`90m`, `24h`, `3d`, `2w`). The message of an error is for the user.
pub fn parse_since(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    let text = text.strip_prefix("since:").unwrap_or(text).trim();
    if let Some(date) = crate::corpus::PubDate::parse(text) {
        let day = date
            .naive()
            .or_else(|| NaiveDate::from_ymd_opt(date.year, date.month.unwrap_or(1), 1))
            .expect("a parsed date is valid");
        return Ok(day.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    let unit = text.chars().last().unwrap_or(' ');
    let amount: i64 = text[..text.len() - unit.len_utf8().min(text.len())]
        .parse()
        .map_err(|_| usage(text))?;
    let duration = match unit {
        'm' => Duration::try_minutes(amount),
        'h' => Duration::try_hours(amount),
        'd' => Duration::try_days(amount),
        'w' => Duration::try_weeks(amount),
        _ => None,
    }
    .filter(|_| amount > 0 && amount <= 100_000)
    .ok_or_else(|| usage(text))?;
    Ok(now - duration)
}

fn usage(text: &str) -> String {
    format!("{text:?} is not a date or a duration: try since:2025-06-01, since:24h or since:7d")
}

/// The brief of the articles added since `since` (default: the last 24 hours).
pub fn brief(
    index: &Index,
    tracker: &Tracker,
    since: Option<DateTime<Utc>>,
) -> Result<Brief, TrackError> {
    // Sources are timed from when tracking first saw them.
    tracker.sync(index)?;
    let first_seen = tracker.first_seen()?;
    let since = since.unwrap_or_else(|| Utc::now() - Duration::days(1));
    let mut recent: Vec<_> = index
        .report()
        .sources
        .iter()
        .filter(|s| s.error.is_none())
        .filter(|s| {
            first_seen
                .get(&s.id)
                .is_some_and(|&t| t >= since.timestamp())
        })
        .collect();
    // Newest reporting first: by publication, then by when it was added.
    recent.sort_by(|a, b| {
        b.published
            .cmp(&a.published)
            .then_with(|| first_seen.get(&b.id).cmp(&first_seen.get(&a.id)))
            .then_with(|| a.id.cmp(&b.id))
    });

    // Each article's lead sentence and weighted words.
    let mut articles = Vec::new();
    for source in &recent {
        let passages = index.passages_of(&source.id)?;
        let Some(first) = passages.first() else {
            continue;
        };
        let lead = first
            .sentences
            .first()
            .map(|r| first.text[r.clone()].to_string())
            .unwrap_or_else(|| first.text.clone());
        let text: String = std::iter::once(source.title.clone().unwrap_or_default())
            .chain(passages.iter().map(|p| p.text.clone()))
            .collect::<Vec<_>>()
            .join("\n");
        articles.push(Article {
            quote: Quote {
                source: (*first.source).clone(),
                passage: first.passage,
                text: lead,
                answer: None,
                also_reported_by: Vec::new(),
            },
            fingerprint: Fingerprint::of(&first.text),
            terms: term_weights(index, &text),
        });
    }

    // Stories: articles linked by similar wording, in order of their newest article.
    let mut story_of: Vec<usize> = (0..articles.len()).collect();
    for i in 0..articles.len() {
        for j in 0..i {
            if similarity(&articles[i].terms, &articles[j].terms) >= SAME_STORY {
                let (a, b) = (root(&mut story_of, i), root(&mut story_of, j));
                story_of[a.max(b)] = a.min(b);
            }
        }
    }
    let mut roots: Vec<usize> = Vec::new();
    for i in 0..articles.len() {
        let r = root(&mut story_of, i);
        if !roots.contains(&r) {
            roots.push(r);
        }
    }
    let stories = roots
        .into_iter()
        .map(|r| {
            let members: Vec<&Article> = (0..articles.len())
                .filter(|&i| root(&mut story_of, i) == r)
                .map(|i| &articles[i])
                .collect();
            story(&members)
        })
        .collect();
    Ok(Brief { since, stories })
}

/// One story from its articles (newest first): a syndicated copy is folded into the line
/// of the first outlet that carried it.
fn story(members: &[&Article]) -> Story {
    let mut items: Vec<(Quote, &Fingerprint)> = Vec::new();
    for article in members {
        match items
            .iter_mut()
            .find(|(_, f)| f.is_copy(&article.fingerprint))
        {
            Some((quote, _)) => quote.also_reported_by.push(article.quote.source.clone()),
            None => items.push((article.quote.clone(), &article.fingerprint)),
        }
    }
    let headline = members
        .iter()
        .find_map(|a| a.quote.source.title.clone())
        .or_else(|| label(&members.iter().map(|a| &a.terms).collect::<Vec<_>>()));
    Story {
        headline,
        items: items.into_iter().map(|(q, _)| q).collect(),
    }
}

struct Article {
    quote: Quote,
    fingerprint: Fingerprint,
    terms: Terms,
}

/// A text's content words, weighted by how often it says them and how rare they are in
/// the index (a smoothed idf that stays positive in a small corpus), with the spelling
/// the text uses first.
fn term_weights(index: &Index, text: &str) -> Terms {
    let mut counts: HashMap<String, (f32, String)> = HashMap::new();
    for term in analyzer::terms(text) {
        let word = &text[term.range.clone()];
        if term.term.len() > 2
            && !crate::lexicon::is_stop_word(&word.to_lowercase())
            && !term.term.chars().all(|c| c.is_ascii_digit())
        {
            counts.entry(term.term).or_insert((0.0, word.to_string())).0 += 1.0;
        }
    }
    let n = index.passages() as f32;
    counts
        .into_iter()
        .map(|(term, (count, word))| {
            let idf = (1.0 + n / (index.doc_freq(&term) as f32).max(1.0)).ln();
            (term, (count.sqrt() * idf, word))
        })
        .collect()
}

type Terms = HashMap<String, (f32, String)>;

/// Cosine similarity of two weighted term sets.
fn similarity(a: &Terms, b: &Terms) -> f32 {
    let dot: f32 = a
        .iter()
        .filter_map(|(t, (w, _))| b.get(t).map(|(v, _)| w * v))
        .sum();
    let norm = |x: &Terms| x.values().map(|(w, _)| w * w).sum::<f32>().sqrt();
    let denominator = norm(a) * norm(b);
    if denominator == 0.0 {
        0.0
    } else {
        dot / denominator
    }
}

/// A story's label: the words that weigh most across its articles.
fn label(articles: &[&Terms]) -> Option<String> {
    let mut total: HashMap<&str, (f32, &str)> = HashMap::new();
    for terms in articles {
        for (term, (weight, word)) in terms.iter() {
            total.entry(term).or_insert((0.0, word)).0 += weight;
        }
    }
    let mut ranked: Vec<(f32, &str)> = total.into_values().collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let words: Vec<&str> = ranked.into_iter().take(4).map(|(_, w)| w).collect();
    (!words.is_empty()).then(|| words.join(" · "))
}

fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_dates_and_durations() {
        let now = DateTime::parse_from_rfc3339("2025-06-03T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(
            parse_since("since:2025-06-01", now),
            Ok(at("2025-06-01T00:00:00Z"))
        );
        assert_eq!(parse_since("2025-06", now), Ok(at("2025-06-01T00:00:00Z")));
        assert_eq!(
            parse_since("since:24h", now),
            Ok(at("2025-06-02T12:00:00Z"))
        );
        assert_eq!(parse_since("3d", now), Ok(at("2025-05-31T12:00:00Z")));
        assert!(parse_since("since:soon", now).is_err());
        assert!(parse_since("since:-3d", now).is_err());
        assert!(parse_since("", now).is_err());
    }
}
