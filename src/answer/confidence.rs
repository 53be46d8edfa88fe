//! The answer's probability: a logistic model over what ranking measured of the best
//! sentence, fitted by `sitrep eval calibrate` on answerable and unanswerable questions
//! with folds split by article (see BENCHMARKS.md).

use serde::{Deserialize, Serialize};

use super::question::{AnswerType, Question};
use super::rank::{Ranked, Sentence};

/// The features the probability is estimated from, in the order of `WEIGHTS`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Features(pub Vec<f32>);

/// Fitted by `sitrep eval calibrate`: the bias, then one weight per feature of
/// `Features::of`, in its order.
const BIAS: f32 = -3.2263;
const WEIGHTS: [f32; 19] = [
    -3.2522, 1.0218, -2.8247, 0.7333, 0.3047, 1.2639, -0.6324, 0.6182, 0.3040, 0.5076, -0.0364,
    -0.4024, 0.8562, 0.4679, 4.0091, 7.4023, 0.2158, 0.7125, -0.4470,
];

impl Features {
    /// What ranking measured of `best`.
    pub fn of(question: &Question, ranked: &Ranked, best: &Sentence) -> Features {
        use AnswerType::*;
        let e = &best.evidence;
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        let kind = best.answer_type;
        let hit = &ranked.hits[best.hit];
        Features(vec![
            best.confidence,
            e.coverage,
            e.absent,
            e.missing_idf / ranked.top_idf.max(f32::EPSILON),
            e.missing_idf / 10.0,
            e.matched_share,
            e.fit,
            // A typed question answered by a sentence without a span of its type.
            flag(kind != Description && !best.has_answer_type()),
            flag(ranked.focal_unsaid(question, best)),
            flag(ranked.says_focal(question, best)),
            flag(best.candidate.as_ref().is_some_and(|c| c.beside_focal)),
            flag(kind == Description),
            flag(matches!(kind, Number | Money | Percent | Date | Duration)),
            flag(matches!(kind, Person | Place)),
            best.score,
            // The margin over the best sentence of a passage giving another answer.
            best.score - ranked.rival_score(best),
            // BM25 of the passage, per unit of the question's IDF.
            hit.score / ranked.idf_total.max(f32::EPSILON),
            // The passage's BM25 rank.
            1.0 / (1.0 + best.hit as f32),
            e.support as f32,
        ])
    }

    /// The estimated probability that the sentence answers the question.
    pub fn probability(&self) -> f32 {
        probability(BIAS, &WEIGHTS, &self.0)
    }
}

/// The logistic function of a linear score.
pub fn probability(bias: f32, weights: &[f32], x: &[f32]) -> f32 {
    let z = bias + weights.iter().zip(x).map(|(w, x)| w * x).sum::<f32>();
    1.0 / (1.0 + (-z).exp())
}
