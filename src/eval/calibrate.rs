//! Fitting the answer's probability: logistic regression over the features that the
//! evaluations write (`--features`), scored on folds split by article so that no article
//! is both fitted and scored, with the calibration of the held-out predictions.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::squad::EvalError;

/// One question: its article (the fold unit), whether its best snippet was right, and the
/// features the engine measured.
#[derive(Deserialize)]
struct Row {
    group: String,
    /// Whether the corpus answers it.
    answerable: bool,
    label: u8,
    /// None: no sentence could answer, so it is refused at every threshold.
    features: Option<Vec<f32>>,
}

/// One bin of the reliability table.
#[derive(Debug, Serialize)]
pub struct Bin {
    pub lower: f64,
    pub upper: f64,
    pub count: usize,
    /// Mean predicted probability.
    pub predicted: f64,
    /// Share that was right.
    pub observed: f64,
}

/// One row of the held-out risk–coverage table.
#[derive(Debug, Serialize)]
pub struct Coverage {
    pub threshold: f64,
    /// Share of the answerable questions answered right.
    pub right: f64,
    /// Share of the unanswerable questions refused.
    pub refused: f64,
}

/// The fit and its held-out calibration.
#[derive(Debug, Serialize)]
pub struct Calibration {
    pub questions: usize,
    pub groups: usize,
    pub folds: usize,
    /// Reliability of the held-out predictions, in tenths.
    pub bins: Vec<Bin>,
    /// Expected calibration error of the held-out predictions.
    pub ece: f64,
    /// Mean log loss of the held-out predictions.
    pub log_loss: f64,
    /// Held-out: answerable right and unanswerable refused at a range of thresholds.
    pub risk_coverage: Vec<Coverage>,
    /// Fitted on every row: the bias, then one weight per feature.
    pub bias: f64,
    pub weights: Vec<f64>,
}

/// L2 penalty on the standardised weights (not the bias).
const L2: f64 = 1.0;

/// Reads feature rows from `files`, fits with `folds`-fold cross-validation by group, and
/// fits once more on everything.
pub fn calibrate(files: &[impl AsRef<Path>], folds: usize) -> Result<Calibration, EvalError> {
    let mut rows: Vec<Row> = Vec::new();
    for file in files {
        let file = file.as_ref();
        let text = std::fs::read_to_string(file).map_err(|e| EvalError::Read {
            path: file.display().to_string(),
            message: e.to_string(),
        })?;
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let row: Row = serde_json::from_str(line).map_err(|e| EvalError::Read {
                path: format!("{}:{}", file.display(), n + 1),
                message: e.to_string(),
            })?;
            rows.push(row);
        }
    }
    let groups: Vec<&str> = rows
        .iter()
        .map(|r| r.group.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let fold_of = |r: &Row| groups.binary_search(&r.group.as_str()).unwrap_or(0) % folds;
    // Questions no sentence could answer are refused whatever the model says.
    let scored: Vec<(&Row, &[f32])> = rows
        .iter()
        .filter_map(|r| Some((r, r.features.as_deref()?)))
        .collect();
    let widths: BTreeSet<usize> = scored.iter().map(|(_, x)| x.len()).collect();
    if widths.len() > 1 {
        return Err(EvalError::Read {
            path: "the feature files".into(),
            message: format!(
                "rows of {widths:?} features: answers with and without the encoder are fitted apart"
            ),
        });
    }
    let mut held_out = vec![0.0; scored.len()];
    for fold in 0..folds {
        let train: Vec<Sample> = scored
            .iter()
            .filter(|(r, _)| fold_of(r) != fold)
            .map(|&(r, x)| (x, f64::from(r.label)))
            .collect();
        let model = Model::fit(&train);
        for (i, (_, x)) in scored
            .iter()
            .enumerate()
            .filter(|(_, (r, _))| fold_of(r) == fold)
        {
            held_out[i] = model.predict(x);
        }
    }
    let labels: Vec<f64> = scored.iter().map(|(r, _)| f64::from(r.label)).collect();
    let n = scored.len().max(1) as f64;
    let bins: Vec<Bin> = (0..10)
        .map(|b| {
            let (lower, upper) = (b as f64 / 10.0, (b + 1) as f64 / 10.0);
            let inside: Vec<usize> = (0..scored.len())
                .filter(|&i| held_out[i] >= lower && (held_out[i] < upper || b == 9))
                .collect();
            let count = inside.len();
            let mean = |v: &[f64]| inside.iter().map(|&i| v[i]).sum::<f64>() / count.max(1) as f64;
            Bin {
                lower,
                upper,
                count,
                predicted: mean(&held_out),
                observed: mean(&labels),
            }
        })
        .collect();
    let ece = bins
        .iter()
        .map(|b| b.count as f64 / n * (b.predicted - b.observed).abs())
        .sum();
    let log_loss = held_out
        .iter()
        .zip(&labels)
        .map(|(p, y)| {
            let p = p.clamp(1e-9, 1.0 - 1e-9);
            -(y * p.ln() + (1.0 - y) * (1.0 - p).ln())
        })
        .sum::<f64>()
        / n;
    let answerable = rows.iter().filter(|r| r.answerable).count().max(1) as f64;
    let unanswerable = rows.iter().filter(|r| !r.answerable).count().max(1) as f64;
    let risk_coverage = (0..20)
        .map(|k| {
            let threshold = k as f64 * 0.05;
            let answered = |i: &usize| held_out[*i] >= threshold;
            let right = (0..scored.len())
                .filter(|i| scored[*i].0.answerable && scored[*i].0.label == 1 && answered(i))
                .count();
            let wrongly_answered = (0..scored.len())
                .filter(|i| !scored[*i].0.answerable && answered(i))
                .count();
            Coverage {
                threshold,
                right: right as f64 / answerable,
                refused: 1.0 - wrongly_answered as f64 / unanswerable,
            }
        })
        .collect();
    let all: Vec<Sample> = scored
        .iter()
        .map(|&(r, x)| (x, f64::from(r.label)))
        .collect();
    let (bias, weights) = Model::fit(&all).raw();
    Ok(Calibration {
        questions: rows.len(),
        groups: groups.len(),
        folds,
        bins,
        ece,
        log_loss,
        risk_coverage,
        bias,
        weights,
    })
}

