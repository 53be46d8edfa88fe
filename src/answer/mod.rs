//! The answer engine: question → candidate passages (BM25) → sentences ranked on term
//! coverage, answer type, proximity and qualifier agreement → a verbatim, cited snippet
//! with an answer span, the other sources' answers, or an honest "no answer".

pub mod confidence;
pub mod question;
mod rank;
pub mod spans;

use std::ops::Range;

use chrono::NaiveDate;
use serde::Serialize;

use crate::corpus::Fingerprint;
use crate::corpus::dates::{Tense, resolve_relative};
use crate::index::{Hit, Index, IndexError, SearchTerm, SourceInfo};
pub use confidence::Features;
pub use question::{AnswerType, Question, QuestionError};
use rank::{Ranked, Sentence};

/// How many passages BM25 hands to sentence ranking: 10, and on a small corpus, where it
/// costs nothing, 20, so that every source of a story gets a say in `also`.
///
/// A question asking what an abbreviation stands for searches five times as deep: only
/// the passage spelling it out answers, and the abbreviation alone is all it searches for.
fn candidate_passages(index: &Index, question: &Question) -> usize {
    let depth = if question.spells_out.is_some() { 5 } else { 1 };
    depth * if index.passages() < 10_000 { 20 } else { 10 }
}
/// Most entries in `also`.
const ALSO: usize = 4;
/// How many nearest passages to list when there is no answer.
const RELATED: usize = 3;
/// How many verified sentences below an unconfident best one may answer instead.
const FALLBACKS: usize = 2;
/// Below this estimated probability that the snippet answers the question, the engine
/// says it does not know. Chosen from the held-out risk–coverage tables (BENCHMARKS.md):
/// with the encoder it refuses 0.85 of the questions the corpus cannot answer.
pub const MIN_PROBABILITY: f32 = 0.45;

/// The engine's reply to one question (the JSON contract of `sitrep ask --json`).
#[derive(Debug, Clone, Serialize)]
pub struct Response {
    pub question: String,
    pub answer: Option<Cited>,
    /// Other sources that answer too; `agrees` says whether they say the same.
    pub also: Vec<Cited>,
    /// When there is no answer: the nearest passages.
    pub related: Vec<Cited>,
}

/// A verbatim snippet of one passage, with its source.
#[derive(Debug, Clone, Serialize)]
pub struct Cited {
    /// The answer span, when one can be pinned down ("117", "Vladimir Medinsky").
    pub text: Option<String>,
    /// One or two whole sentences, verbatim from the source's extracted text.
    pub snippet: String,
    pub score: f64,
    pub source: SourceInfo,
    pub passage: u64,
    /// A relative date in the span ("Sunday") resolved against the publication date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// For `also` entries with a span: whether it matches the main answer's span.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agrees: Option<bool>,
    /// Other sources whose passage is a copy of this one (a syndicated wire story).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_reported_by: Vec<SourceInfo>,
    /// Where `text` stands in `snippet`.
    #[serde(skip)]
    pub span: Option<Range<usize>>,
}

impl Response {
    /// Whether the sources that give a span disagree with the main answer.
    pub fn sources_differ(&self) -> bool {
        self.also.iter().any(|c| c.agrees == Some(false))
    }
}

