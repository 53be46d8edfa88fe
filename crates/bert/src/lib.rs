//! The forward pass of a BERT sentence encoder (all-MiniLM-L6-v2's shape) on the CPU, the
//! dense layers in 16-bit integers (`dense`), the rest in f32: token ids in, mean-pooled
//! unit vectors out. Several texts go through together as one long list of token rows:
//! the dense layers see all rows at once, attention stays within each text, and nothing
//! is padded.
//!
//! A crate of its own so that test builds of sitrep can optimise it: unoptimised, one
//! question takes a second instead of milliseconds.

mod dense;

use std::collections::HashMap;
use std::path::Path;

use half::f16;
use serde::Deserialize;

use dense::Dense;

#[derive(Debug, Deserialize)]
pub struct Config {
    pub hidden_size: usize,
    pub num_attention_heads: usize,
    pub num_hidden_layers: usize,
    pub intermediate_size: usize,
    pub max_position_embeddings: usize,
    pub layer_norm_eps: f64,
    pub hidden_act: String,
}

struct Norm {
    weight: Vec<f32>,
    bias: Vec<f32>,
}

struct Layer {
    /// Query, key and value in one product: their columns side by side.
    qkv: Dense,
    attention_out: Dense,
    attention_norm: Norm,
    up: Dense,
    down: Dense,
    output_norm: Norm,
}

pub struct Bert {
    hidden: usize,
    heads: usize,
    max_positions: usize,
    eps: f32,
    words: Vec<f32>,
    positions: Vec<f32>,
    token_type: Vec<f32>,
    embedding_norm: Norm,
    layers: Vec<Layer>,
}

/// The tensors of a safetensors file, as f32 with their shapes.
struct Tensors(HashMap<String, (Vec<usize>, Vec<f32>)>);

impl Tensors {
    fn read(bytes: &[u8]) -> Result<Tensors, String> {
        #[derive(Deserialize)]
        struct Info {
            dtype: String,
            shape: Vec<usize>,
            data_offsets: [usize; 2],
        }
        let length = bytes
            .get(..8)
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")) as usize)
            .ok_or("not a safetensors file")?;
        let header = bytes.get(8..8 + length).ok_or("truncated header")?;
        let header: HashMap<String, serde_json::Value> =
            serde_json::from_slice(header).map_err(|e| format!("header: {e}"))?;
        let body = &bytes[8 + length..];
        let mut tensors = HashMap::new();
        for (name, info) in header {
            if name == "__metadata__" {
                continue;
            }
            let info: Info = serde_json::from_value(info).map_err(|e| format!("{name}: {e}"))?;
            let [start, end] = info.data_offsets;
            let data = body
                .get(start..end)
                .ok_or(format!("{name}: out of range"))?;
            let values: Vec<f32> = match info.dtype.as_str() {
                "F16" => data
                    .chunks_exact(2)
                    .map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32())
                    .collect(),
                "F32" => data
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes")))
                    .collect(),
                _ => continue, // position ids (I64): implied by the order of the tokens
            };
            if values.len() != info.shape.iter().product::<usize>() {
                return Err(format!(
                    "{name}: {} values for shape {:?}",
                    values.len(),
                    info.shape
                ));
            }
            tensors.insert(name, (info.shape, values));
        }
        Ok(Tensors(tensors))
    }

    /// A tensor of the expected shape, taken out.
    fn take(&mut self, name: &str, shape: &[usize]) -> Result<Vec<f32>, String> {
        match self.0.remove(name) {
            Some((found, values)) if found == shape => Ok(values),
            Some((found, _)) => Err(format!("{name}: shape {found:?}, expected {shape:?}")),
            None => Err(format!("{name}: missing")),
        }
    }

    fn dense(&mut self, prefix: &str, outputs: usize, inputs: usize) -> Result<Dense, String> {
        let weight = self.take(&format!("{prefix}.weight"), &[outputs, inputs])?;
        let bias = self.take(&format!("{prefix}.bias"), &[outputs])?;
        Ok(Dense::new(&weight, bias, outputs, inputs))
    }

    fn norm(&mut self, prefix: &str, size: usize) -> Result<Norm, String> {
        Ok(Norm {
            weight: self.take(&format!("{prefix}.weight"), &[size])?,
            bias: self.take(&format!("{prefix}.bias"), &[size])?,
        })
    }
}

