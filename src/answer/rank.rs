//! Sentence ranking: every sentence of the candidate passages is scored on how much of the
//! question it covers (IDF-weighted), which of its word pairs it says as phrases, what its
//! passage adds, whether it holds an answer of the wanted type near the question's terms,
//! BM25, and conflicting qualifiers.

use std::collections::HashSet;
use std::ops::Range;

use super::question::{
    AnswerType, BE_FORMS, Heading, MAX_TERMS, Measure, Question, QuestionTerm, Role,
};
use super::spans::{self, fit_strength};
use crate::index::analyzer::{self, Term};
use crate::index::{Closeness, Hit, Index};
use crate::lexicon::{
    demonym_place, irregular_base, is_demonym, is_determiner, is_dictionary_word, is_inflection_of,
    is_person_noun, is_place_name, is_stop_word,
};

const W_COVERAGE: f32 = 0.65;
const W_CONTEXT: f32 = 0.1;
const W_PROXIMITY: f32 = 0.1;
/// Weight of the question's word pairs said as phrases ("theory of immunity").
const W_PHRASE: f32 = 0.2;
const W_BM25: f32 = 0.1;
/// BM25 enters as (score / best score)^BM25_SHARPNESS: the top passages stand out.
const BM25_SHARPNESS: f32 = 2.0;
/// Weight of the encoder's cosine in the order of sentences for description questions,
/// and the cosine that adds nothing (about that of a sentence on another topic).
const W_MEANING: f32 = 0.5;
const MEANING_BASELINE: f32 = 0.3;
/// Weight of the question terms a neighbouring sentence adds (a snippet may hold two).
const W_NEIGHBOUR: f32 = 0.2;
/// A sentence with an answer of the exact type and full confidence (it, or its passage,
/// says every word of the question) stands alone; others get their better neighbour in
/// the snippet, which often holds what they leave unsaid.
const ALONE_CONFIDENCE: f32 = 1.0;
/// For typed questions the evidence score is scaled by `floor + (1 - floor) × fit`: a
/// sentence without an answer of the wanted type keeps only the floor. It is lowest where
/// the recogniser is surest of what an answer looks like (numbers, dates), higher where
/// answers are often what it cannot see (places such as "the San Jose State practice
/// facility", people named by their office, things named in lower case). Measured on SQuAD
/// and the news questions together.
fn type_floor(kind: AnswerType) -> f32 {
    match kind {
        AnswerType::Date | AnswerType::Duration => 0.55,
        AnswerType::Number | AnswerType::Money | AnswerType::Percent => 0.6,
        AnswerType::Person | AnswerType::Place => 0.7,
        AnswerType::Name => 0.8,
        AnswerType::Description => 1.0,
    }
}
/// The score kept by a sentence that names what a question asks to define without saying
/// what it is ("Medinsky said …" for "who is Medinsky?").
const UNDEFINED_FACTOR: f32 = 0.8;
/// How well a person described ("the quantity surveyor") answers a who-question, where a
/// name answers fully.
const DESCRIBED_STRENGTH: f32 = 0.6;
const CONFLICT_PENALTY: f32 = 0.35;
/// The weight of a name's leading words against its last: texts write "Newton" for "Cam
/// Newton" and "the Panthers" for "the Carolina Panthers" once they have named them.
const LEADING_NAME_WORD: f32 = 0.5;
/// Sentences whose evidence is below this share of the best are not searched for answer
/// candidates: even a perfect candidate could not lift them to the top.
const CANDIDATE_EVIDENCE_SHARE: f32 = 0.4;
/// Each source's best sentences are searched for candidates all the same, so that `also`
/// can show what every source says.
const CANDIDATES_PER_SOURCE: usize = 3;
/// Share of a term's weight a sentence earns when its source's title has the term: a
/// report or an article is about its title throughout, and says so by "it" or not at all.
const TITLE_CREDIT: f32 = 0.6;
/// Share of a name's weight earned by a variant of it ("Russian" for "Russia").
const VARIANT_CREDIT: f32 = 0.8;
/// Share of a term's weight earned by a more specific name for it ("bomber" for "warplane").
pub const EXPANSION_CREDIT: f32 = 0.6;

/// A scored sentence of one of the candidate passages.
#[derive(Debug, Clone)]
pub struct Sentence {
    /// Index of its passage in `Ranked::hits`.
    pub hit: usize,
    /// Its position among the passage's sentences.
    pub index: usize,
    /// Byte range in the passage text.
    pub range: Range<usize>,
    pub score: f32,
    /// Share of the question's weight found in the sentence (plus half of what only its
    /// passage has): below the engine's threshold there is no answer.
    pub confidence: f32,
    /// What the answer's probability is estimated from.
    pub evidence: Evidence,
    pub answer_type: AnswerType,
    /// The best answer candidate, as a byte range in the passage text.
    pub candidate: Option<Candidate>,
    /// Which question terms it has (bit k: term k).
    matched: u64,
    /// Which question terms it, its passage or its source's title has.
    said_around: u64,
    type_factor: f32,
}

/// Measures of how well a sentence answers the question, beside its score.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// Share of the question's weight the sentence itself says.
    pub coverage: f32,
    /// Share of the question's weight that neither the sentence, its passage nor its
    /// source's title says.
    pub absent: f32,
    /// The IDF of the most specific question term the sentence does not say (0: it says
    /// them all).
    pub missing_idf: f32,
    /// Share of the question's terms the sentence (or its title) says, unweighted.
    pub matched_share: f32,
    /// Its answer candidate's fit: type × closeness to the question's terms (0: none).
    pub fit: f32,
    /// It speaks of the question's thing with another qualifier.
    pub conflict: bool,
    /// Other sources whose candidates say the same answer.
    pub support: usize,
    /// The encoder's cosine of the sentence and the question, when it has a vector.
    pub closeness: Option<f32>,
}

#[derive(Debug, Clone)]
pub struct Candidate {
    pub range: Range<usize>,
    pub hedged: bool,
    /// How well its type fits the question's (1 exact, less for a compatible type).
    pub strength: f32,
    /// The question's focal term stands right beside it ("117 drones").
    pub beside_focal: bool,
    /// The focal term stands within a short phrase of it ("Niek Stam, the FNV's lead
    /// negotiator").
    pub near_focal: bool,
    /// It is the source a tag of its sentence names ("…, according to Pavel Roth"): what
    /// the sentence before introduces is not it.
    pub source: bool,
}

impl Candidate {
    /// A span of the very type asked for, found at `span` of the sentence starting at
    /// `offset`, beside the focal term or not.
    fn exact(offset: usize, span: Range<usize>, beside_focal: bool) -> Candidate {
        Candidate {
            range: offset + span.start..offset + span.end,
            hedged: false,
            strength: 1.0,
            beside_focal,
            near_focal: beside_focal,
            source: false,
        }
    }

    /// Whether it is of the very type asked for, not merely a compatible one.
    pub fn is_exact_type(&self) -> bool {
        self.strength == 1.0
    }
}

impl Sentence {
    pub fn hedged(&self) -> bool {
        self.candidate.as_ref().is_some_and(|c| c.hedged)
    }

    /// Whether it holds an answer of the kind asked for (or a close kind); description
    /// questions are always satisfied.
    pub fn has_answer_type(&self) -> bool {
        self.answer_type == AnswerType::Description
            || self.candidate.as_ref().is_some_and(|c| c.strength >= 0.6)
    }
}

/// The ranked sentences of the candidate passages.
pub struct Ranked<'h> {
    pub hits: &'h [Hit],
    sentences: Vec<Sentence>,
    /// Indices into `sentences`, best first.
    order: Vec<usize>,
    /// The IDF of the question's most specific term, and the sum over its terms.
    pub top_idf: f32,
    pub idf_total: f32,
}

/// A sentence scored on its terms, before answer candidates are looked for.
struct Draft {
    said_around: u64,
    hit: usize,
    index: usize,
    range: Range<usize>,
    /// Its tokens' positions in the passage's analyzed terms.
    tokens: Range<usize>,
    /// For each question term, where it occurs among the sentence's tokens.
    found: Vec<Vec<usize>>,
    evidence: f32,
    confidence: f32,
    coverage: f32,
    absent: f32,
    missing_idf: f32,
    matched_share: f32,
    conflict: bool,
}

/// One question term with its IDF weight.
struct Weighted<'q> {
    term: &'q QuestionTerm,
    /// How specific the term is in this corpus.
    idf: f32,
    /// `idf` times the term's role weight; unseen terms count fully whatever their role,
    /// because a corpus that never uses a word of the question rarely answers it.
    weight: f32,
    /// The corpus never spells it so: match words one edit away ("intercpetions").
    unseen: bool,
    /// An unseen word the dictionary knows ("mayor"): one edit away is another word
    /// ("major"), unless it is an irregular form of it ("freemen" for "freeman").
    known_word: bool,
}

pub fn rank<'h>(index: &Index, question: &Question, hits: &'h [Hit]) -> Ranked<'h> {
    let (weighted, total) = weigh(index, question);
    let analyzed: Vec<Vec<Term>> = hits.iter().map(|hit| analyzer::terms(&hit.text)).collect();
    let drafts = draft(question, &weighted, total, hits, &analyzed);
    let mut sentences = find_candidates(question, &weighted, hits, &analyzed, drafts);
    let weights: Vec<f32> = weighted.iter().map(|w| w.weight / total).collect();
    reward_neighbours(&mut sentences, &weights);
    reward_redundancy(&mut sentences, hits);
    let mut order: Vec<usize> = (0..sentences.len()).collect();
    order.sort_by(|&a, &b| sentences[b].score.total_cmp(&sentences[a].score));
    if let Some(&top) = order.first() {
        let s = &sentences[top];
        tracing::debug!(
            source = %hits[s.hit].source.id,
            passage = hits[s.hit].passage,
            score = s.score,
            confidence = s.confidence,
            sentences = sentences.len(),
            "ranked"
        );
    }
    Ranked {
        hits,
        sentences,
        order,
        top_idf: weighted.iter().map(|w| w.idf).fold(0.0, f32::max),
        idf_total: weighted.iter().map(|w| w.idf).sum(),
    }
}

/// The question's terms weighed by their role and their IDF in this corpus, and the sum
/// of the weights.
fn weigh<'q>(index: &Index, question: &'q Question) -> (Vec<Weighted<'q>>, f32) {
    let weighted: Vec<Weighted> = question
        .terms
        .iter()
        .map(|t| {
            let idf = index.idf(&t.term);
            let unseen = index.doc_freq(&t.term) == 0;
            let seen = !unseen || t.expansions.iter().any(|e| index.doc_freq(e) > 0);
            // Unseen words count fully, but a verb only as a verb: articles paraphrase
            // verbs ("went on strike" for "began"), rarely things.
            let role = if seen || t.role == Role::Verb {
                t.weight(question.answer_type)
            } else {
                t.weight(question.answer_type).max(1.0)
            };
            let role = if leads_a_name(question, t) {
                role * LEADING_NAME_WORD
            } else {
                role
            };
            Weighted {
                term: t,
                idf,
                weight: role * idf,
                unseen,
                known_word: unseen && is_dictionary_word(&t.word.to_lowercase()),
            }
        })
        .collect();
    let total: f32 = weighted
        .iter()
        .map(|w| w.weight)
        .sum::<f32>()
        .max(f32::EPSILON);
    (weighted, total)
}