/// Why a question got no response at all.
#[derive(Debug, thiserror::Error)]
pub enum AskError {
    /// The question itself is unusable; the message is for the user.
    #[error(transparent)]
    Question(#[from] QuestionError),
    /// The index failed.
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// Answers one question from the index.
pub fn ask(index: &Index, text: &str) -> Result<Response, AskError> {
    Ok(ask_with(index, text, MIN_PROBABILITY)?.0)
}

/// Answers one question when the best sentence's probability reaches `min_probability`,
/// and returns what that probability was estimated from (none when no sentence can
/// answer: nothing found, or a name the corpus lacks).
pub fn ask_with(
    index: &Index,
    text: &str,
    min_probability: f32,
) -> Result<(Response, Option<Features>), AskError> {
    with_ranked(index, text, |question, ranked, unanswerable| {
        respond(question, ranked, unanswerable, min_probability)
    })
}

/// Analyses `text`, finds its candidate passages and ranks their sentences; `then` gets
/// the question, the ranking and whether the corpus lacks a name or counted thing the
/// question requires (in every spelling), which means no answer.
fn with_ranked<R>(
    index: &Index,
    text: &str,
    then: impl FnOnce(&Question, &Ranked, bool) -> R,
) -> Result<R, AskError> {
    let analyse = |text: &str| -> Result<Question, AskError> {
        let mut question = Question::analyse(text)?;
        question.back_off_unseen(|term| index.doc_freq(term));
        question.drop_misspelt_names(|term| index.doc_freq(term) > 0);
        question.find_spellings(|term| index.doc_freq(term));
        Ok(question)
    };
    let mut question = analyse(text)?;
    // The question's vector, the costliest step, is computed on another core meanwhile:
    // only the confidence needs it.
    let asked = index.embed_question(&question::without_request(&question.text));
    let mut hits = index.search(
        &search_terms(index, &question),
        candidate_passages(index, &question),
    )?;
    // Chat is typed in lower case: a word the passages found write only as a name, or a
    // demonym ("turkish" where reports write "Türkiye"), is asked as that name, and
    // searched again as one.
    let words: Vec<String> = question
        .terms
        .iter()
        .map(|t| t.word.to_lowercase())
        .collect();
    let subject = question.asks_what_is;
    let is_name = |word: &str| {
        written_as_name(&hits, word, &words, subject)
            || crate::lexicon::demonym_place(word).is_some()
    };
    if let Some(recased) = question.recased(is_name) {
        let typed = std::mem::replace(&mut question, analyse(&recased)?).text;
        question.text = typed;
        hits = index.search(
            &search_terms(index, &question),
            candidate_passages(index, &question),
        )?;
    }
    question.learn_abbreviations(hits.iter().map(|hit| hit.text.as_str()));
    tracing::debug!(?question, "analysed");
    let mut ranked = rank::rank(index, &question, &hits);
    if let Some(asked) = asked {
        match index.closeness(asked, &hits) {
            Ok(closeness) => ranked.weigh_meaning(&closeness),
            Err(error) => tracing::warn!(%error, "answering by words alone"),
        }
    }
    let found = |k: usize| index.doc_freq(&question.terms[k].term) > 0 || ranked.found_anywhere(k);
    let unanswerable =
        (0..question.terms.len()).any(|k| question.requires(&question.terms[k]) && !found(k));
    Ok(then(&question, &ranked, unanswerable))
}

/// Whether the passages write `word` as a name of its own: capitalised wherever it is not
/// the first word of a sentence, and at least once with no other name word beside it
/// ("the Moon", "Russia's delegation"; not the "Trophy" of "the Vince Lombardi Trophy",
/// which leaves "trophy" a common word), or beside only other words of the question
/// (`typed`, in lower case) that are no office: "ciragan palace" is the whole name
/// "Ciragan Palace". The `subject` of "who is …?" needs no more than to be written
/// capitalised: "who is medinsky?" asks about Medinsky, whom reports call "Vladimir Medinsky".
fn written_as_name(hits: &[Hit], word: &str, typed: &[String], subject: bool) -> bool {
    // Words as `char::is_alphanumeric` has them, with their places in the sentence.
    static WORD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"[\p{Alphabetic}\p{N}]+").expect("valid pattern")
    });
    // An office typed in lower case stays one: "deputy administrator" is no name.
    let office = |w: &str| crate::lexicon::is_person_noun(&w.to_lowercase());
    let office_word = office(word);
    let (mut alone, mut seen) = (false, false);
    for hit in hits {
        for sentence in &hit.sentences {
            let text = &hit.text[sentence.clone()];
            let words: Vec<regex::Match> = WORD.find_iter(text).collect();
            // A name word or link next to it, across a space only: "Germany, France" is a list.
            let joins = |neighbour: &regex::Match, between: Range<usize>| {
                let w = neighbour.as_str();
                text[between].chars().all(char::is_whitespace)
                    && (w.starts_with(char::is_uppercase) || spans::NAME_LINKS.contains(&w))
                    && !(typed.contains(&w.to_lowercase()) && !office_word && !office(w))
            };
            for (i, w) in words.iter().enumerate().skip(1) {
                if !w.as_str().eq_ignore_ascii_case(word) {
                    continue;
                }
                if !w.as_str().starts_with(char::is_uppercase) {
                    return false;
                }
                let before = &words[i - 1];
                let after = words.get(i + 1);
                seen = true;
                alone |= !joins(before, before.end()..w.start())
                    && !after.is_some_and(|a| joins(a, w.end()..a.start()));
            }
        }
    }
    alone || subject && seen && !office_word
}