impl Bert {
    pub fn load(config: &Config, weights: &Path) -> Result<Bert, String> {
        let multiple = |size: usize| size.is_multiple_of(dense::COLUMNS_PER_CALL);
        if config.hidden_act != "gelu"
            || !config
                .hidden_size
                .is_multiple_of(config.num_attention_heads)
            || !multiple(config.hidden_size)
            || !multiple(config.intermediate_size)
        {
            return Err(format!("unsupported model: {config:?}"));
        }
        let bytes = std::fs::read(weights).map_err(|e| format!("{}: {e}", weights.display()))?;
        let mut tensors = Tensors::read(&bytes)?;
        // Plain BERT checkpoints prefix every name with "bert.".
        if tensors.0.keys().all(|k| k.starts_with("bert.")) {
            tensors.0 = tensors
                .0
                .into_iter()
                .map(|(k, v)| (k["bert.".len()..].to_string(), v))
                .collect();
        }
        let h = config.hidden_size;
        let words = tensors.0.get("embeddings.word_embeddings.weight");
        let vocabulary = words.map_or(0, |(shape, _)| shape[0]);
        let mut layers = Vec::new();
        for i in 0..config.num_hidden_layers {
            let p = format!("encoder.layer.{i}");
            let mut qkv_weight = Vec::with_capacity(3 * h * h);
            let mut qkv_bias = Vec::with_capacity(3 * h);
            for part in ["query", "key", "value"] {
                qkv_weight
                    .extend(tensors.take(&format!("{p}.attention.self.{part}.weight"), &[h, h])?);
                qkv_bias.extend(tensors.take(&format!("{p}.attention.self.{part}.bias"), &[h])?);
            }
            let inner = config.intermediate_size;
            layers.push(Layer {
                qkv: Dense::new(&qkv_weight, qkv_bias, 3 * h, h),
                attention_out: tensors.dense(&format!("{p}.attention.output.dense"), h, h)?,
                attention_norm: tensors.norm(&format!("{p}.attention.output.LayerNorm"), h)?,
                up: tensors.dense(&format!("{p}.intermediate.dense"), inner, h)?,
                down: tensors.dense(&format!("{p}.output.dense"), h, inner)?,
                output_norm: tensors.norm(&format!("{p}.output.LayerNorm"), h)?,
            });
        }
        let positions = config.max_position_embeddings;
        let token_types = tensors.0.get("embeddings.token_type_embeddings.weight");
        let types = token_types.map_or(0, |(shape, _)| shape[0]);
        Ok(Bert {
            hidden: h,
            heads: config.num_attention_heads,
            max_positions: positions,
            eps: config.layer_norm_eps as f32,
            words: tensors.take("embeddings.word_embeddings.weight", &[vocabulary, h])?,
            positions: tensors.take("embeddings.position_embeddings.weight", &[positions, h])?,
            // Every token is of type 0 (one text, no pair).
            token_type: tensors.take("embeddings.token_type_embeddings.weight", &[types, h])?[..h]
                .to_vec(),
            embedding_norm: tensors.norm("embeddings.LayerNorm", h)?,
            layers,
        })
    }