/// Whether a name word of the question has another right after it: "Cam" in "Cam Newton",
/// "Carolina" in "the Carolina Panthers".
fn leads_a_name(question: &Question, term: &QuestionTerm) -> bool {
    term.role == Role::Proper
        && question
            .terms
            .iter()
            .any(|next| next.role == Role::Proper && next.position == term.position + 1)
}

/// First pass: the evidence of every sentence of the passages, from its terms alone.
fn draft(
    question: &Question,
    weighted: &[Weighted],
    total: f32,
    hits: &[Hit],
    analyzed: &[Vec<Term>],
) -> Vec<Draft> {
    let top_bm25 = hits.first().map_or(1.0, |h| h.score.max(f32::EPSILON));
    let ordinals = question_ordinals(question);
    let numbered = question_numbered(question);

    let mut drafts = Vec::new();
    for (h, (hit, tokens)) in hits.iter().zip(analyzed).enumerate() {
        let title_tokens: HashSet<String> = hit
            .source
            .title
            .as_deref()
            .map(|t| analyzer::terms(t).into_iter().map(|t| t.term).collect())
            .unwrap_or_default();
        // Each question term's credit for each token of the passage, matched once.
        let credit: Vec<Vec<Option<f32>>> = weighted
            .iter()
            .map(|w| tokens.iter().map(|t| matches(w, t, &hit.text)).collect())
            .collect();
        let in_passage: Vec<bool> = weighted
            .iter()
            .zip(&credit)
            .map(|(w, c)| title_tokens.contains(&w.term.term) || c.iter().any(Option::is_some))
            .collect();
        let said_around = bits(in_passage.iter().copied());
        for (i, range) in hit.sentences.iter().cloned().enumerate() {
            let first = tokens.partition_point(|t| t.range.start < range.start);
            let last = tokens.partition_point(|t| t.range.end <= range.end);
            let sentence_tokens: Vec<&Term> = tokens[first..last.max(first)].iter().collect();
            let credits: Vec<Vec<(usize, f32)>> = credit
                .iter()
                .map(|c| {
                    c[first..last.max(first)]
                        .iter()
                        .enumerate()
                        .filter_map(|(k, c)| c.map(|c| (k, c)))
                        .collect()
                })
                .collect();
            let covered: f32 = weighted
                .iter()
                .zip(&credits)
                .map(|(w, c)| {
                    let said = c.iter().map(|(_, c)| *c).fold(0.0f32, f32::max);
                    let titled = if title_tokens.contains(&w.term.term) {
                        TITLE_CREDIT
                    } else {
                        0.0
                    };
                    said.max(titled) * w.weight
                })
                .sum();
            let found: Vec<Vec<usize>> = credits
                .into_iter()
                .map(|c| c.into_iter().map(|(k, _)| k).collect())
                .collect();
            let context: f32 = weighted
                .iter()
                .zip(&found)
                .zip(&in_passage)
                .filter(|((_, f), p)| f.is_empty() && **p)
                .map(|((w, _), _)| w.weight)
                .sum();
            let coverage = covered / total;
            let context = context / total;
            let absent: f32 = weighted
                .iter()
                .zip(&in_passage)
                .filter(|(_, p)| !**p)
                .map(|(w, _)| w.weight)
                .sum::<f32>()
                / total;
            let unsaid = |(w, f): &(&Weighted, &Vec<usize>)| {
                f.is_empty() && !title_tokens.contains(&w.term.term)
            };
            let missing_idf = weighted
                .iter()
                .zip(&found)
                .filter(unsaid)
                .map(|(w, _)| w.idf)
                .fold(0.0, f32::max);
            let matched_share = 1.0
                - weighted.iter().zip(&found).filter(unsaid).count() as f32
                    / weighted.len().max(1) as f32;
            let conflict = qualifier_conflict(question, &sentence_tokens, &hit.text)
                || ordinal_conflict(&ordinals, &sentence_tokens, &hit.text)
                || numbered_conflict(&numbered, &sentence_tokens, &hit.text);
            let evidence = W_COVERAGE * coverage
                + W_PHRASE * phrases(&found, weighted, total)
                + W_CONTEXT * context
                + W_PROXIMITY * proximity(&found)
                + W_BM25 * (hit.score / top_bm25).powf(BM25_SHARPNESS);
            tracing::trace!(
                source = %hit.source.id,
                passage = hit.passage,
                sentence = i,
                coverage,
                context,
                evidence,
                "sentence"
            );
            let mut confidence = (coverage + 0.5 * context).min(1.0);
            if conflict {
                confidence *= 0.5;
            }
            drafts.push(Draft {
                said_around,
                hit: h,
                index: i,
                range,
                tokens: first..last.max(first),
                found,
                evidence,
                confidence,
                coverage,
                absent,
                missing_idf,
                matched_share,
                conflict,
            });
        }
    }

    drafts
}

/// Second pass: answer candidates, only where the evidence could make a winner or the
/// best answer of its source (the regular expressions are the costly part of ranking).
fn find_candidates(
    question: &Question,
    weighted: &[Weighted],
    hits: &[Hit],
    analyzed: &[Vec<Term>],
    drafts: Vec<Draft>,
) -> Vec<Sentence> {
    let best_evidence = drafts.iter().map(|d| d.evidence).fold(0.0, f32::max);
    let mut by_source: std::collections::HashMap<&str, Vec<f32>> = std::collections::HashMap::new();
    for d in &drafts {
        by_source
            .entry(hits[d.hit].source.id.as_str())
            .or_default()
            .push(d.evidence);
    }
    let source_floor: std::collections::HashMap<&str, f32> = by_source
        .into_iter()
        .map(|(id, mut evidence)| {
            evidence.sort_by(|a, b| b.total_cmp(a));
            (
                id,
                evidence
                    .get(CANDIDATES_PER_SOURCE - 1)
                    .copied()
                    .unwrap_or(0.0),
            )
        })
        .collect();
    let mut sentences = Vec::with_capacity(drafts.len());
    for Draft {
        said_around,
        hit: h,
        index: i,
        range,
        tokens,
        found,
        evidence,
        confidence,
        coverage,
        absent,
        missing_idf,
        matched_share,
        conflict,
    } in drafts
    {
        let hit = &hits[h];
        let sentence_tokens: Vec<&Term> = analyzed[h][tokens].iter().collect();
        let promising = evidence >= CANDIDATE_EVIDENCE_SHARE * best_evidence
            || evidence >= source_floor[hit.source.id.as_str()];
        let candidate = promising
            .then(|| {
                best_candidate(
                    question,
                    weighted,
                    &found,
                    &sentence_tokens,
                    &hit.text,
                    range.clone(),
                )
            })
            .flatten();
        let fit = candidate.as_ref().map_or(0.0, |(_, value)| *value);
        let type_fit = match (&candidate, question.answer_type) {
            (_, AnswerType::Description) => 1.0,
            (Some((_, strength)), _) => *strength,
            (None, _) => 0.0,
        };
        let floor = type_floor(question.answer_type);
        let type_factor = if question.defines && candidate.is_none() {
            UNDEFINED_FACTOR
        } else {
            floor + (1.0 - floor) * type_fit
        };
        let score = evidence * type_factor - if conflict { CONFLICT_PENALTY } else { 0.0 };
        let matched = bits(found.iter().map(|f| !f.is_empty()));
        sentences.push(Sentence {
            matched,
            said_around,
            type_factor,
            hit: h,
            index: i,
            range,
            score,
            confidence,
            evidence: Evidence {
                coverage,
                absent,
                missing_idf,
                matched_share,
                fit,
                conflict,
                support: 0,
                closeness: None,
            },
            answer_type: question.answer_type,
            candidate: candidate.map(|(c, _)| c),
        });
    }
    sentences
}

/// A set of question terms as bits (term k: bit k; a question has at most `MAX_TERMS`).
fn bits(has: impl Iterator<Item = bool>) -> u64 {
    has.enumerate()
        .filter(|&(k, has)| has && k < MAX_TERMS)
        .fold(0, |m, (k, _)| m | 1 << k)
}

/// The weighted share of the question's word pairs (consecutive terms) that the sentence
/// says as a phrase: the second within three tokens after the first.
fn phrases(found: &[Vec<usize>], weighted: &[Weighted], total: f32) -> f32 {
    let said: f32 = found
        .windows(2)
        .zip(weighted.windows(2))
        .filter(|(pair, _)| {
            pair[0]
                .iter()
                .any(|&a| pair[1].iter().any(|&b| b > a && b - a <= 3))
        })
        .map(|(_, w)| w[0].weight + w[1].weight)
        .sum();
    said / (2.0 * total)
}

/// How tightly the matched question terms sit together — matched terms per token of the
/// smallest window holding one of each — and in the question's order ("Ukraine is
/// demanding" answers "what does Ukraine demand?" better than "demanded that Ukraine"),
/// scaled by the share of the question's terms matched: two of five words side by side
/// say less than all five close together. Neutral 0.5 with fewer than two terms.
fn proximity(found: &[Vec<usize>]) -> f32 {
    let firsts: Vec<usize> = found.iter().filter_map(|f| f.first().copied()).collect();
    if firsts.len() < 2 {
        return 0.5;
    }
    let pairs = firsts.len() * (firsts.len() - 1) / 2;
    let in_order = (0..firsts.len())
        .flat_map(|i| (i + 1..firsts.len()).map(move |j| (i, j)))
        .filter(|&(i, j)| firsts[i] < firsts[j])
        .count();
    let order = in_order as f32 / pairs as f32;
    let share = firsts.len() as f32 / found.len() as f32;
    tightness(found) * (0.7 + 0.3 * order) * share
}

/// Matched terms per token of the smallest window holding one of each.
fn tightness(found: &[Vec<usize>]) -> f32 {
    let matched: Vec<&Vec<usize>> = found.iter().filter(|f| !f.is_empty()).collect();
    let mut positions: Vec<(usize, usize)> = matched
        .iter()
        .enumerate()
        .flat_map(|(term, f)| f.iter().map(move |&k| (k, term)))
        .collect();
    positions.sort_unstable();
    // Smallest window covering every term: two pointers over the sorted positions.
    let mut counts = vec![0usize; matched.len()];
    let (mut covered, mut start, mut best) = (0, 0, usize::MAX);
    for end in 0..positions.len() {
        let term = positions[end].1;
        counts[term] += 1;
        if counts[term] == 1 {
            covered += 1;
        }
        while covered == matched.len() {
            best = best.min(positions[end].0 - positions[start].0 + 1);
            let first = positions[start].1;
            counts[first] -= 1;
            if counts[first] == 0 {
                covered -= 1;
            }
            start += 1;
        }
    }
    matched.len() as f32 / best as f32
}