/// A question's features and whether its snippet was right (1) or not (0).
type Sample<'r> = (&'r [f32], f64);

/// A logistic regression on standardised features.
struct Model {
    mean: Vec<f64>,
    scale: Vec<f64>,
    /// Bias first.
    beta: Vec<f64>,
}

impl Model {
    /// Newton's method on the L2-penalised log likelihood.
    fn fit(samples: &[Sample]) -> Model {
        let d = samples.first().map_or(0, |(x, _)| x.len());
        let n = samples.len().max(1) as f64;
        let mean: Vec<f64> = (0..d)
            .map(|j| samples.iter().map(|(x, _)| f64::from(x[j])).sum::<f64>() / n)
            .collect();
        let scale: Vec<f64> = (0..d)
            .map(|j| {
                let var = samples
                    .iter()
                    .map(|(x, _)| (f64::from(x[j]) - mean[j]).powi(2))
                    .sum::<f64>()
                    / n;
                if var > 1e-12 { var.sqrt() } else { 1.0 }
            })
            .collect();
        let mut model = Model {
            mean,
            scale,
            beta: vec![0.0; d + 1],
        };
        let xs: Vec<Vec<f64>> = samples.iter().map(|(x, _)| model.design(x)).collect();
        for _ in 0..50 {
            let mut gradient = vec![0.0; d + 1];
            let mut hessian = vec![vec![0.0; d + 1]; d + 1];
            for (x, (_, y)) in xs.iter().zip(samples) {
                let p = logistic(dot(&model.beta, x));
                let residual = p - y;
                let w = (p * (1.0 - p)).max(1e-9);
                for j in 0..=d {
                    gradient[j] += residual * x[j];
                    for k in 0..=d {
                        hessian[j][k] += w * x[j] * x[k];
                    }
                }
            }
            for j in 1..=d {
                gradient[j] += L2 * model.beta[j];
                hessian[j][j] += L2;
            }
            let step = solve(hessian, gradient);
            let size: f64 = step.iter().map(|s| s.abs()).fold(0.0, f64::max);
            for (b, s) in model.beta.iter_mut().zip(&step) {
                *b -= s;
            }
            if size < 1e-8 {
                break;
            }
        }
        model
    }

    /// 1, then the standardised features.
    fn design(&self, features: &[f32]) -> Vec<f64> {
        std::iter::once(1.0)
            .chain(
                features
                    .iter()
                    .zip(self.mean.iter().zip(&self.scale))
                    .map(|(x, (m, s))| (f64::from(*x) - m) / s),
            )
            .collect()
    }

    fn predict(&self, features: &[f32]) -> f64 {
        logistic(dot(&self.beta, &self.design(features)))
    }

    /// The bias and weights on the raw features.
    fn raw(&self) -> (f64, Vec<f64>) {
        let weights: Vec<f64> = self.beta[1..]
            .iter()
            .zip(&self.scale)
            .map(|(b, s)| b / s)
            .collect();
        let bias = self.beta[0]
            - weights
                .iter()
                .zip(&self.mean)
                .map(|(w, m)| w * m)
                .sum::<f64>();
        (bias, weights)
    }
}

fn logistic(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting (`a` is positive
/// definite here: the penalty sees to it).
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap_or(col);
        a.swap(col, pivot);
        b.swap(col, pivot);
        let diagonal = if a[col][col].abs() < 1e-12 {
            1e-12
        } else {
            a[col][col]
        };
        for row in col + 1..n {
            let factor = a[row][col] / diagonal;
            let (pivot_rows, rest) = a.split_at_mut(row);
            for (x, p) in rest[0][col..].iter_mut().zip(&pivot_rows[col][col..]) {
                *x -= factor * p;
            }
            b[row] -= factor * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let rest: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        let diagonal = if a[row][row].abs() < 1e-12 {
            1e-12
        } else {
            a[row][row]
        };
        x[row] = (b[row] - rest) / diagonal;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_small_system() {
        let x = solve(vec![vec![2.0, 1.0], vec![1.0, 3.0]], vec![3.0, 5.0]);
        assert!(
            (x[0] - 0.8).abs() < 1e-9 && (x[1] - 1.4).abs() < 1e-9,
            "{x:?}"
        );
    }

    #[test]
    fn a_fitted_model_ranks_by_its_feature() {
        // Right answers have higher feature values; the fit must give them higher odds.
        let xs: Vec<[f32; 1]> = (0..200).map(|i| [i as f32 / 200.0]).collect();
        let samples: Vec<Sample> = xs
            .iter()
            .enumerate()
            .map(|(i, x)| (x.as_slice(), f64::from(u8::from(i % 3 != 0 && i > 60))))
            .collect();
        let model = Model::fit(&samples);
        assert!(model.predict(&[0.9]) > 0.7 && model.predict(&[0.1]) < 0.3);
        let (bias, weights) = model.raw();
        let raw = logistic(bias + weights[0] * f64::from(0.9f32));
        assert!(
            (raw - model.predict(&[0.9])).abs() < 1e-9,
            "raw weights agree"
        );
    }
}
