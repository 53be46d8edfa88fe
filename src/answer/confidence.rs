//! The answer's probability: a logistic model over what ranking measured of the best
//! sentence, fitted by `sitrep eval calibrate` on answerable and unanswerable questions
//! with folds split by article (see BENCHMARKS.md).

use serde::{Deserialize, Serialize};

use super::question::{AnswerType, Question};
use super::rank::{Ranked, Sentence};

/// The features the probability is estimated from, in the order of a `Model`'s weights.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Features(pub Vec<f32>);

/// A logistic model: the bias, then one weight per feature of `Features::of`, in its order.
struct Model<const N: usize> {
    bias: f32,
    weights: [f32; N],
}

/// Fitted by `sitrep eval calibrate` on runs with `--no-encoder`: answers by words alone.
const BY_WORDS: Model<19> = Model {
    bias: -3.2263,
    weights: [
        -3.2522, 1.0218, -2.8247, 0.7333, 0.3047, 1.2639, -0.6324, 0.6182, 0.3040, 0.5076, -0.0364,
        -0.4024, 0.8562, 0.4679, 4.0091, 7.4023, 0.2158, 0.7125, -0.4470,
    ],
};

/// Fitted by `sitrep eval calibrate`: answers that also weigh meaning, whose features add
/// the encoder's cosine.
const BY_MEANING: Model<20> = Model {
    bias: -3.0988,
    weights: [
        0.4523, -2.1682, -2.7602, 0.0828, -0.3776, 1.8037, -0.4842, 0.3052, 0.2893, 0.5165,
        -0.0825, -0.7897, 0.5705, 0.3616, 1.5329, 6.1031, -0.9632, 0.5826, 0.0549, 4.5447,
    ],
};

impl Features {
    /// What ranking measured of `best`.
    pub fn of(question: &Question, ranked: &Ranked, best: &Sentence) -> Features {
        use AnswerType::*;
        let e = &best.evidence;
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        let kind = best.answer_type;
        let hit = &ranked.hits[best.hit];
        let mut features = vec![
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
            best.score - ranked.rival_score(question, best),
            // BM25 of the passage, per unit of the question's IDF.
            hit.score / ranked.idf_total.max(f32::EPSILON),
            // The passage's BM25 rank.
            1.0 / (1.0 + best.hit as f32),
            e.support as f32,
        ];
        // A sentence without a vector yet (just added) is judged by words alone.
        if let Some(closeness) = e.closeness {
            features.push(closeness);
        }
        Features(features)
    }

    /// The estimated probability that the sentence answers the question.
    pub fn probability(&self) -> f32 {
        if self.0.len() == BY_MEANING.weights.len() {
            probability(BY_MEANING.bias, &BY_MEANING.weights, &self.0)
        } else {
            probability(BY_WORDS.bias, &BY_WORDS.weights, &self.0)
        }
    }
}

/// The logistic function of a linear score.
pub fn probability(bias: f32, weights: &[f32], x: &[f32]) -> f32 {
    let z = bias + weights.iter().zip(x).map(|(w, x)| w * x).sum::<f32>();
    1.0 / (1.0 + (-z).exp())
}