/// Question terms a sentence lacks but its neighbour has count for it: a two-sentence
/// snippet can carry them ("The stadium opened in 2014. It hosted Super Bowl 50.").
fn reward_neighbours(sentences: &mut [Sentence], weights: &[f32]) {
    let gains: Vec<f32> = (0..sentences.len())
        .map(|i| {
            let s = &sentences[i];
            let neighbours = [i.checked_sub(1), Some(i + 1)]
                .into_iter()
                .flatten()
                .filter_map(|j| sentences.get(j))
                .filter(|n| n.hit == s.hit && n.index.abs_diff(s.index) == 1);
            neighbours
                .map(|n| {
                    let extra = n.matched & !s.matched;
                    weights
                        .iter()
                        .enumerate()
                        .filter(|(k, _)| *k < MAX_TERMS && extra & (1 << k) != 0)
                        .map(|(_, w)| w)
                        .sum::<f32>()
                })
                .fold(0.0, f32::max)
        })
        .collect();
    for (s, gain) in sentences.iter_mut().zip(gains) {
        s.score += W_NEIGHBOUR * gain * s.type_factor;
    }
}

/// An answer that several sources give is more likely right (answer redundancy): each
/// sentence's score grows with the number of other sources whose candidates say the same,
/// where its answer is of the type asked for.
/// An article repeating its own subject ("the Broncos … the Broncos") is one voice.
fn reward_redundancy(sentences: &mut [Sentence], hits: &[Hit]) {
    const PER_SUPPORT: f32 = 0.1;
    const MAX_SUPPORT: usize = 3;
    let keys: Vec<Option<String>> = sentences
        .iter()
        .map(|s| {
            let c = s.candidate.as_ref()?;
            answer_key(&hits[s.hit].text[c.range.clone()])
        })
        .collect();
    let mut sources = std::collections::HashMap::<&str, HashSet<&str>>::new();
    for (s, key) in sentences.iter().zip(&keys) {
        if let Some(key) = key {
            sources
                .entry(key)
                .or_default()
                .insert(hits[s.hit].source.id.as_str());
        }
    }
    for (s, key) in sentences.iter_mut().zip(&keys) {
        if let Some(key) = key {
            let support = (sources[key.as_str()].len() - 1).min(MAX_SUPPORT);
            s.evidence.support = support;
            // A country read as an actor is named in every report on a story: only an
            // answer of the very type asked for gains from being said again.
            if s.candidate.as_ref().is_some_and(Candidate::is_exact_type) {
                s.score *= 1.0 + PER_SUPPORT * support as f32;
            }
        }
    }
}

/// Whether two sentences, by the words they say beyond the question's, report the same
/// thing: at least two shared, and at least this share of the shorter one's.
fn same_report(a: &HashSet<String>, b: &HashSet<String>) -> bool {
    const SHARED: f32 = 0.3;
    let shared = a.intersection(b).count();
    shared >= 2 && shared as f32 >= SHARED * a.len().min(b.len()) as f32
}

/// What two spans share when they name the same answer: a figure's every word ("3
/// million", not any million), a name's last word (a surname), lower-cased.
fn answer_key(span: &str) -> Option<String> {
    let mut words = span
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase);
    if span.chars().any(|c| c.is_ascii_digit()) {
        Some(words.collect::<Vec<_>>().join(" ")).filter(|k| !k.is_empty())
    } else {
        words.next_back()
    }
}

/// Whether `text` says the kind of person the question asks about ("driver"), or the
/// question asks about none.
fn names_kind_asked(question: &Question, text: &str) -> bool {
    let mut kinds = question
        .terms
        .iter()
        .filter(|q| is_person_noun(&q.word.to_lowercase()))
        .peekable();
    kinds.peek().is_none() || {
        let said = analyzer::terms(text);
        kinds.any(|q| {
            said.iter()
                .any(|t| q.term == t.term || q.expansions.contains(&t.term))
        })
    }
}

/// The question's noun for the kind of person it asks for ("minister" in "who is
/// Ukraine's foreign minister?").
fn office_asked(question: &Question) -> Option<&QuestionTerm> {
    question.terms.iter().find(|q| {
        matches!(q.role, Role::Focal | Role::TypeWord) && is_person_noun(&q.word.to_lowercase())
    })
}

/// Whether the question asks for a kind of person: its office, or the name of one ("what
/// is the name of the Russian ombudsman?").
fn asks_kind_of_person(question: &Question) -> bool {
    question.answer_type == AnswerType::Person
        && (office_asked(question).is_some()
            || question.asks_name
                && question
                    .terms
                    .iter()
                    .any(|q| q.role == Role::Plain && is_person_noun(&q.word.to_lowercase())))
}

/// Whether a name with its titles (`titled`) holds the office the question asks about,
/// when the title right before it (`title`, not the complement in "the secretary of the
/// Union") has the question's noun for a person (None when not): not if the title
/// lacks the words the question puts before that noun ("Defense Minister Rustem Umerov"
/// for "who is Ukraine's foreign minister?"), makes it a deputy's ("Deputy Foreign
/// Minister Sergiy Kyslytsya") or another country's ("Russian Foreign Minister Sergei
/// Lavrov", or an untitled minister after another country in the sentence, `before`).
/// Words of rank ("top", "chief") name no other office.
fn holds_office(question: &Question, title: &str, titled: &str, before: &str) -> Option<bool> {
    const RANKS: &[&str] = &[
        "top",
        "chief",
        "head",
        "lead",
        "leading",
        "main",
        "senior",
        "principal",
        "current",
        "new",
    ];
    const SECONDS: &[&str] = &["deputy", "vice", "assistant"];
    let said = analyzer::terms(titled);
    let says = |q: &QuestionTerm| {
        said.iter()
            .any(|t| q.term == t.term || q.spellings.contains(&t.term))
    };
    let office = office_asked(question)?;
    let title_terms = analyzer::terms(title);
    let complement = title_terms
        .last()
        .is_none_or(|t| is_stop_word(&t.term) || !title[t.range.end..].trim().is_empty());
    if complement
        || !title_terms
            .iter()
            .any(|t| office.term == t.term || office.spellings.contains(&t.term))
    {
        return None;
    }
    let mut position = office.position;
    let mut qualified = true;
    let mut owners: Vec<&String> = office.qualifiers.iter().collect();
    let text = question.text.to_lowercase();
    while let Some(modifier) = position
        .checked_sub(1)
        .and_then(|p| question.terms.iter().find(|q| q.position == p))
    {
        let word = modifier.word.to_lowercase();
        owners.extend(&modifier.qualifiers);
        // The office's owner ends its words: "Portugal's", "Ukraine".
        let possessive = ["'s", "’s"]
            .iter()
            .any(|s| text.contains(&format!("{word}{s}")));
        if modifier.role == Role::Proper || possessive || is_place_name(&word) {
            owners.push(&modifier.term);
            owners.extend(&modifier.expansions);
            break;
        }
        qualified &= RANKS.contains(&word.as_str()) || says(modifier);
        position = modifier.position;
    }
    // A country's name or demonym in the title that is not the question's ("Russian" for
    // "Ukraine's"); where the title names none, in the sentence before it ("Facilitated by
    // Türkiye and chaired by Foreign Minister Hakan Fidan" names no minister of Ukraine's).
    let names_owner = |text: &str| {
        analyzer::terms(text).iter().any(|t| {
            owners
                .iter()
                .any(|o| t.term == **o || same_name(o, &t.term))
        })
    };
    let names_other = |text: &str, demonym: &dyn Fn(&str) -> bool| {
        analyzer::terms(text).iter().any(|t| {
            let word = &text[t.range.clone()];
            let lower = word.to_lowercase();
            word.starts_with(char::is_uppercase)
                && !question.has_term(&t.term)
                && (is_place_name(&lower) || demonym(&lower))
        })
    };
    // In a sentence, a person's name may end as a demonym does ("Fidan", "Ali"): only
    // WordNet's demonyms count there.
    let other_owner = !owners.is_empty()
        && !names_owner(title)
        && (names_other(title, &is_demonym)
            || names_other(before, &|w| demonym_place(w).is_some()) && !names_owner(before));
    let second = titled.split_whitespace().any(|w| {
        let w = w.to_lowercase();
        SECONDS.contains(&w.as_str()) && !text.contains(&w)
    });
    Some(qualified && !second && !other_owner)
}

/// Whether two answer keys name one answer: the same, or one a part of the other that
/// leaves out no figure ("2022" of "february 2022", not "1 000" of "1 000 000").
fn keys_agree(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let mut rest: Vec<&str> = long.split(' ').collect();
    for word in short.split(' ') {
        match rest.iter().position(|w| *w == word) {
            Some(i) => {
                rest.remove(i);
            }
            None => return false,
        }
    }
    rest.iter().all(|w| !w.chars().any(|c| c.is_ascii_digit()))
}

/// How far a text token is this question term: 1 for the same analyzed term or, for
/// names, a demonym of it ("Russian" for "Russia") or the last word of the name an
/// abbreviation spells out ("Press" for "AP"); less for a more specific name, and
/// for another word of its sense as a verb ("begin" for "start"), which the search does
/// not look for but a sentence may say instead.
fn matches(w: &Weighted, token: &Term, text: &str) -> Option<f32> {
    let term = w.term;
    let respelt = term.spellings.contains(&token.term);
    if respelt || token.term == term.term || (term.term == "number" && designation(token, text)) {
        return Some(1.0);
    }
    let name = respells(term, token, text)
        || term.role == Role::Proper
            && text[token.range.clone()].starts_with(char::is_uppercase)
            && same_name(&term.term, &token.term);
    // A word the dictionary knows is no misspelling ("mayor" of "major"), but it may be
    // an irregular form of the token's ("freeman", "freemen").
    let misspelt = w.unseen
        && term.term.chars().count() >= 5
        && one_edit_apart(&term.term, &token.term)
        && (!w.known_word || {
            let (asked, written) = (
                term.word.to_lowercase(),
                text[token.range.clone()].to_lowercase(),
            );
            is_inflection_of(&written, &asked) || is_inflection_of(&asked, &written)
        });
    let spelt_out = term.role == Role::Proper
        && text[token.range.clone()].starts_with(char::is_uppercase)
        && term.spelt_out_before(text, token.range.end);
    if name || misspelt || spelt_out {
        Some(VARIANT_CREDIT)
    } else if term.expansions.contains(&token.term) || term.synonyms.contains(&token.term) {
        Some(EXPANSION_CREDIT)
    } else {
        None
    }
}

