//! Answer quality on SQuAD v1.1 in the open-corpus setting: every paragraph of every
//! article in one index (an article is a source, a paragraph a passage), every question
//! asked with no hint of its paragraph.
//!
//! - S@1: the share of questions whose snippet contains an accepted answer;
//! - A@1: the share whose answer span equals an accepted answer;
//!
//! both after lower-casing, removing punctuation and collapsing spaces.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::answer::{self, Features, Response};
use crate::corpus::{Limits, split};
use crate::index::{self, Index, IndexError, Layout};

/// A SQuAD v1.1 file.
#[derive(Deserialize)]
pub struct Dataset {
    data: Vec<Article>,
}

impl Dataset {
    /// Reads a SQuAD v1.1 JSON file.
    pub fn load(file: &Path) -> Result<Dataset, EvalError> {
        let read_error = |message: String| EvalError::Read {
            path: file.display().to_string(),
            message,
        };
        let text = std::fs::read_to_string(file).map_err(|e| read_error(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| read_error(e.to_string()))
    }

    /// The articles as a sitrep JSONL archive: an article a line, the paragraphs that
    /// `keep` takes (by their position in the article) as passages.
    pub fn archive(&self, keep: impl Fn(usize) -> bool) -> String {
        self.data
            .iter()
            .map(|a| {
                let text = a
                    .paragraphs
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| keep(*i))
                    .map(|(_, p)| p.context.trim())
                    .collect::<Vec<_>>()
                    .join("\n\n");
                serde_json::json!({"id": a.title, "title": a.title.replace('_', " "), "text": text})
                    .to_string()
                    + "\n"
            })
            .collect()
    }

    /// Every question, in file order.
    pub fn questions(&self) -> impl Iterator<Item = &str> {
        self.data
            .iter()
            .flat_map(|a| &a.paragraphs)
            .flat_map(|p| &p.qas)
            .map(|qa| qa.question.as_str())
    }

    /// Every paragraph's text.
    pub fn paragraphs(&self) -> impl Iterator<Item = &str> {
        self.data
            .iter()
            .flat_map(|a| &a.paragraphs)
            .map(|p| p.context.as_str())
    }
}

/// Builds an index of the dataset in `work`.
pub fn index_dataset(
    dataset: &Dataset,
    work: &Path,
) -> Result<(Index, crate::index::BuildReport), EvalError> {
    index_paragraphs(dataset, work, |_| true)
}

/// Builds an index of the paragraphs `keep` takes in `work`.
fn index_paragraphs(
    dataset: &Dataset,
    work: &Path,
    keep: impl Fn(usize) -> bool,
) -> Result<(Index, crate::index::BuildReport), EvalError> {
    let layout = Layout::new(work);
    let sources = layout.sources();
    std::fs::create_dir_all(&sources).map_err(|e| IndexError::io(&sources, e))?;
    let archive = sources.join("squad.jsonl");
    std::fs::write(&archive, dataset.archive(keep)).map_err(|e| IndexError::io(&archive, e))?;
    let build = index::build(
        &layout,
        Limits {
            max_bytes: u64::MAX,
            ..Limits::default()
        },
        |_| {},
    )?;
    let index = Index::open(&layout)?.expect("just built");
    Ok((index, build))
}

#[derive(Deserialize)]
struct Article {
    title: String,
    paragraphs: Vec<Paragraph>,
}

#[derive(Deserialize)]
struct Paragraph {
    context: String,
    qas: Vec<Qa>,
}

#[derive(Deserialize)]
struct Qa {
    question: String,
    answers: Vec<Accepted>,
}

#[derive(Deserialize)]
struct Accepted {
    text: String,
}

/// One question and what the engine did with it.
struct Outcome {
    kind: &'static str,
    /// Its answer is in the index (always, but with `--unanswerable`).
    answerable: bool,
    /// The best snippet contains an accepted answer, whether or not it is given.
    snippet_hit: bool,
    span_hit: bool,
    /// The estimated probability of the best snippet (none: no sentence could answer).
    probability: Option<f32>,
    features: Option<Features>,
    sentences: usize,
}

impl Outcome {
    /// Whether the engine answers at this threshold.
    fn answered(&self, threshold: f32) -> bool {
        self.probability.is_some_and(|p| p >= threshold)
    }
}

/// Figures for a group of questions.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Figures {
    pub questions: usize,
    /// Snippet contains an accepted answer.
    pub s_at_1: f64,
    /// Answer span equals an accepted answer.
    pub a_at_1: f64,
    /// Answered "no answer".
    pub null: f64,
}

/// One row of the risk–coverage table.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub threshold: f32,
    /// Share of all questions answered.
    pub answered: f64,
    /// Share of the answered whose snippet holds an accepted answer.
    pub precision: f64,
    /// S@1 of the answerable questions.
    pub s_at_1: f64,
    /// Share of the unanswerable questions refused.
    pub refused: f64,
}