/// The sentence to answer with: the best-ranked verified one, unless it falls short of
/// `MIN_PROBABILITY` where one of the next `FALLBACKS` verified ones, holding an answer of
/// the very type asked for, reaches it (ranking and the probability weigh the evidence
/// differently; a compatible type, such as "passengers" for a name, is no such answer).
fn choose<'r>(question: &'r Question, ranked: &'r Ranked) -> Option<(&'r Sentence, Features)> {
    let with_features = |s: &'r Sentence| (s, Features::of(question, ranked, s));
    let confident = |(_, f): &(&Sentence, Features)| f.probability() >= MIN_PROBABILITY;
    let mut verified = ranked.verified_in_order(question);
    let best = with_features(verified.next()?);
    if confident(&best) {
        return Some(best);
    }
    let exact = |s: &&Sentence| {
        s.answer_type == AnswerType::Description
            || s.candidate.as_ref().is_some_and(|c| c.is_exact_type())
    };
    verified
        .take(FALLBACKS)
        .filter(exact)
        .map(with_features)
        .find(confident)
        .or(Some(best))
}

/// The reply from a ranking: the sentence `choose` picks when its probability reaches
/// `min_probability`, else the nearest passages.
fn respond(
    question: &Question,
    ranked: &Ranked,
    unanswerable: bool,
    min_probability: f32,
) -> (Response, Option<Features>) {
    let probability = |s: &Sentence| Features::of(question, ranked, s).probability();
    let chosen = (!unanswerable).then(|| choose(question, ranked)).flatten();
    let features = chosen.as_ref().map(|(_, f)| f.clone());
    let confident = chosen
        .map(|(s, f)| (s, f.probability()))
        .filter(|&(_, p)| p >= min_probability);
    let Some((best, best_probability)) = confident else {
        let response = Response {
            question: question.text.clone(),
            answer: None,
            also: Vec::new(),
            related: ranked
                .per_passage()
                .take(RELATED)
                .map(|s| cite(ranked, s, probability(s), false))
                .collect(),
        };
        return (response, features);
    };

    let answer = cite(ranked, best, best_probability, true);
    let also = ranked
        .other_sources(question, best)
        .take(ALSO)
        .map(|s| {
            let mut cited = cite(ranked, s, probability(s), true);
            cited.agrees = match (&answer.text, &cited.text) {
                // Dates agree only when both resolve to a day: "Monday" and "1pm" may both hold.
                _ if question.answer_type == AnswerType::Date => {
                    answer.date.zip(cited.date).map(|(a, b)| a == b)
                }
                // Two descriptions of one name ("a Putin ally", "an aide to Putin") both hold.
                _ if question.answer_type == AnswerType::Description => None,
                (Some(a), Some(b)) => Some(rank::same_answer(
                    question.answer_type,
                    a,
                    b,
                    best.hedged(),
                    s.hedged(),
                )),
                _ => None,
            };
            cited
        })
        .collect();
    let response = Response {
        question: question.text.clone(),
        answer: Some(answer),
        also,
        related: Vec::new(),
    };
    (response.with_copies_folded(), features)
}

impl Response {
    /// Folds `also` entries that quote a copy of an earlier entry's passage (the same wire
    /// story on several sites) into that entry's `also_reported_by`.
    fn with_copies_folded(mut self) -> Self {
        let Some(answer) = self.answer.as_mut() else {
            return self;
        };
        let mut kept: Vec<(Cited, Fingerprint)> = Vec::new();
        let answer_print = Fingerprint::of(&answer.snippet);
        for cited in std::mem::take(&mut self.also) {
            let print = Fingerprint::of(&cited.snippet);
            if print.is_copy(&answer_print) {
                answer.also_reported_by.push(cited.source);
            } else if let Some((first, _)) = kept.iter_mut().find(|(_, p)| p.is_copy(&print)) {
                first.also_reported_by.push(cited.source);
            } else {
                kept.push((cited, print));
            }
        }
        self.also = kept.into_iter().map(|(c, _)| c).collect();
        self
    }
}