/// Whether a token is the abbreviation of "number" before a figure: "No. 86", "No 10".
fn designation(token: &Term, text: &str) -> bool {
    let written = &text[token.range.clone()];
    let after = text[token.range.end..]
        .strip_prefix('.')
        .unwrap_or(&text[token.range.end..]);
    written == "No"
        && after.starts_with(' ')
        && after
            .trim_start_matches(' ')
            .starts_with(|c: char| c.is_ascii_digit())
}

/// Whether a capitalised token writes a name of the question with another ending, the
/// written words one edit apart in their last two letters: "Zelenskyy" or "Zelenskiy" for
/// "Zelensky", whose English stems ("zelenskyy", "zelenski") are two edits apart. A demonym
/// is another word ("Russian", "Russia"), and an edit further in makes another name
/// ("Umierov", "Umerov").
fn respells(term: &QuestionTerm, token: &Term, text: &str) -> bool {
    // Called for every question term and sentence word: the cheap tests first.
    let written = &text[token.range.clone()];
    if term.role != Role::Proper
        || !written.starts_with(char::is_uppercase)
        || term.word.len().abs_diff(written.len()) > 4
    {
        return false;
    }
    let (asked, written) = (term.word.to_lowercase(), written.to_lowercase());
    let shorter = asked.chars().count().min(written.chars().count());
    let same_start = asked
        .chars()
        .zip(written.chars())
        .take_while(|(a, b)| a == b)
        .count();
    asked != written
        && shorter >= 6
        && same_start + 2 >= shorter
        && one_edit_apart(&asked, &written)
        && !is_demonym(&asked)
        && !is_demonym(&written)
}

/// Whether two analyzed names are variants of one: a demonym ("russia", "russian") or a
/// transliteration one edit apart ("zelenski", "zelenskiy").
fn same_name(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    (short.len() >= 4 && long.starts_with(short) && long.len() - short.len() <= 3)
        || (short.chars().count() >= 5 && one_edit_apart(short, long))
}

