//! Answer quality on a question set of one's own over an index one has built: each line
//! `{"q": …, "expect": ["accepted", …] | null, "source": "id prefix"?}`; right means an
//! accepted string in the snippet or span (from the expected source, when given) for an
//! answerable question, and no answer for the others.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::squad::EvalError;
use crate::answer::{self, Features, Response};
use crate::index::Index;

/// One question of the set.
#[derive(Debug, Deserialize)]
pub struct Case {
    pub q: String,
    /// Accepted answer strings; none: the sources do not answer it.
    pub expect: Option<Vec<String>>,
    /// The id prefix of the one source that answers it, if only one does.
    pub source: Option<String>,
}

/// The figures of a run.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub answerable: usize,
    /// Answerable questions answered right.
    pub right: usize,
    pub unanswerable: usize,
    /// Unanswerable questions given no answer.
    pub refused: usize,
    /// The questions answered wrong, with what was said.
    pub failures: Vec<String>,
}

/// Reads the question set in `file`.
pub fn load(file: &Path) -> Result<Vec<Case>, EvalError> {
    let read_error = |at: String, message: String| EvalError::Read { path: at, message };
    let text = std::fs::read_to_string(file)
        .map_err(|e| read_error(file.display().to_string(), e.to_string()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            serde_json::from_str(l)
                .map_err(|e| read_error(format!("{}:{}", file.display(), n + 1), e.to_string()))
        })
        .collect()
}

/// Whether a response is right for the case.
pub fn is_right(case: &Case, response: &Response) -> bool {
    match (&case.expect, &response.answer) {
        (None, answer) => answer.is_none(),
        (Some(_), None) => false,
        (Some(accepted), Some(answer)) => {
            let said = |text: &str| accepted.iter().any(|a| text.contains(a.as_str()));
            let source_ok = case
                .source
                .as_ref()
                .is_none_or(|prefix| answer.source.id.starts_with(prefix.as_str()));
            source_ok && (said(&answer.snippet) || answer.text.as_deref().is_some_and(said))
        }
    }
}

/// Asks every question of `cases`; writes each one's confidence features and whether its
/// best snippet was right to `features` (grouped by expected source, for `sitrep eval
/// calibrate`).
pub fn evaluate(
    index: &Index,
    cases: &[Case],
    mut features: impl Write,
) -> Result<Report, EvalError> {
    let mut report = Report::default();
    for case in cases {
        let asked = answer::ask_with(index, &case.q, 0.0);
        let (best, found) = asked.unwrap_or_else(|_| (no_answer(&case.q), None));
        // Folds keep the questions on one source together; an unanswerable question is a
        // group of its own.
        let group = case
            .source
            .clone()
            .or_else(|| case.expect.as_ref().map(|e| e.join("|")))
            .unwrap_or_else(|| case.q.clone());
        let label = case.expect.is_some() && is_right(case, &best);
        let row = serde_json::json!({
            "group": group,
            "answerable": case.expect.is_some(),
            "label": u8::from(label),
            "features": found,
        });
        writeln!(features, "{row}")?;
        let response = match found.as_ref().map(Features::probability) {
            Some(p) if p >= answer::MIN_PROBABILITY => best,
            _ => no_answer(&case.q),
        };
        let right = is_right(case, &response);
        match &case.expect {
            Some(_) => {
                report.answerable += 1;
                report.right += usize::from(right);
            }
            None => {
                report.unanswerable += 1;
                report.refused += usize::from(right);
            }
        }
        if !right {
            report.failures.push(format!(
                "{}\n  expected: {}\n  got: {}",
                case.q,
                case.expect
                    .as_ref()
                    .map_or("no answer".to_string(), |e| e.join(" | ")),
                response
                    .answer
                    .as_ref()
                    .map_or("no answer".to_string(), |a| format!(
                        "[{}] ({} #{}, p {:.2}) {}",
                        a.text.as_deref().unwrap_or("-"),
                        a.source.id,
                        a.passage,
                        a.score,
                        a.snippet
                    ))
            ));
        }
    }
    Ok(report)
}

fn no_answer(question: &str) -> Response {
    Response {
        question: question.to_string(),
        answer: None,
        also: Vec::new(),
        related: Vec::new(),
    }
}