    /// The mean of each text's last hidden states, scaled to unit length (the pooling
    /// all-MiniLM-L6-v2 was trained with). `texts` are token ids; those past the model's
    /// positions are left out.
    pub fn embed(&self, texts: &[Vec<u32>]) -> Vec<Vec<f32>> {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F.
            return unsafe { self.embed_avx512(texts) };
        }
        self.forward(texts)
    }

    /// The forward pass with its element-wise arithmetic (GELU, attention, layer norm)
    /// compiled for AVX-512's 16 lanes rather than the baseline's 4: the same operations in
    /// the same order, so the same vectors.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn embed_avx512(&self, texts: &[Vec<u32>]) -> Vec<Vec<f32>> {
        self.forward(texts)
    }

    /// Inlined into each caller, so that it is compiled for the caller's instruction set
    /// (the dense layers choose their own kernel).
    #[inline(always)]
    fn forward(&self, texts: &[Vec<u32>]) -> Vec<Vec<f32>> {
        let h = self.hidden;
        let vocabulary = self.words.len() / h;
        let mut x = Vec::with_capacity(texts.iter().map(Vec::len).sum::<usize>() * h);
        let mut spans = Vec::with_capacity(texts.len());
        for ids in texts {
            let start = x.len() / h;
            for (position, &id) in ids.iter().enumerate().take(self.max_positions) {
                let word = &self.words[(id as usize).min(vocabulary - 1) * h..][..h];
                let place = &self.positions[position * h..][..h];
                x.extend(
                    word.iter()
                        .zip(place)
                        .zip(&self.token_type)
                        .map(|((w, p), t)| w + p + t),
                );
            }
            spans.push(start..x.len() / h);
        }
        self.normalise(&mut x, &self.embedding_norm);
        for layer in &self.layers {
            let qkv = layer.qkv.forward(&x);
            let context = self.attention(&qkv, &spans);
            let mut attended = layer.attention_out.forward(&context);
            add(&mut attended, &x);
            self.normalise(&mut attended, &layer.attention_norm);
            x = attended;
            let mut inner = layer.up.forward(&x);
            inner.iter_mut().for_each(|v| *v = gelu(*v));
            let mut out = layer.down.forward(&inner);
            add(&mut out, &x);
            self.normalise(&mut out, &layer.output_norm);
            x = out;
        }
        spans
            .into_iter()
            .map(|span| {
                let mut mean = vec![0.0f32; h];
                for row in x[span.start * h..span.end * h].chunks_exact(h) {
                    add(&mut mean, row);
                }
                let length = mean.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
                mean.iter_mut().for_each(|v| *v /= length);
                mean
            })
            .collect()
    }

    /// Multi-head self-attention within each span of rows; `qkv` rows hold each token's
    /// query, key and value side by side.
    #[inline(always)]
    fn attention(&self, qkv: &[f32], spans: &[std::ops::Range<usize>]) -> Vec<f32> {
        let h = self.hidden;
        let width = h / self.heads;
        let scale = 1.0 / (width as f32).sqrt();
        let mut context = vec![0.0f32; qkv.len() / 3];
        let mut weights = Vec::new();
        for span in spans {
            for head in 0..self.heads {
                let part = |row: usize, which: usize| {
                    &qkv[row * 3 * h + which * h + head * width..][..width]
                };
                for i in span.clone() {
                    let query = part(i, 0);
                    weights.clear();
                    // A loop, not `extend` over a map: the iterator's fold would be a
                    // function of its own, compiled without AVX-512.
                    for j in span.clone() {
                        weights.push(scale * dot(query, part(j, 1)));
                    }
                    softmax(&mut weights);
                    let out = &mut context[i * h + head * width..][..width];
                    for (j, &weight) in span.clone().zip(&weights) {
                        for (o, v) in out.iter_mut().zip(part(j, 2)) {
                            *o += weight * v;
                        }
                    }
                }
            }
        }
        context
    }

    /// Layer normalisation of every row.
    #[inline(always)]
    fn normalise(&self, x: &mut [f32], norm: &Norm) {
        for row in x.chunks_exact_mut(self.hidden) {
            let n = row.len() as f32;
            let mean = sum(row) / n;
            row.iter_mut().for_each(|v| *v -= mean);
            let variance = dot(row, row) / n;
            let scale = 1.0 / (variance + self.eps).sqrt();
            for ((v, w), b) in row.iter_mut().zip(&norm.weight).zip(&norm.bias) {
                *v = *v * scale * w + b;
            }
        }
    }
}

#[inline(always)]
fn add(to: &mut [f32], from: &[f32]) {
    to.iter_mut().zip(from).for_each(|(a, b)| *a += b);
}