/// Edit distance of at most one, a swap of neighbouring letters counting as one edit
/// ("intercpetions"), as in the passage search.
fn one_edit_apart(a: &str, b: &str) -> bool {
    // One edit changes the length by at most one character, four bytes: most pairs end
    // here, before their characters are collected.
    if a.len().abs_diff(b.len()) > 4 {
        return false;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    if short.len() == long.len() {
        let swapped = prefix + 1 < short.len()
            && short[prefix] == long[prefix + 1]
            && short[prefix + 1] == long[prefix]
            && short[prefix + 2..] == long[prefix + 2..];
        prefix == short.len() || short[prefix + 1..] == long[prefix + 1..] || swapped
    } else {
        short[prefix..] == long[prefix + 1..]
    }
}

/// A sentence about "Ukraine's delegation" does not answer a question about "Russia's
/// delegation": the question's qualified term appears with a different name before it,
/// and the question's own qualifier is nowhere in the sentence.
fn qualifier_conflict(question: &Question, tokens: &[&Term], text: &str) -> bool {
    question.terms.iter().any(|q| {
        if q.qualifiers.is_empty() {
            return false;
        }
        let has_qualifier = tokens.iter().any(|t| {
            q.qualifiers
                .iter()
                .any(|qualifier| t.term == *qualifier || same_name(qualifier, &t.term))
        });
        !has_qualifier
            && tokens.iter().enumerate().any(|(k, t)| {
                (t.term == q.term || q.expansions.contains(&t.term))
                    && tokens[..k]
                        .iter()
                        .rev()
                        .find(|p| p.term != "s")
                        .is_some_and(|p| {
                            // A capital that only opens the sentence ("These words") names
                            // nothing; one of the question's names ("Genghis sent" for
                            // "Genghis Khan send") is no other name.
                            !is_stop_word(&p.term)
                                && text[p.range.clone()].starts_with(char::is_uppercase)
                                && !question.has_term(&p.term)
                        })
            })
    })
}

/// Words for ordinals, by their number less one ("initial" is "first").
const ORDINALS: &[&[&str]] = &[
    &["first", "initial", "1st"],
    &["second", "2nd"],
    &["third", "3rd"],
    &["fourth", "4th"],
    &["fifth", "5th"],
    &["sixth", "6th"],
    &["seventh", "7th"],
    &["eighth", "8th"],
    &["ninth", "9th"],
    &["tenth", "10th"],
];

/// The ordinal a word says. Compared in place: it runs on every word of every candidate
/// sentence when the question has an ordinal.
fn ordinal(word: &str) -> Option<usize> {
    ORDINALS
        .iter()
        .position(|forms| forms.iter().any(|f| f.eq_ignore_ascii_case(word)))
}

/// The question's ordinals and the terms they qualify (1 and "round" in "when did the
/// first round take place?"), with the terms' more specific names.
fn question_ordinals(question: &Question) -> Vec<(usize, Vec<String>)> {
    let tokens = analyzer::terms(&question.text);
    tokens
        .windows(2)
        .filter_map(|pair| {
            let n = ordinal(&question.text[pair[0].range.clone()])?;
            let term = question.terms.iter().find(|t| t.term == pair[1].term)?;
            let mut names = vec![term.term.clone()];
            names.extend(term.expansions.iter().cloned());
            Some((n, names))
        })
        .collect()
}

/// A sentence about the "second round" does not answer a question about the "first
/// round": a term the question qualifies with an ordinal comes with another ordinal, and
/// the question's ordinal is said nowhere in the sentence.
fn ordinal_conflict(ordinals: &[(usize, Vec<String>)], tokens: &[&Term], text: &str) -> bool {
    let ordinal_of = |t: &Term| ordinal(&text[t.range.clone()]);
    ordinals.iter().any(|(n, names)| {
        tokens.windows(2).any(|pair| {
            names.contains(&pair[1].term) && ordinal_of(pair[0]).is_some_and(|m| m != *n)
        }) && !tokens.iter().any(|t| ordinal_of(t) == Some(*n))
    })
}

/// The number a name carries after it ("Super Bowl 50", "Super Bowl XLI", "World War
/// II", "Apollo 11"), where `name` and `number` are consecutive words; a day of a month
/// ("June 2") is a date, no numbered name.
fn numbered(name: &Term, number: &Term, text: &str) -> Option<u32> {
    let gap = text.get(name.range.end..number.range.start);
    let (name, number) = (&text[name.range.clone()], &text[number.range.clone()]);
    if gap != Some(" ") || !name.starts_with(char::is_uppercase) || spans::is_calendar_word(name) {
        return None;
    }
    if number.len() <= 4 && number.bytes().all(|b| b.is_ascii_digit()) {
        return number.parse().ok();
    }
    roman(number)
}

/// The value of a Roman numeral in capitals ("XLI" is 41).
fn roman(numeral: &str) -> Option<u32> {
    let digit = |c: char| match c {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        'D' => Some(500),
        'M' => Some(1000),
        _ => None,
    };
    let digits: Vec<u32> = numeral.chars().map(digit).collect::<Option<_>>()?;
    let value = digits.iter().enumerate().map(|(i, &d)| {
        if digits.get(i + 1).is_some_and(|&next| next > d) {
            -(d as i64)
        } else {
            d as i64
        }
    });
    u32::try_from(value.sum::<i64>()).ok().filter(|&v| v > 0)
}

/// The question's numbered names: the name's term and its number ("bowl", 50).
fn question_numbered(question: &Question) -> Vec<(String, u32)> {
    let tokens = analyzer::terms(&question.text);
    tokens
        .windows(2)
        .filter_map(|pair| {
            Some((
                pair[0].term.clone(),
                numbered(&pair[0], &pair[1], &question.text)?,
            ))
        })
        .collect()
}

/// A sentence about "Super Bowl XLI" does not answer a question about "Super Bowl 50": the
/// question's numbered name comes with another number, and never with its own.
fn numbered_conflict(numbered_names: &[(String, u32)], tokens: &[&Term], text: &str) -> bool {
    if numbered_names.is_empty() {
        return false;
    }
    let said: Vec<(&str, u32)> = tokens
        .windows(2)
        .filter_map(|pair| Some((pair[0].term.as_str(), numbered(pair[0], pair[1], text)?)))
        .collect();
    numbered_names.iter().any(|(name, n)| {
        let numbers = || said.iter().filter(|(said, _)| said == name).map(|(_, m)| m);
        numbers().any(|m| m != n) && !numbers().any(|m| m == n)
    })
}

/// The best answer candidate of a sentence and its strength (type fit × closeness to the
/// question's terms), skipping candidates that only repeat the question.
fn best_candidate(
    question: &Question,
    weighted: &[Weighted],
    found: &[Vec<usize>],
    tokens: &[&Term],
    text: &str,
    sentence: Range<usize>,
) -> Option<(Candidate, f32)> {
    if question.answer_type == AnswerType::Description {
        return question
            .defines
            .then(|| definition(found, tokens, text, sentence))
            .flatten();
    }
    if let Some(abbreviation) = &question.spells_out {
        let name = spans::spelt_out(&text[sentence.clone()], abbreviation)?;
        return Some((Candidate::exact(sentence.start, name, true), 1.0));
    }
    let token_at = |offset: usize| tokens.partition_point(|t| t.range.end <= offset);
    let focal = question.terms.iter().position(|t| t.role == Role::Focal);
    let type_word = question
        .terms
        .iter()
        .find(|t| t.role == Role::TypeWord)
        .map(|t| t.word.to_lowercase());
    let type_word = type_word.as_deref();
    // "where in Istanbul …?": a sentence placing the event "in Istanbul" names no finer
    // place, and its other places are who took part.
    let placed_within = question.asks_where
        && question.within.as_ref().is_some_and(|region| {
            (token_at(sentence.start)..token_at(sentence.end))
                .any(|k| tokens[k].term == *region && after_locative(tokens, k, text))
        });
    let said = &text[sentence.clone()];
    let candidates = spans::candidates(said);
    let is_name = |c: &spans::Candidate| {
        matches!(
            c.kind,
            AnswerType::Person | AnswerType::Place | AnswerType::Name
        )
    };
    // The tag of each candidate that is a source ("Governor Khinshtein wrote on Telegram
    // that").
    let tags: Vec<Option<Range<usize>>> = candidates
        .iter()
        .map(|c| {
            is_name(c)
                .then(|| spans::attribution_tag(said, c.range.clone()))
                .flatten()
        })
        .collect();
    // Where the sentence gives someone the office asked about as a title, only its holder
    // answers ("Rubio and Russian Foreign Minister Sergei Lavrov" names no foreign minister
    // of Ukraine).
    let offices: Vec<Option<bool>> = candidates
        .iter()
        .map(|c| {
            (question.answer_type == AnswerType::Person && !c.described)
                .then(|| {
                    let titled = spans::titled(said, c.range.clone());
                    let title = &said[titled.start..c.range.start];
                    holds_office(
                        question,
                        title,
                        &said[titled.clone()],
                        &said[..titled.start],
                    )
                })
                .flatten()
        })
        .collect();
    // The question's own name holding the office ("hired after head coach John Fox") is
    // no other holder.
    let office_titled = candidates.iter().zip(&offices).any(|(c, office)| {
        office.is_some()
            && !analyzer::terms(&said[c.range.clone()])
                .iter()
                .all(|t| question.has_term(&t.term))
    });
    candidates
        .into_iter()
        .zip(offices)
        .enumerate()
        .filter_map(|(i, (c, office))| {
            // A noun for people answers who-questions only: "workers" is no name of a place.
            let strength = match (c.described, question.answer_type) {
                // A person for certain is no place, ground for certain no one who acts.
                (false, wanted @ (AnswerType::Place | AnswerType::Person))
                    if c.certain && wanted != c.kind =>
                {
                    0.0
                }
                // A known place read as a person acts ("Ukraine, however, insists …"): it
                // is not where something happens.
                (false, AnswerType::Place)
                    if c.kind == AnswerType::Person
                        && is_place_name(
                            &text[sentence.start..][c.range.clone()].to_lowercase(),
                        ) =>
                {
                    0.0
                }
                // "what day" is not quite answered by "1920", nor "what year" by "May 5": a
                // date short of what is asked fits as a compatible type does.
                (false, AnswerType::Date)
                    if c.kind == AnswerType::Date
                        && type_word.is_some_and(|w| {
                            !spans::dates_as_asked(&text[sentence.start..][c.range.clone()], w)
                        }) =>
                {
                    0.6
                }
                (false, wanted) => fit_strength(wanted, c.kind),
                (true, wanted) if wanted == c.kind && !question.asks_name => DESCRIBED_STRENGTH,
                (true, _) => 0.0,
            };
            // "what time did the bridge collapse?" is not answered by "Saturday", "how far
            // is Belaya?" by "four airbases", nor "how old is he?" by a "two-day truce".
            // An age apposed to a name is that person's ("how old is the harbour master?"
            // is not answered by "Mara Quist, 47,").
            let unmeasured = question.measure.is_some_and(|m| {
                !spans::measures(said, c.range.clone(), m)
                    || m == Measure::Age
                        && spans::age_holder(said, c.range.clone()).is_some_and(|name| {
                            !analyzer::terms(&said[name])
                                .iter()
                                .any(|t| question.has_term(&t.term))
                        })
            });
            // "who said …?" is answered by whom the sentence quotes, not a name in the quote;
            // any other question about a kind of person ("the driver's name") not by the
            // source a tag names, unless the tag gives the source as that kind ("a truck
            // driver was detained, according to Tass", but ", port director Ines Vale said").
            // Only a name can be a source ("…, 117 said" names none).
            // The candidate is the source a tag names, or stands in such a tag.
            let source = tags[i].is_some();
            let in_tag = is_name(&c)
                .then(|| {
                    tags.iter()
                        .flatten()
                        .find(|t| t.start <= c.range.start && c.range.end <= t.end)
                })
                .flatten();
            let unspoken = if question.asks_speaker {
                !spans::is_speaker(said, c.range.clone())
            } else {
                question.answer_type == AnswerType::Person
                    && in_tag.is_some_and(|tag| !names_kind_asked(question, &said[tag.clone()]))
            };
            // A speaker is no place ("According to Zelenskyy, the hub was …" does not say
            // in which city).
            let speaking_place = question.answer_type == AnswerType::Place
                && (source || spans::is_speaker(said, c.range.clone()));
            let other_office = office.map_or(office_titled, |held| !held);
            // "synthetic aperture radar (SAR)" is no one and nowhere; nor is a country the
            // holder of the office asked about ("the Russian ombudsman" is not "Russia").
            let named = matches!(question.answer_type, AnswerType::Person | AnswerType::Place);
            let no_name = named && spans::abbreviates_common_words(said, c.range.clone())
                || asks_kind_of_person(question)
                    && is_place_name(&said[c.range.clone()].to_lowercase());
            if strength == 0.0
                || unmeasured
                || unspoken
                || speaking_place
                || other_office
                || no_name
            {
                return None;
            }
            let mut range = c.range.start + sentence.start..c.range.end + sentence.start;
            let (mut first, last) = (
                token_at(range.start),
                token_at(range.end).max(token_at(range.start) + 1),
            );
            let written_first = first;
            let mut inside = &tokens[first.min(tokens.len())..last.min(tokens.len())];
            // The leading words of a name that the question says are its title or body
            // ("NFL Commissioner Roger Goodell" for "who is the NFL commissioner?"): the
            // answer is the rest.
            if matches!(c.kind, AnswerType::Person | AnswerType::Place) {
                let title = inside
                    .iter()
                    .take_while(|t| question.has_term(&t.term))
                    .count();
                let rest = &inside[title.min(inside.len())..];
                if title > 0
                    && rest
                        .first()
                        .is_some_and(|t| text[t.range.clone()].starts_with(char::is_uppercase))
                    && !rest.iter().any(|t| question.has_term(&t.term))
                {
                    range.start = rest[0].range.start;
                    first += title;
                    inside = rest;
                }
            }
            // A figure's unit may be the noun the question counts: "103 miles" for "how many
            // miles …?", "ten days" for "how many days …?".
            let counted = |t: &&&Term| {
                matches!(c.kind, AnswerType::Number | AnswerType::Duration)
                    && focal.is_some_and(|f| question.terms[f].term == t.term)
            };
            let unit_counted = inside.iter().any(|t| counted(&t));
            let repeated = inside
                .iter()
                .filter(|t| {
                    let said = question.has_term(&t.term)
                        || question.terms.iter().any(|q| respells(q, t, text));
                    said && !counted(t)
                })
                .count();
            // A date may add the month to the question's year ("October 1973" for "when did
            // the 1973 oil crisis begin?").
            let repeats_question = match c.kind {
                AnswerType::Name | AnswerType::Date => repeated == inside.len(),
                _ => repeated > 0,
            };
            // A name the sentence abbreviates in brackets as the question does ("Security
            // Service of Ukraine (SBU)" for "who runs the SBU?") is the question's own.
            let own_abbreviation = spans::bracketed_abbreviation(said, c.range.clone())
                .is_some_and(|a| {
                    analyzer::terms(a)
                        .first()
                        .is_some_and(|t| question.has_term(&t.term))
                });
            if repeats_question
                || own_abbreviation
                || inside.is_empty()
                || question.abbreviates(&text[range.clone()])
            {
                return None;
            }
            // Closeness: 1/(1+d/3) to the matched question terms, half as their IDF-weighted
            // mean and half to the most specific one ("69 injured" for "how many people
            // were injured", not "seven people were killed").
            let near = |f: &Vec<usize>| {
                f.iter()
                    .map(|&k| {
                        if k < first {
                            first - k
                        } else {
                            k.saturating_sub(last - 1)
                        }
                    })
                    .min()
                    .map(|d| 1.0 / (1.0 + d as f32 / 3.0))
            };
            let nearness: Vec<(f32, f32)> = weighted
                .iter()
                .zip(found)
                .filter(|(w, _)| !question.in_subject(w.term))
                .filter_map(|(w, f)| Some((w.idf, near(f)?)))
                .collect();
            let total: f32 = nearness.iter().map(|(idf, _)| idf).sum();
            let mean =
                nearness.iter().map(|(idf, n)| idf * n).sum::<f32>() / total.max(f32::EPSILON);
            // The anchor: the nearest of the (nearly) most specific matched terms.
            let top_idf = nearness.iter().map(|(idf, _)| *idf).fold(0.0, f32::max);
            let anchor = nearness
                .iter()
                .filter(|(idf, _)| *idf >= 0.9 * top_idf)
                .map(|(_, n)| *n)
                .fold(0.0, f32::max);
            let closeness = if total > 0.0 {
                0.5 * mean + 0.5 * anchor
            } else {
                0.3
            };
            // How far after a figure its noun may stand: "dozens of Russian strategic
            // bombers"; a figure of another type must stand right before it, unless it is a
            // share of it ("71% of its imported oil" for "how much imported oil …?").
            let share_of = c.kind == AnswerType::Percent && text[range.end..].starts_with(" of ");
            let reach = if share_of {
                4
            } else if strength == 1.0 {
                3
            } else {
                1
            };
            let focal_within = |after: usize, before: usize| {
                focal.is_some_and(|f| {
                    found[f].iter().any(|&k| {
                        k >= last && k - last <= after || k < first && k + before >= first
                    })
                })
            };
            // The first common word after a figure: what it counts.
            let counted_word = (question.answer_type == AnswerType::Number
                || c.kind == AnswerType::Number)
                .then(|| {
                    tokens.iter().skip(last).take(reach).find(|t| {
                        !is_stop_word(&t.term)
                            && !text[t.range.clone()].starts_with(char::is_uppercase)
                    })
                })
                .flatten()
                .map(|t| (t, text[t.range.clone()].to_lowercase()));
            // "three astronauts" counts the people asked about.
            let counts_people = c.kind == AnswerType::Number
                && focal.is_some_and(|f| {
                    PEOPLE_WORDS.contains(&question.terms[f].word.to_lowercase().as_str())
                })
                && counted_word
                    .as_ref()
                    .is_some_and(|(_, word)| is_person_noun(word));
            let beside_focal = unit_counted || counts_people || focal_within(reach, 2);
            let near_focal = unit_counted || counts_people || focal_within(5, 4);
            // "the minister, Erik Dahl" is who the minister is, not whom he called.
            let names_subject = c.kind == AnswerType::Person
                && weighted.iter().zip(found).any(|(w, f)| {
                    question.in_subject(w.term)
                        && is_person_noun(&w.term.word.to_lowercase())
                        && f.iter()
                            .any(|&k| k < first && first - k <= 4 || k >= last && k - last <= 1)
                });
            if names_subject {
                return None;
            }
            // "41 Russian warplanes" counts warplanes, not the drones asked about: the
            // first common word after the figure is a plural that is not the focal word.
            let counts_other = question.answer_type == AnswerType::Number
                && focal.is_some()
                && !beside_focal
                && counted_word.is_some_and(|(t, word)| {
                    let plural = word.ends_with('s')
                        || PEOPLE_WORDS.contains(&word.as_str())
                        || irregular_base(&word).is_some_and(|base| base != word);
                    plural && !question.has_term(&t.term)
                });
            // "train No. 86" numbers a train: it answers "what number …?", counting nothing.
            let numbers_one = c.kind == AnswerType::Number
                && spans::numbered(said, c.range.clone())
                && !question.has_term("number");
            if counts_other || numbers_one {
                return None;
            }
            // "how many drones": a number far from "drones", when "drones" is in the
            // sentence, counts something else.
            let beside_anchor = anchor >= 0.75;
            // A name of a compatible type (a place read as a person) stays a name.
            let figure = !matches!(
                question.answer_type,
                AnswerType::Person | AnswerType::Place | AnswerType::Name
            );
            if figure && !beside_focal && !beside_anchor && strength < 1.0 && focal.is_some() {
                return None; // "18-month operation" is no count of drones
            }
            // Beside the focal noun counts only if the question's verb, when the sentence
            // has it, is near too: "69 injured", not "seven people were killed", answers
            // "how many people were injured?".
            let verb_near = weighted
                .iter()
                .zip(found)
                .filter(|(w, _)| w.term.role == Role::Verb)
                .all(|(_, f)| near(f).is_none_or(|n| n >= 0.5));
            let subject_of = (question.answer_type == AnswerType::Number)
                .then(|| figure_predicate(weighted, found, tokens, last, reach, text))
                .flatten();
            let focal_fit = match (focal, subject_of) {
                (_, Some(Predicate::Asked)) => 1.1,
                (_, Some(Predicate::Other)) => 0.6,
                (Some(f), _) if !found[f].is_empty() && !beside_focal && !beside_anchor => 0.6,
                (Some(_), _) if beside_focal && verb_near => 1.1,
                _ => 1.0,
            };
            let words = text[range.clone()].split_whitespace().count();
            let full_name = if c.kind == AnswerType::Person && words >= 2 {
                1.15
            } else {
                1.0
            };
            let located = question.asks_where && after_locative(tokens, written_first, text);
            // An owner is not where a thing is: "a base for Russia's bomber force".
            let owner = text[range.end..].starts_with("'s") || text[range.end..].starts_with("’s");
            // "from Klimov to Moscow": where the train came from is not where it went.
            let end = question
                .heading
                .and_then(|_| heading_of(tokens, written_first, text));
            let other_end = end.is_some() && end != question.heading;
            if (placed_within || question.asks_where && owner) && !located || other_end {
                return None;
            }
            let placed = match (question.asks_where, located) {
                (false, _) => 1.0,
                _ if end.is_some() => 1.2,
                (true, true) => 1.1,
                (true, false) => 0.85,
            };
            let value = strength * (0.4 + 0.6 * closeness) * full_name * focal_fit * placed;
            Some((
                Candidate {
                    range,
                    hedged: c.hedged,
                    strength,
                    beside_focal,
                    near_focal,
                    source,
                },
                value.min(1.0),
            ))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// Whether the word before token `first`, past determiners, is a preposition of place
/// ("the talks were held at the Ciragan Palace"): a place a sentence names as its subject
/// or object ("Ukraine and Russia held talks") is seldom where something happened.
fn after_locative(tokens: &[&Term], first: usize, text: &str) -> bool {
    word_before(tokens, first, text).is_some_and(|w| spans::LOCATIVE.contains(&w.as_str()))
}

/// The end of a journey the preposition before the name at `first` gives it ("from
/// Klimov", "to Moscow").
fn heading_of(tokens: &[&Term], first: usize, text: &str) -> Option<Heading> {
    word_before(tokens, first, text).and_then(|w| Heading::of_preposition(&w))
}

/// The word before the token at `first` and its determiners, in lower case.
fn word_before(tokens: &[&Term], first: usize, text: &str) -> Option<String> {
    let word = |k: usize| text[tokens[k].range.clone()].to_lowercase();
    (0..first.min(tokens.len()))
        .rev()
        .map(word)
        .find(|w| !is_determiner(w))
}

/// For a question asking what a name is: where the sentence says so, beside the name's
/// first occurrence (its last question word). A definition is no typed span: it leaves
/// the fit of a description (0), which the probability was fitted on.
fn definition(
    found: &[Vec<usize>],
    tokens: &[&Term],
    text: &str,
    sentence: Range<usize>,
) -> Option<(Candidate, f32)> {
    let at = &tokens[*found.iter().rev().find_map(|f| f.first())?].range;
    let said = spans::definition(
        &text[sentence.clone()],
        at.start - sentence.start..at.end - sentence.start,
    )?;
    Some((Candidate::exact(sentence.start, said, false), 0.0))
}

/// What a figure is the subject of, where the sentence says it with a predicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Predicate {
    /// One of the question's words: "66 were injured", "69 injured".
    Asked,
    /// Another verb, where the question asks what its figure underwent or says its word of
    /// something else beside it: "seven people were killed and dozens more injured" does
    /// not count the injured.
    Other,
}

const COORDINATORS: &[&str] = &["and", "while", "but", "whereas"];

/// Words that count people of any kind: a figure of astronauts or villagers answers them.
const PEOPLE_WORDS: &[&str] = &["people", "persons", "individuals", "humans"];

/// The predicate of the figure ending before token `last`: past its noun (up to `reach`
/// words) and any auxiliaries, the first word.
fn figure_predicate(
    weighted: &[Weighted],
    found: &[Vec<usize>],
    tokens: &[&Term],
    last: usize,
    reach: usize,
    text: &str,
) -> Option<Predicate> {
    let says = |k: usize, roles: &[Role]| {
        weighted
            .iter()
            .zip(found)
            .any(|(w, f)| roles.contains(&w.term.role) && f.contains(&k))
    };
    let asked = |k: usize| says(k, &[Role::Verb, Role::Plain]);
    // The question names what its figure underwent ("were injured"): a participle, more
    // specific than an active verb ("did it end up having"), which reports paraphrase.
    let asks_predicate = weighted
        .iter()
        .any(|w| matches!(w.term.role, Role::Verb | Role::Plain) && w.term.word.ends_with("ed"));
    let word = |k: usize| text[tokens[k].range.clone()].to_lowercase();
    let (mut nouns, mut auxiliary) = (0, false);
    for k in last..tokens.len() {
        let w = word(k);
        // Without an auxiliary only a verb is a predicate: "two train accidents" counts
        // accidents, not trains.
        let predicate = auxiliary || says(k, &[Role::Verb]) || w.ends_with("ed");
        if asked(k) && predicate {
            return Some(Predicate::Asked);
        }
        if BE_FORMS.contains(&w.as_str()) || ["has", "have", "had"].contains(&w.as_str()) {
            auxiliary = true;
        } else if is_stop_word(&w) {
            return None;
        } else if auxiliary {
            let coordinated = (k + 1..tokens.len().min(k + 7))
                .skip_while(|&j| !COORDINATORS.contains(&word(j).as_str()))
                .any(asked);
            return (coordinated || asks_predicate).then_some(Predicate::Other);
        } else {
            nouns += 1;
            if nouns > reach {
                return None;
            }
        }
    }
    None
}

const PRONOUN_OPENERS: &[&str] = &[
    "it", "he", "she", "they", "this", "these", "that", "those", "its", "his", "her", "their",
];

impl<'h> Ranked<'h> {
    /// Records how close in meaning each sentence is to the question: evidence for the
    /// confidence, and for the order where no answer span is asked for. A question asking
    /// what or why is answered by a sentence that says what the question means, in any
    /// words; one asking for a name or a figure is judged by the span, and meaning alone
    /// would put a sentence on the topic above the one with the answer.
    pub fn weigh_meaning(&mut self, closeness: &Closeness) {
        for s in &mut self.sentences {
            s.evidence.closeness = closeness.of(s.hit, s.index);
            if let (AnswerType::Description, Some(c)) = (s.answer_type, s.evidence.closeness) {
                s.score += W_MEANING * (c - MEANING_BASELINE);
            }
        }
        let before = self.order.first().copied();
        let sentences = &self.sentences;
        self.order
            .sort_by(|&a, &b| sentences[b].score.total_cmp(&sentences[a].score));
        if let Some(&top) = self.order.first().filter(|&&top| Some(top) != before) {
            let s = &self.sentences[top];
            tracing::debug!(
                source = %self.hits[s.hit].source.id,
                passage = self.hits[s.hit].passage,
                score = s.score,
                "reordered by meaning"
            );
        }
    }

    /// Whether question term `k` (or a variant of it) occurs in any candidate sentence.
    pub fn found_anywhere(&self, k: usize) -> bool {
        k < MAX_TERMS && self.sentences.iter().any(|s| s.matched & (1 << k) != 0)
    }

    /// The sentences that pass `verified`, best first.
    pub fn verified_in_order<'s>(
        &'s self,
        question: &'s Question,
    ) -> impl Iterator<Item = &'s Sentence> + 's {
        self.order
            .iter()
            .map(|&i| &self.sentences[i])
            .filter(move |s| self.verified(question, s))
    }

    /// Whether a sentence may be given as the answer: its snippet holds an answer of the
    /// type asked for (not one the question already says) in the relation asked about, and
    /// it does not speak of the thing asked about with another qualifier (Ukraine's
    /// delegation for Russia's).
    pub fn verified(&self, question: &Question, s: &Sentence) -> bool {
        let typed = s.answer_type != AnswerType::Description;
        let has_answer = !typed || self.answer_of(s).is_some_and(|c| c.strength >= 0.6);
        // Who said something is said beside it: the next sentence's speaker said another thing.
        let own_speaker = !question.asks_speaker || s.candidate.is_some();
        has_answer && own_speaker && self.in_relation(question, s) && !s.evidence.conflict
    }

    /// A who-question about a kind of person ("the president of France", "Russia's top
    /// negotiator") is answered by a name near that word ("President Emmanuel Macron",
    /// "Niek Stam, the FNV's lead negotiator"). A name that qualifies the thing asked about
    /// ("of France", "Russia's") must be said in the passage holding the answer or by its
    /// source's title; a sentence giving the thing another qualifier conflicts anyway.
    fn in_relation(&self, question: &Question, s: &Sentence) -> bool {
        let Some(answer) = self.answer_sentence(s) else {
            return s.answer_type == AnswerType::Description;
        };
        let candidate = answer.candidate.as_ref();
        let needs_near = s.answer_type == AnswerType::Person
            && question.object_subject.is_none()
            && question
                .terms
                .iter()
                .any(|t| t.role == Role::Focal && is_person_noun(&t.word.to_lowercase()));
        // Said anywhere in its passage or by its source's title: a report names the
        // country once, then speaks of "the delegation" and "the team's leading rusher".
        let said = |k: usize| k >= MAX_TERMS || answer.said_around & (1 << k) != 0;
        let qualifiers_said = question
            .terms
            .iter()
            .filter(|t| !t.qualifiers.is_empty())
            .filter_map(|t| {
                question
                    .terms
                    .iter()
                    .position(|q| q.term == t.qualifiers[0])
            })
            .all(said);
        let periods_said = question
            .terms
            .iter()
            .enumerate()
            .filter(|(_, t)| question.periods.contains(&t.term))
            .all(|(k, _)| said(k));
        qualifiers_said && periods_said && (!needs_near || candidate.is_some_and(|c| c.near_focal))
    }

    /// Whether the sentence itself says the question's focal term (false if it has none).
    pub fn says_focal(&self, question: &Question, s: &Sentence) -> bool {
        question
            .terms
            .iter()
            .enumerate()
            .any(|(k, t)| t.role == Role::Focal && k < MAX_TERMS && s.matched & (1 << k) != 0)
    }

    /// Whether a typed question's focal term (the thing asked about) is missing from the
    /// sentence's passage, in every word the engine knows for it.
    pub fn focal_unsaid(&self, question: &Question, s: &Sentence) -> bool {
        s.answer_type != AnswerType::Description
            && question.terms.iter().enumerate().any(|(k, t)| {
                t.role == Role::Focal && k < MAX_TERMS && s.said_around & (1 << k) == 0
            })
    }

    /// The answer candidate its snippet shows: its own, or a neighbour's when it has none
    /// and the question asks for a type.
    fn answer_of<'s>(&'s self, s: &'s Sentence) -> Option<&'s Candidate> {
        self.answer_sentence(s)?.candidate.as_ref()
    }

    /// The sentence of its snippet that holds the answer candidate, if any.
    fn answer_sentence<'s>(&'s self, s: &'s Sentence) -> Option<&'s Sentence> {
        if s.candidate.is_some() {
            Some(s)
        } else if s.answer_type != AnswerType::Description {
            // The next sentence often gives what this one introduces; the previous one
            // counts only with an answer of the very type asked (a name, a figure, a
            // date; not a noun for people such as "passengers").
            let with_answer = |i: usize| {
                self.neighbour(s, i)
                    .filter(|n| n.candidate.as_ref().is_some_and(|c| !c.source))
            };
            with_answer(s.index + 1).or_else(|| {
                s.index
                    .checked_sub(1)
                    .and_then(with_answer)
                    .filter(|p| p.candidate.as_ref().is_some_and(Candidate::is_exact_type))
            })
        } else {
            None
        }
    }

    /// The sentence at `index` of the same passage.
    fn neighbour(&self, s: &Sentence, index: usize) -> Option<&Sentence> {
        self.sentences
            .iter()
            .find(|o| o.hit == s.hit && o.index == index)
    }

    /// The best score of a rival of `best`: a sentence of another passage whose answer
    /// neither is `best`'s nor is said in `best`'s passage (sources that agree, or one
    /// naming the city where the other names the palace, support it rather than compete,
    /// as do definitions). Where `best` gives no answer span, a sentence reporting the same
    /// thing in other words of its own supports it too: several reports of one event are
    /// no doubt about it.
    pub fn rival_score(&self, question: &Question, best: &Sentence) -> f32 {
        let span = |s: &Sentence| {
            let c = s.candidate.as_ref()?;
            Some(&self.hits[s.hit].text[c.range.clone()])
        };
        let mut others = self
            .order
            .iter()
            .map(|&i| &self.sentences[i])
            .filter(|s| s.hit != best.hit);
        let rival = match span(best).and_then(answer_key) {
            Some(best_key) => {
                let best_passage = self.hits[best.hit].text.to_lowercase();
                // Two definitions of one name ("a Putin ally", "an aide to Putin") both hold.
                let defines = |s: &Sentence| s.answer_type == AnswerType::Description;
                others.find(|s| {
                    !span(s).is_some_and(|text| {
                        defines(s)
                            || answer_key(text).is_some_and(|key| keys_agree(&key, &best_key))
                            || best_passage.contains(&text.to_lowercase())
                    })
                })
            }
            None => {
                let best_words = self.own_words(question, best);
                others.find(|s| !same_report(&best_words, &self.own_words(question, s)))
            }
        };
        rival.map_or(0.0, |s| s.score)
    }

    /// The sentence's analyzed words beyond the question's: what it says of its own.
    /// Function words are told by their written form ("only" is stemmed "onli"); figures
    /// are left out, as reports of one event often count it differently.
    fn own_words(&self, question: &Question, s: &Sentence) -> HashSet<String> {
        let text = &self.hits[s.hit].text[s.range.clone()];
        analyzer::terms(text)
            .into_iter()
            .filter(|t| !is_stop_word(&text[t.range.clone()].to_lowercase()))
            .map(|t| t.term)
            .filter(|t| !question.has_term(t) && !t.chars().all(|c| c.is_ascii_digit()))
            .collect()
    }

    /// The best sentence of each passage, in BM25 order.
    pub fn per_passage(&self) -> impl Iterator<Item = &Sentence> {
        (0..self.hits.len()).filter_map(move |h| {
            self.order
                .iter()
                .map(|&i| &self.sentences[i])
                .find(|s| s.hit == h)
        })
    }

    /// Sentences of other sources that answer the same question, best first: one per
    /// source and distinct answer ("dozens" and "around 40" from one report both count),
    /// each verified as the main answer is.
    pub fn other_sources<'a>(
        &'a self,
        question: &'a Question,
        best: &'a Sentence,
    ) -> impl Iterator<Item = &'a Sentence> + 'a {
        let key = |s: &Sentence| {
            let span = s
                .candidate
                .as_ref()
                .map(|c| self.hits[s.hit].text[c.range.clone()].to_lowercase());
            (self.hits[s.hit].source.id.clone(), span)
        };
        let best_source = self.hits[best.hit].source.id.clone();
        let mut seen = HashSet::from([key(best)]);
        self.order
            .iter()
            .map(|&i| &self.sentences[i])
            .filter(move |s| {
                // A figure beside the focal noun ("around 40 long-range bombers") answers
                // the same question even in looser words; anything else must be nearly as
                // good as the main answer.
                let answers = match (&best.candidate, &s.candidate) {
                    (Some(b), Some(c)) if b.beside_focal => {
                        c.is_exact_type() && c.beside_focal && s.confidence >= 0.4 * best.confidence
                    }
                    (Some(_), Some(c)) => {
                        c.is_exact_type()
                            && s.confidence >= 0.8 * best.confidence
                            && s.score >= 0.6 * best.score
                    }
                    (Some(_), None) => false,
                    (None, _) => s.confidence >= 0.8 * best.confidence,
                };
                let key = key(s);
                let same_source_without_span =
                    key.1.is_none() && seen.iter().any(|(id, _)| *id == key.0);
                let ok = answers
                    && self.verified(question, s)
                    && s.confidence >= 0.3
                    && self.hits[s.hit].source.id != best_source
                    && !same_source_without_span
                    && !seen.contains(&key);
                if ok {
                    seen.insert(key);
                }
                ok
            })
    }

    /// The snippet (one sentence, or two when the answer or the subject spills over) and
    /// the answer span, as byte ranges in the passage text.
    pub fn snippet(&self, s: &Sentence) -> (Range<usize>, Option<Range<usize>>) {
        if s.candidate.is_none()
            && let Some(other) = self.answer_sentence(s)
        {
            return (
                s.range.start.min(other.range.start)..s.range.end.max(other.range.end),
                other.candidate.as_ref().map(|c| c.range.clone()),
            );
        }
        let text = &self.hits[s.hit].text;
        let first_word = text[s.range.clone()]
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_lowercase();
        let span = s.candidate.as_ref().map(|c| c.range.clone());
        if PRONOUN_OPENERS.contains(&first_word.as_str())
            && s.index > 0
            && let Some(previous) = self.neighbour(s, s.index - 1)
        {
            return (previous.range.start..s.range.end, span);
        }
        let alone = s.candidate.as_ref().is_some_and(|c| c.is_exact_type())
            && s.confidence >= ALONE_CONFIDENCE;
        let previous = s.index.checked_sub(1).and_then(|i| self.neighbour(s, i));
        let better_neighbour = match (previous, self.neighbour(s, s.index + 1)) {
            (Some(p), Some(n)) => Some(if p.score > n.score { p } else { n }),
            (p, n) => p.or(n),
        };
        match better_neighbour {
            Some(n) if !alone => (
                n.range.start.min(s.range.start)..n.range.end.max(s.range.end),
                span,
            ),
            _ => (s.range.clone(), span),
        }
    }
}

/// Whether two answer spans say the same: equal numbers (and equally exact), or the same
/// words (a surname matches a full name).
pub fn same_answer(kind: AnswerType, a: &str, b: &str, a_hedged: bool, b_hedged: bool) -> bool {
    let norm = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (x, y) = (norm(a), norm(b));
    match (number_value(a), number_value(b)) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9 && a_hedged == b_hedged,
        (None, None)
            if matches!(
                kind,
                AnswerType::Person | AnswerType::Place | AnswerType::Name
            ) =>
        {
            x == y
                || x.last().is_some_and(|l| y.contains(l))
                || y.last().is_some_and(|l| x.contains(l))
        }
        _ => x == y,
    }
}