/// Builds the citation of a ranked sentence: the sentence (or two) and its span.
fn cite(ranked: &Ranked, sentence: &Sentence, probability: f32, with_span: bool) -> Cited {
    let hit = &ranked.hits[sentence.hit];
    let (snippet_range, span) = ranked.snippet(sentence);
    let snippet = hit.text[snippet_range.clone()].to_string();
    let span = span
        .filter(|_| with_span)
        .map(|r| r.start - snippet_range.start..r.end - snippet_range.start);
    let text = span.as_ref().map(|r| snippet[r.clone()].to_string());
    let date = text.as_deref().and_then(|t| {
        let published = hit.source.published?.naive()?;
        let tense = if FUTURE.iter().any(|w| snippet.contains(w)) {
            Tense::Future
        } else {
            Tense::Past
        };
        resolve_relative(t, published, tense).filter(|_| sentence.answer_type == AnswerType::Date)
    });
    Cited {
        text,
        snippet,
        score: rounded(probability),
        source: (*hit.source).clone(),
        passage: hit.passage,
        date,
        agrees: None,
        also_reported_by: Vec::new(),
        span,
    }
}

/// Phrases that put a weekday in the future: "talks will resume on Monday".
const FUTURE: &[&str] = &[
    " will ",
    " would ",
    " expected to ",
    " set to ",
    " scheduled ",
    " due to ",
    " to be held",
    " planned for ",
];

/// A passage found by `search`, with the byte ranges of the query's words in it.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    pub score: f64,
    pub source: SourceInfo,
    pub passage: u64,
    pub text: String,
    pub highlights: Vec<Range<usize>>,
}

/// Ranked passages for free-text words (no query syntax), with highlights.
pub fn search(
    index: &Index,
    query: &str,
    limit: usize,
    offset: usize,
) -> Result<Vec<Found>, AskError> {
    let question = Question::analyse(query)?;
    let hits = index.search_page(&search_terms(index, &question), limit, offset)?;
    Ok(hits
        .into_iter()
        .map(|hit| {
            let highlights = crate::index::analyzer::terms(&hit.text)
                .into_iter()
                .filter(|t| question.has_term(&t.term))
                .map(|t| t.range)
                .collect();
            Found {
                score: rounded(hit.score),
                source: (*hit.source).clone(),
                passage: hit.passage,
                text: hit.text,
                highlights,
            }
        })
        .collect())
}

/// The search for a question. Every term weighs the same here (the roles matter when
/// ranking sentences, not when finding passages), and so do its other spellings
/// ("centre" for "center"); expansions weigh less; a word the corpus never spells that
/// way ("Zelenskyy", "intercpetions") is searched by its spelling variants. (tantivy
/// scores fuzzy matches as a constant, so they must not stand in for an exact term.)
fn search_terms(index: &Index, question: &Question) -> Vec<SearchTerm> {
    question
        .terms
        .iter()
        .zip(terms_of_question(index, question))
        .flat_map(|(t, term)| {
            let expansions = t.expansions.iter().map(|e| {
                let spelling = t.spellings.contains(e);
                let weight = if spelling {
                    1.0
                } else {
                    EXPANSION_SEARCH_WEIGHT
                };
                SearchTerm::new(e, weight)
            });
            std::iter::once(term).chain(expansions)
        })
        .collect()
}

/// Weight of an expansion ("bomber" for "warplane") in the passage search.
const EXPANSION_SEARCH_WEIGHT: f32 = 0.3;

/// One search term per question term, in order.
fn terms_of_question(index: &Index, question: &Question) -> Vec<SearchTerm> {
    question
        .terms
        .iter()
        .map(|t| SearchTerm {
            // A word the corpus lacks may be mistyped ("intercpetions"), not one the
            // dictionary knows ("mayor" is no "major").
            spelling_variants: t.term.chars().count() >= 5
                && index.doc_freq(&t.term) == 0
                && !crate::lexicon::is_dictionary_word(&t.word.to_lowercase()),
            ..SearchTerm::new(&t.term, 1.0)
        })
        .collect()
}

/// A score as shown to people and in JSON: three decimals.
fn rounded(score: f32) -> f64 {
    (f64::from(score) * 1000.0).round() / 1000.0
}