/// Sums run in 16 lanes, which the compiler keeps in one vector register: a single
/// running sum would wait on each addition in turn.
const SUM_LANES: usize = 16;

#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0.0f32; SUM_LANES];
    let (a_rest, b_rest) = (a.chunks_exact(SUM_LANES), b.chunks_exact(SUM_LANES));
    for (sum, (x, y)) in lanes
        .iter_mut()
        .zip(a_rest.remainder().iter().zip(b_rest.remainder()))
    {
        *sum += x * y;
    }
    for (a, b) in a_rest.zip(b_rest) {
        for ((sum, x), y) in lanes.iter_mut().zip(a).zip(b) {
            *sum += x * y;
        }
    }
    lanes.iter().sum()
}

#[inline(always)]
fn sum(values: &[f32]) -> f32 {
    let mut lanes = [0.0f32; SUM_LANES];
    let chunks = values.chunks_exact(SUM_LANES);
    for (sum, v) in lanes.iter_mut().zip(chunks.remainder()) {
        *sum += v;
    }
    for chunk in chunks {
        for (sum, v) in lanes.iter_mut().zip(chunk) {
            *sum += v;
        }
    }
    lanes.iter().sum()
}

#[inline(always)]
fn softmax(values: &mut [f32]) {
    let max = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in values.iter_mut() {
        *v = exp(*v - max);
        sum += *v;
    }
    values.iter_mut().for_each(|v| *v /= sum);
}

/// The exact GELU the model was trained with, x/2 · (1 + erf(x/√2)).
#[inline(always)]
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

/// erf to within 2e-7 (Abramowitz and Stegun 7.1.26): one exponential, in f32.
#[inline(always)]
fn erf(x: f32) -> f32 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * z);
    let poly = t
        * (0.254_829_6
            + t * (-0.284_496_72 + t * (1.421_413_8 + t * (-1.453_152 + t * 1.061_405_4))));
    (1.0 - poly * exp(-z * z)).copysign(x)
}

/// e^x to within 3e-7 relative, in arithmetic the compiler can vectorise (the library's
/// `exp` is a call per value): x = n ln 2 + r with |r| ≤ ln 2 / 2, e^r by its Taylor
/// series to r⁶, and 2^n put straight into the exponent bits.
#[inline(always)]
fn exp(x: f32) -> f32 {
    // Adding 1.5 × 2²³ rounds to an integer (half to even) and leaves it in the low bits.
    const ROUND: f32 = 12_582_912.0;
    let x = x.clamp(-87.0, 88.0);
    let shifted = x * std::f32::consts::LOG2_E + ROUND;
    let n = shifted - ROUND;
    let r = x - n * 0.693_145_75 - n * 1.428_606_8e-6;
    let series = 1.0
        + r * (1.0
            + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r / 720.0)))));
    let power = (shifted.to_bits() as i32 - ROUND.to_bits() as i32 + 127) << 23;
    series * f32::from_bits(power as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_is_accurate() {
        for i in -8700..=8800 {
            let x = i as f32 / 100.0;
            let (got, expected) = (exp(x), (x as f64).exp());
            let error = ((got as f64 - expected) / expected).abs();
            assert!(error < 3e-7, "exp({x}) = {got}, off by {error:e}");
        }
    }

    #[test]
    fn erf_is_accurate() {
        // Values from tables of the error function.
        for (x, expected) in [
            (0.0, 0.0),
            (0.5, 0.520_499_9),
            (1.0, 0.842_700_8),
            (-2.0, -0.995_322_3),
        ] {
            assert!((erf(x) - expected).abs() < 5e-7, "erf({x}) = {}", erf(x));
        }
    }

    #[test]
    fn softmax_sums_to_one_and_keeps_order() {
        let mut v = vec![1.0, 3.0, 2.0, 10.0];
        softmax(&mut v);
        assert!((v.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(v[3] > 0.99 && v[1] > v[2] && v[2] > v[0]);
        // Large scores do not overflow.
        let mut v = vec![1000.0, 999.0];
        softmax(&mut v);
        assert!((v[0] - 0.731_058_6).abs() < 1e-6, "{v:?}");
    }
}