/// The numeric value of a span: digits with thousands separators and a scale word.
fn number_value(text: &str) -> Option<f64> {
    let lower = text.to_lowercase();
    let digits: String = lower
        .split_whitespace()
        .find(|w| w.chars().any(|c| c.is_ascii_digit()))?
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let mut value: f64 = digits.trim_end_matches('.').parse().ok()?;
    for (word, scale) in [
        ("thousand", 1e3),
        ("million", 1e6),
        ("billion", 1e9),
        ("trillion", 1e12),
    ] {
        if lower.contains(word) {
            value *= scale;
        }
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_answer_of_the_type_asked_for_gains_from_other_sources() {
        let hit = |id: &str, text: &str| Hit {
            score: 1.0,
            source: std::sync::Arc::new(crate::index::SourceInfo {
                id: id.to_string(),
                outlet: None,
                title: None,
                published: None,
                url: None,
            }),
            passage: 0,
            text: text.to_string(),
            sentences: std::iter::once(0..text.len()).collect(),
        };
        let hits = [
            hit("a", "Iceland"),
            hit("b", "Iceland"),
            hit("c", "Naess"),
            hit("d", "Naess"),
        ];
        let sentence = |h: usize, strength: f32| Sentence {
            hit: h,
            index: 0,
            range: 0..hits[h].text.len(),
            score: 1.0,
            confidence: 1.0,
            evidence: Evidence::default(),
            answer_type: AnswerType::Person,
            candidate: Some(Candidate {
                range: 0..hits[h].text.len(),
                hedged: false,
                strength,
                beside_focal: false,
                near_focal: false,
                source: false,
            }),
            matched: 0,
            said_around: 0,
            type_factor: 1.0,
        };
        // A place (a compatible type) and a person, each said by two sources.
        let mut sentences = [
            sentence(0, 0.6),
            sentence(1, 0.6),
            sentence(2, 1.0),
            sentence(3, 1.0),
        ];
        reward_redundancy(&mut sentences, &hits);
        let scores: Vec<f32> = sentences.iter().map(|s| s.score).collect();
        assert_eq!(scores, [1.0, 1.0, 1.1, 1.1]);
        assert!(sentences.iter().all(|s| s.evidence.support == 1));
    }

    #[test]
    fn compares_answers() {
        use AnswerType::*;
        assert!(same_answer(Money, "$7 billion", "$7 billion", false, false));
        assert!(!same_answer(Number, "41", "around 40", false, true));
        assert!(!same_answer(Number, "40", "around 40", false, true));
        assert!(same_answer(
            Person,
            "Vladimir Medinsky",
            "Medinsky",
            false,
            false
        ));
        assert!(!same_answer(Person, "Medinsky", "Umerov", false, false));
        assert!(!same_answer(Number, "41", "dozens", false, true));
        assert!(!same_answer(
            Duration,
            "more than a year",
            "more than a year and a half",
            true,
            true
        ));
    }

    /// `check` on the analyzed terms of `sentence`.
    fn on_terms(sentence: &str, check: impl Fn(&[&Term]) -> bool) -> bool {
        let terms = analyzer::terms(sentence);
        check(&terms.iter().collect::<Vec<_>>())
    }

    #[test]
    fn a_names_leading_words_weigh_less_than_its_last() {
        let leading = |text: &str| {
            let question = Question::analyse(text).unwrap();
            question
                .terms
                .iter()
                .filter(|t| leads_a_name(&question, t))
                .map(|t| t.word.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(leading("How many times was Cam Newton sacked?"), ["Cam"]);
        assert_eq!(
            leading("Who coached the Carolina Panthers in 2015?"),
            ["Carolina"]
        );
        assert!(leading("who leads Russia's delegation?").is_empty());
        assert!(leading("Did Newton meet Manning?").is_empty());
    }

    #[test]
    fn another_number_of_the_questions_numbered_name_conflicts() {
        let question = Question::analyse("Who was the MVP of Super Bowl 50?").unwrap();
        let numbered_names = question_numbered(&question);
        let conflict = |sentence: &str| {
            on_terms(sentence, |tokens| {
                numbered_conflict(&numbered_names, tokens, sentence)
            })
        };
        assert!(conflict("Manning was the MVP of Super Bowl XLI."));
        assert!(!conflict(
            "Super Bowl L, or Super Bowl 50, was played in 2016."
        ));
        assert!(!conflict(
            "Von Miller was named MVP after the game on February 7."
        ));
        assert_eq!(roman("XLIV"), Some(44));
        assert_eq!(roman("MCMXC"), Some(1990));
        assert_eq!(roman("Xi"), None);
    }

    #[test]
    fn another_ordinal_of_the_qualified_word_conflicts() {
        let question = Question::analyse("when did the first round take place?").unwrap();
        let ordinals = question_ordinals(&question);
        let conflict = |sentence: &str| {
            on_terms(sentence, |tokens| {
                ordinal_conflict(&ordinals, tokens, sentence)
            })
        };
        assert!(conflict(
            "The second round took place in Istanbul on June 2."
        ));
        assert!(!conflict(
            "As during the initial round on May 16, Medinsky led."
        ));
        assert!(!conflict(
            "The second round came two weeks after the first."
        ));
        assert!(!conflict("The round took place on May 16."));
        assert!(!conflict("The second delegation arrived late."));
    }

    #[test]
    fn another_name_before_the_qualified_word_conflicts() {
        let question = Question::analyse("who leads Russia's delegation?").unwrap();
        let conflict = |sentence: &str| {
            let terms = analyzer::terms(sentence);
            let tokens: Vec<&Term> = terms.iter().collect();
            qualifier_conflict(&question, &tokens, sentence)
        };
        assert!(conflict("Kyiv's delegation is led by Rustem Umerov."));
        assert!(!conflict(
            "Russia's delegation is led by Vladimir Medinsky."
        ));
        assert!(!conflict("The delegation is led by Vladimir Medinsky."));
        assert!(!conflict("These delegation members arrived on Sunday."));
    }

    #[test]
    fn proximity_counts_the_share_of_terms_matched() {
        // Positions of five question terms in a sentence; empty: not in it.
        let two_of_five_adjacent = [vec![3], vec![4], vec![], vec![], vec![]];
        let five_close = [vec![0], vec![1], vec![3], vec![4], vec![6]];
        assert!(proximity(&five_close) > proximity(&two_of_five_adjacent));
        assert_eq!(
            proximity(&[vec![2], vec![]]),
            0.5,
            "neutral below two terms"
        );
    }

    #[test]
    fn figures_agree_on_their_value_and_names_on_their_surname() {
        assert_ne!(answer_key("3 million"), answer_key("5 million"));
        assert_eq!(answer_key("Vladimir Medinsky"), answer_key("Medinsky"));
    }

    #[test]
    fn sentences_sharing_their_own_words_report_the_same_thing() {
        let words = |text: &str| -> HashSet<String> {
            analyzer::terms(text).into_iter().map(|t| t.term).collect()
        };
        let gave_way = words("dam gave way sending water through lower town");
        let burst = words("old dam burst after days rain water poured lower town");
        let crops = words("farmers further down valley lost spring crops water");
        assert!(same_report(&gave_way, &burst));
        // One word in common is a topic, not a report.
        assert!(!same_report(&gave_way, &crops));
    }

    #[test]
    fn a_title_says_whose_office_it_is() {
        let holds = |question: &str, sentence: &str, name: &str| {
            let question = Question::analyse(question).unwrap();
            let at = sentence.find(name).unwrap();
            let titled = spans::titled(sentence, at..at + name.len());
            let title = &sentence[titled.start..at];
            holds_office(
                &question,
                title,
                &sentence[titled.clone()],
                &sentence[..titled.start],
            )
        };
        let foreign = "who's ukraine's foreign minister";
        let delegation = "It includes Defense Minister Rustem Umerov and Deputy Foreign \
                          Minister Sergiy Kyslytsya.";
        assert_eq!(holds(foreign, delegation, "Rustem Umerov"), Some(false));
        assert_eq!(holds(foreign, delegation, "Sergiy Kyslytsya"), Some(false));
        let said = "Russian Foreign Minister Sergei Lavrov met Ukrainian Foreign Minister \
                    Andrii Sybiha.";
        assert_eq!(holds(foreign, said, "Sergei Lavrov"), Some(false));
        assert_eq!(holds(foreign, said, "Andrii Sybiha"), Some(true));
        // Untitled by country: another country before it in the sentence owns the office,
        // and a name is no demonym however it ends ("Fidan").
        let hosted =
            "Hosted by Greece and chaired by Foreign Minister Hakan Fidan, the talks began.";
        assert_eq!(holds(foreign, hosted, "Hakan Fidan"), Some(false));
        let led = "Ukraine's team was led by Foreign Minister Hakan Fidan.";
        assert_eq!(holds(foreign, led, "Hakan Fidan"), Some(true));
        // A title naming the question's country holds, whatever the sentence names before.
        let beside =
            "Beside Polish President Ola Dan stood Ukraine Foreign Minister Andrii Sybiha.";
        assert_eq!(holds(foreign, beside, "Andrii Sybiha"), Some(true));
        assert_eq!(
            holds(
                "who is the top negotiator?",
                "Kyiv negotiator Ana Lisi spoke.",
                "Ana Lisi"
            ),
            Some(true)
        );
        // No title, or the office of what follows ("the secretary of the Union"): no say.
        assert_eq!(holds(foreign, said, "Russian Foreign"), None);
        let union = "Cara Bell, the general secretary of National Union of Teachers, said so.";
        assert_eq!(
            holds("who is the general secretary?", union, "National Union"),
            None
        );
    }

    #[test]
    fn answer_keys_agree_when_one_adds_no_figure() {
        assert!(keys_agree("2022", "february 2022") && keys_agree("umerov", "umerov"));
        assert!(!keys_agree("1 000", "1 000 000") && !keys_agree("7", "8"));
    }

    #[test]
    fn demonyms_match_names() {
        assert!(same_name("russia", "russian"));
        assert!(same_name("ukrain", "ukrainian"));
        assert!(!same_name("iran", "iraq"));
        assert!(same_name("zelenskyy", "zelenskiy"));
        assert!(same_name("kyiv", "kyiv"));
        assert!(!same_name("medinski", "umerov"));
        assert!(one_edit_apart("lavrov", "lavrof") && !one_edit_apart("lavrov", "lvarof"));
        assert!(one_edit_apart("intercpet", "intercept") && !one_edit_apart("ghengis", "genghis"));
        assert!(one_edit_apart("zelenski", "zelenskiy") && !one_edit_apart("kyiv", "kyivstar"));
        assert!(one_edit_apart("bogota", "bogotá") && !one_edit_apart("x", "xéé"));
    }

    #[test]
    fn the_abbreviation_of_number_before_a_figure_says_number() {
        let said = |text: &str| {
            analyzer::terms(text)
                .iter()
                .any(|t| t.term == "no" && designation(t, text))
        };
        assert!(said("Passenger train No. 86 derailed."));
        assert!(said("He lives at No 10."));
        assert!(!said("There is no 5-year plan."));
        assert!(!said("No. He left."));
    }

    #[test]
    fn another_word_of_a_verbs_sense_is_credited_as_an_expansion() {
        let question = Question::analyse("when did the rain start?").unwrap();
        let start = question.terms.iter().find(|t| t.term == "start").unwrap();
        assert_eq!(start.role, Role::Verb);
        let w = Weighted {
            term: start,
            idf: 1.0,
            weight: 1.0,
            unseen: false,
            known_word: false,
        };
        let text = "The rain began in October and started again in May.";
        let credit = |word: &str| {
            let tokens = analyzer::terms(text);
            let token = tokens
                .iter()
                .find(|t| &text[t.range.clone()] == word)
                .unwrap();
            matches(&w, token, text)
        };
        assert_eq!(credit("began"), Some(EXPANSION_CREDIT));
        assert_eq!(credit("started"), Some(1.0));
        assert_eq!(credit("rain"), None);
        // A noun's verb sense too: "speak" for "talks".
        let question = Question::analyse("when did the talks end?").unwrap();
        let talk = question.terms.iter().find(|t| t.term == "talk").unwrap();
        assert_ne!(talk.role, Role::Verb);
        let w = Weighted { term: talk, ..w };
        let text = "They will speak again.";
        let tokens = analyzer::terms(text);
        let speak = tokens.iter().find(|t| t.term == "speak").unwrap();
        assert_eq!(matches(&w, speak, text), Some(EXPANSION_CREDIT));
    }

    #[test]
    fn a_name_written_another_way_is_the_questions_own() {
        let term = |question: &str, word: &str| {
            let question = Question::analyse(question).unwrap();
            question.terms.into_iter().find(|t| t.word == word).unwrap()
        };
        let says = |term: &QuestionTerm, text: &str, word: &str| {
            let tokens = analyzer::terms(text);
            let token = tokens
                .iter()
                .find(|t| &text[t.range.clone()] == word)
                .unwrap();
            respells(term, token, text)
        };
        let zelensky = term("what did Zelensky say in Vilnius?", "Zelensky");
        let text = "Zelenskyy and the Russian side met Zelensky's aides.";
        assert!(says(&zelensky, text, "Zelenskyy"));
        // The same word is no other spelling, nor is a demonym.
        assert!(!says(&zelensky, text, "Zelensky"));
        assert!(!says(&term("who leads Russia?", "Russia"), text, "Russian"));
        assert!(says(&zelensky, "Zelenskiy spoke.", "Zelenskiy"));
        // An edit before the last two letters makes another name.
        let umerov = term("what did Umerov say?", "Umerov");
        assert!(!says(&umerov, "Umierov spoke.", "Umierov"));
    }
}