/// The evaluation's results.
#[derive(Debug, Serialize)]
pub struct Report {
    pub articles: usize,
    pub passages: usize,
    /// The answerable questions.
    pub overall: Figures,
    /// By question word: who, what, when, where, which, why, how many, how much, how, other.
    pub by_question_word: BTreeMap<&'static str, Figures>,
    /// With `--unanswerable`: questions whose answer is in no indexed paragraph.
    pub unanswerable: usize,
    /// The share of them refused.
    pub refused: f64,
    /// Answered share, precision, S@1 and refusals for a range of probability thresholds.
    pub risk_coverage: Vec<Coverage>,
    /// Most sentences in any snippet.
    pub max_snippet_sentences: usize,
}

/// Why the evaluation could not run.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// The dataset file could not be read.
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String },
    /// Building or opening the index failed.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// The features file could not be written.
    #[error("cannot write the features: {0}")]
    Write(#[from] std::io::Error),
}

/// How to evaluate.
#[derive(Debug, Default)]
pub struct Options {
    /// Ask only the first N questions.
    pub limit: Option<usize>,
    /// Index only the even paragraphs of each article: the questions on odd paragraphs
    /// whose answers are in no indexed paragraph have no answer in the corpus.
    pub unanswerable: bool,
}

/// A question to ask, with its article and whether the index holds its answer.
struct Case<'d> {
    qa: &'d Qa,
    article: &'d str,
    answerable: bool,
}

/// Loads SQuAD from `file`, indexes it in `work` (which must be empty or absent), and asks
/// every question. Missed answerable questions and answered unanswerable ones are written to
/// `failures`, and each question's features and whether its best snippet was right to
/// `features` (JSONL, for `sitrep eval calibrate`).
pub fn evaluate(
    file: &Path,
    work: &Path,
    options: &Options,
    mut failures: impl Write,
    mut features: impl Write,
) -> Result<Report, EvalError> {
    let dataset = Dataset::load(file)?;
    let keep = |i: usize| !options.unanswerable || i.is_multiple_of(2);
    let (index, build) = index_paragraphs(&dataset, work, keep)?;
    if let (Some(store), Some(encoder)) = (index.vectors(), crate::encoder::shared()) {
        store.fill(&index, encoder, usize::MAX, |_, _| {})?;
    }
    let mut cases = cases(&dataset, keep);
    cases.truncate(options.limit.unwrap_or(usize::MAX));
    let (outcomes, responses) = ask_all(&index, &cases);

    let mut by_word: BTreeMap<&'static str, Vec<&Outcome>> = BTreeMap::new();
    for ((case, response), outcome) in cases.iter().zip(&responses).zip(&outcomes) {
        let row = serde_json::json!({
            "group": case.article,
            "answerable": case.answerable,
            "label": u8::from(outcome.snippet_hit),
            "features": outcome.features,
        });
        writeln!(features, "{row}")?;
        let answered = outcome.answered(answer::MIN_PROBABILITY);
        if case.answerable {
            by_word.entry(outcome.kind).or_default().push(outcome);
        }
        let missed = if case.answerable {
            !(outcome.snippet_hit && answered)
        } else {
            answered
        };
        if missed {
            let expected = if case.answerable {
                let answers: Vec<&str> = case.qa.answers.iter().map(|a| a.text.as_str()).collect();
                answers.join(" | ")
            } else {
                "no answer (not in the corpus)".to_string()
            };
            let _ = writeln!(
                failures,
                "{}\n  expected: {expected}\n  got: {}",
                case.qa.question,
                response
                    .answer
                    .as_ref()
                    .map_or("nothing".to_string(), |a| format!(
                        "{}[{}] ({} #{}, p {:.2}) {}",
                        if answered { "" } else { "(refused) " },
                        a.text.as_deref().unwrap_or("-"),
                        a.source.id,
                        a.passage,
                        a.score,
                        a.snippet
                    ))
            );
        }
    }
    let (answerable, unanswerable): (Vec<&Outcome>, Vec<&Outcome>) =
        outcomes.iter().partition(|o| o.answerable);
    let refused = |t: f32| share(&unanswerable, |o| !o.answered(t));
    let risk_coverage = (0..=19)
        .map(|k| k as f32 * 0.05)
        .map(|t| {
            let answered: Vec<&Outcome> = outcomes.iter().filter(|o| o.answered(t)).collect();
            Coverage {
                threshold: t,
                answered: answered.len() as f64 / outcomes.len().max(1) as f64,
                precision: share(&answered, |o| o.snippet_hit),
                s_at_1: figures(answerable.iter().copied(), t).s_at_1,
                refused: refused(t),
            }
        })
        .collect();
    Ok(Report {
        articles: dataset.data.len(),
        passages: build.passages(),
        overall: figures(answerable.iter().copied(), answer::MIN_PROBABILITY),
        by_question_word: by_word
            .into_iter()
            .map(|(k, v)| (k, figures(v.into_iter(), answer::MIN_PROBABILITY)))
            .collect(),
        unanswerable: unanswerable.len(),
        refused: refused(answer::MIN_PROBABILITY),
        risk_coverage,
        max_snippet_sentences: outcomes
            .iter()
            .filter(|o| o.answered(answer::MIN_PROBABILITY))
            .map(|o| o.sentences)
            .max()
            .unwrap_or(0),
    })
}

