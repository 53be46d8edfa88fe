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

use crate::answer::{self, Response};
use crate::corpus::split;
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

    /// The articles as a sitrep JSONL archive: an article a line, paragraphs as passages.
    pub fn archive(&self) -> String {
        self.data
            .iter()
            .map(|a| {
                let text = a
                    .paragraphs
                    .iter()
                    .map(|p| p.context.trim())
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
        self.qas().map(|qa| qa.question.as_str())
    }

    /// Every paragraph's text.
    pub fn paragraphs(&self) -> impl Iterator<Item = &str> {
        self.data
            .iter()
            .flat_map(|a| &a.paragraphs)
            .map(|p| p.context.as_str())
    }

    fn qas(&self) -> impl Iterator<Item = &Qa> {
        self.data
            .iter()
            .flat_map(|a| &a.paragraphs)
            .flat_map(|p| &p.qas)
    }
}

/// Builds an index of the dataset in `work`.
pub fn index_dataset(
    dataset: &Dataset,
    work: &Path,
) -> Result<(Index, crate::index::BuildReport), EvalError> {
    let layout = Layout::new(work);
    let sources = layout.sources();
    std::fs::create_dir_all(&sources).map_err(|e| IndexError::io(&sources, e))?;
    let archive = sources.join("squad.jsonl");
    std::fs::write(&archive, dataset.archive()).map_err(|e| IndexError::io(&archive, e))?;
    let build = index::build(&layout, u64::MAX, |_| {})?;
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
    snippet_hit: bool,
    span_hit: bool,
    null: bool,
    sentences: usize,
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

/// The evaluation's results.
#[derive(Debug, Serialize)]
pub struct Report {
    pub articles: usize,
    pub passages: usize,
    pub overall: Figures,
    /// By question word: who, what, when, where, which, why, how many, how much, how, other.
    pub by_question_word: BTreeMap<&'static str, Figures>,
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
}

/// Loads SQuAD from `file`, indexes it in `work` (which must be empty or absent), and asks
/// every question (the first `limit`, if given). Failures are written to `failures`.
pub fn evaluate(
    file: &Path,
    work: &Path,
    limit: Option<usize>,
    mut failures: impl Write,
) -> Result<Report, EvalError> {
    let dataset = Dataset::load(file)?;
    let (index, build) = index_dataset(&dataset, work)?;

    let questions: Vec<&Qa> = dataset.qas().take(limit.unwrap_or(usize::MAX)).collect();
    let outcomes = ask_all(&index, &questions);

    let mut by_word: BTreeMap<&'static str, Vec<&Outcome>> = BTreeMap::new();
    for ((qa, response), outcome) in questions.iter().zip(&outcomes.1).zip(&outcomes.0) {
        by_word.entry(outcome.kind).or_default().push(outcome);
        if !outcome.snippet_hit {
            let _ = writeln!(
                failures,
                "{}\n  expected: {}\n  got: {}",
                qa.question,
                qa.answers
                    .iter()
                    .map(|a| a.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" | "),
                response
                    .answer
                    .as_ref()
                    .map_or("no answer".to_string(), |a| format!(
                        "[{}] ({} #{}) {}",
                        a.text.as_deref().unwrap_or("-"),
                        a.source.id,
                        a.passage,
                        a.snippet
                    ))
            );
        }
    }
    Ok(Report {
        articles: dataset.data.len(),
        passages: build.passages(),
        overall: figures(outcomes.0.iter()),
        by_question_word: by_word
            .into_iter()
            .map(|(k, v)| (k, figures(v.into_iter())))
            .collect(),
        max_snippet_sentences: outcomes.0.iter().map(|o| o.sentences).max().unwrap_or(0),
    })
}

/// Asks every question on all cores.
fn ask_all(index: &Index, questions: &[&Qa]) -> (Vec<Outcome>, Vec<Response>) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = questions.len().div_ceil(threads).max(1);
    let results: Vec<(Outcome, Response)> = std::thread::scope(|scope| {
        let handles: Vec<_> = questions
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|qa| judge(index, qa)).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });
    results.into_iter().unzip()
}

fn judge(index: &Index, qa: &Qa) -> (Outcome, Response) {
    let response = answer::ask(index, &qa.question).unwrap_or_else(|_| Response {
        question: qa.question.clone(),
        answer: None,
        also: Vec::new(),
        related: Vec::new(),
    });
    let accepted: Vec<String> = qa.answers.iter().map(|a| normalize(&a.text)).collect();
    let (snippet_hit, span_hit, sentences) = match &response.answer {
        Some(a) => {
            let snippet = normalize(&a.snippet);
            let text = a.text.as_deref().map(normalize);
            (
                accepted.iter().any(|x| snippet.contains(x.as_str())),
                text.is_some_and(|t| accepted.contains(&t)),
                split::sentences(&a.snippet).len(),
            )
        }
        None => (false, false, 0),
    };
    let outcome = Outcome {
        kind: question_word(&qa.question),
        snippet_hit,
        span_hit,
        null: response.answer.is_none(),
        sentences,
    };
    (outcome, response)
}

fn figures<'a>(outcomes: impl Iterator<Item = &'a Outcome>) -> Figures {
    let outcomes: Vec<&Outcome> = outcomes.collect();
    let n = outcomes.len().max(1) as f64;
    let share = |f: fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count() as f64 / n;
    Figures {
        questions: outcomes.len(),
        s_at_1: share(|o| o.snippet_hit),
        a_at_1: share(|o| o.span_hit),
        null: share(|o| o.null),
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