/// The questions of the dataset in file order: those on kept paragraphs are answerable;
/// of the others, those whose every accepted answer is missing from the kept paragraphs
/// are unanswerable, and the rest are left out.
fn cases(dataset: &Dataset, keep: impl Fn(usize) -> bool) -> Vec<Case<'_>> {
    let indexed: Vec<String> = dataset
        .data
        .iter()
        .flat_map(|a| a.paragraphs.iter().enumerate())
        .filter(|(i, _)| keep(*i))
        .map(|(_, p)| normalize(&p.context))
        .collect();
    let absent = |qa: &Qa| {
        qa.answers.iter().all(|a| {
            let answer = normalize(&a.text);
            !indexed.iter().any(|p| p.contains(&answer))
        })
    };
    let mut cases = Vec::new();
    for article in &dataset.data {
        for (i, paragraph) in article.paragraphs.iter().enumerate() {
            for qa in &paragraph.qas {
                let answerable = keep(i);
                if answerable || absent(qa) {
                    cases.push(Case {
                        qa,
                        article: &article.title,
                        answerable,
                    });
                }
            }
        }
    }
    cases
}

/// Asks every question on all cores.
fn ask_all(index: &Index, cases: &[Case]) -> (Vec<Outcome>, Vec<Response>) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = cases.len().div_ceil(threads).max(1);
    let results: Vec<(Outcome, Response)> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|c| judge(index, c)).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });
    results.into_iter().unzip()
}

/// Asks a question with no threshold, so that its best snippet is judged at every one.
fn judge(index: &Index, case: &Case) -> (Outcome, Response) {
    let qa = case.qa;
    let (response, features) = answer::ask_with(index, &qa.question, 0.0).unwrap_or_else(|_| {
        let response = Response {
            question: qa.question.clone(),
            answer: None,
            also: Vec::new(),
            related: Vec::new(),
        };
        (response, None)
    });
    let accepted: Vec<String> = qa.answers.iter().map(|a| normalize(&a.text)).collect();
    let (snippet_hit, span_hit, sentences) = match &response.answer {
        Some(a) if case.answerable => {
            let snippet = normalize(&a.snippet);
            let text = a.text.as_deref().map(normalize);
            (
                accepted.iter().any(|x| snippet.contains(x.as_str())),
                text.is_some_and(|t| accepted.contains(&t)),
                split::sentences(&a.snippet).len(),
            )
        }
        Some(a) => (false, false, split::sentences(&a.snippet).len()),
        None => (false, false, 0),
    };
    let outcome = Outcome {
        kind: question_word(&qa.question),
        answerable: case.answerable,
        snippet_hit,
        span_hit,
        probability: features.as_ref().map(Features::probability),
        features,
        sentences,
    };
    (outcome, response)
}

/// The share of `outcomes` for which `f` holds (0 of none).
fn share(outcomes: &[&Outcome], f: impl Fn(&Outcome) -> bool) -> f64 {
    outcomes.iter().filter(|o| f(o)).count() as f64 / outcomes.len().max(1) as f64
}

/// Figures of answerable questions, answered at `threshold`.
fn figures<'a>(outcomes: impl Iterator<Item = &'a Outcome>, threshold: f32) -> Figures {
    let outcomes: Vec<&Outcome> = outcomes.collect();
    Figures {
        questions: outcomes.len(),
        s_at_1: share(&outcomes, |o| o.answered(threshold) && o.snippet_hit),
        a_at_1: share(&outcomes, |o| o.answered(threshold) && o.span_hit),
        null: share(&outcomes, |o| !o.answered(threshold)),
    }
}

/// Lower case, punctuation removed, spaces collapsed.
pub fn normalize(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c.is_whitespace() {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The question word a question is filed under.
fn question_word(question: &str) -> &'static str {
    let lower = question.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    for (i, w) in words.iter().enumerate() {
        match *w {
            "how" => {
                return match words.get(i + 1) {
                    Some(&"many") => "how many",
                    Some(&"much") => "how much",
                    _ => "how",
                };
            }
            "who" | "whom" | "whose" => return "who",
            "what" => return "what",
            "when" => return "when",
            "where" => return "where",
            "which" => return "which",
            "why" => return "why",
            _ => {}
        }
    }
    "other"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_like_the_benchmark() {
        assert_eq!(normalize("  The Denver  Broncos!"), "the denver broncos");
        assert_eq!(normalize("$7-billion"), "7 billion");
    }

    #[test]
    fn files_questions_by_word() {
        assert_eq!(question_word("How many drones were used?"), "how many");
        assert_eq!(question_word("In which year?"), "which");
        assert_eq!(question_word("Name the team."), "other");
    }
}
