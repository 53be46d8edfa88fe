//! The sentence encoder: all-MiniLM-L6-v2 (a 6-layer BERT, `models/`), run on the CPU by
//! candle. A sentence or a question becomes a unit vector; the dot product of two says how
//! close their meanings are where BM25 sees only shared words ("UAVs" and "drones").

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::Tokenizer;

/// Length of a vector.
pub const DIMENSIONS: usize = 384;
/// Texts embedded in one forward pass, grouped by length so that little is padding.
const BATCH: usize = 32;

/// The folder of the model committed with sitrep (`SITREP_MODEL` names another).
pub fn shipped_model() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/all-MiniLM-L6-v2")
}

/// The model this process uses, once chosen: a folder, or none.
static CHOSEN: OnceLock<Option<PathBuf>> = OnceLock::new();
static SHARED: OnceLock<Option<Encoder>> = OnceLock::new();

/// Chooses the model of this process before its first use: a folder, or `None` to answer
/// by words alone. Without a choice, the shipped model is used.
pub fn choose(model: Option<PathBuf>) {
    let _ = CHOSEN.set(model);
}

/// The process's encoder, loaded on first use; `None` when none was chosen or it cannot be
/// loaded (said once in the log: answers then rest on words alone).
pub fn shared() -> Option<&'static Encoder> {
    SHARED
        .get_or_init(|| {
            let dir = CHOSEN.get_or_init(|| Some(shipped_model())).clone()?;
            Encoder::load(&dir)
                .inspect_err(
                    |error| tracing::warn!(%error, "answering without the sentence encoder"),
                )
                .ok()
        })
        .as_ref()
}

pub struct Encoder {
    model: BertModel,
    tokenizer: Tokenizer,
}

#[derive(Debug, thiserror::Error)]
pub enum EncoderError {
    #[error("cannot load the sentence encoder from {dir}: {message}")]
    Load { dir: PathBuf, message: String },
    #[error("the sentence encoder failed: {0}")]
    Run(String),
}

impl Encoder {
    /// Loads the model from a folder holding `config.json`, `tokenizer.json` and
    /// `model.safetensors` (F16 or F32; computed in F32).
    pub fn load(dir: &Path) -> Result<Encoder, EncoderError> {
        let failed = |message: String| EncoderError::Load {
            dir: dir.to_path_buf(),
            message,
        };
        let read =
            |name: &str| std::fs::read(dir.join(name)).map_err(|e| failed(format!("{name}: {e}")));
        let config: Config =
            serde_json::from_slice(&read("config.json")?).map_err(|e| failed(e.to_string()))?;
        let tokenizer = Tokenizer::from_bytes(read("tokenizer.json")?)
            .map_err(|e| failed(format!("tokenizer.json: {e}")))?;
        let weights = VarBuilder::from_buffered_safetensors(
            read("model.safetensors")?,
            DType::F32,
            &Device::Cpu,
        )
        .map_err(|e| failed(e.to_string()))?;
        let model = BertModel::load(weights, &config).map_err(|e| failed(e.to_string()))?;
        Ok(Encoder { model, tokenizer })
    }

    /// Unit vectors of `texts`, in their order.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EncoderError> {
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| texts[i].len());
        let mut vectors = vec![Vec::new(); texts.len()];
        for batch in order.chunks(BATCH) {
            let embedded = self
                .embed_batch(batch.iter().map(|&i| texts[i]).collect())
                .map_err(|e| EncoderError::Run(e.to_string()))?;
            for (&i, vector) in batch.iter().zip(embedded) {
                vectors[i] = vector;
            }
        }
        Ok(vectors)
    }

    /// Mean of the token vectors (padding left out), scaled to unit length: the pooling
    /// the model was trained with.
    fn embed_batch(
        &self,
        texts: Vec<&str>,
    ) -> Result<Vec<Vec<f32>>, Box<dyn std::error::Error + Send + Sync>> {
        let encodings = self.tokenizer.encode_batch(texts, true)?;
        let rows = encodings.len();
        let width = encodings
            .iter()
            .map(|e| e.get_ids().len())
            .max()
            .unwrap_or(0);
        let mut ids = Vec::with_capacity(rows * width);
        let mut mask = Vec::with_capacity(rows * width);
        for encoding in &encodings {
            let tokens = encoding.get_ids();
            ids.extend_from_slice(tokens);
            ids.resize(ids.len() + width - tokens.len(), 0);
            mask.resize(mask.len() + tokens.len(), 1u32);
            mask.resize(mask.len() + width - tokens.len(), 0);
        }
        let device = &self.model.device;
        let ids = Tensor::from_vec(ids, (rows, width), device)?;
        let mask = Tensor::from_vec(mask, (rows, width), device)?;
        let hidden = self.model.forward(&ids, &ids.zeros_like()?, Some(&mask))?;
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let mean = hidden
            .broadcast_mul(&mask)?
            .sum(1)?
            .broadcast_div(&mask.sum(1)?)?;
        let unit = mean.broadcast_div(&mean.sqr()?.sum_keepdim(1)?.sqrt()?)?;
        Ok(unit.to_vec2::<f32>()?)
    }
}

/// How close two unit vectors are: 1 the same direction, 0 unrelated.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paraphrases_are_closer_than_unrelated_sentences() {
        let encoder = Encoder::load(&shipped_model()).unwrap();
        let v = encoder
            .embed(&[
                "how many UAVs hit the airbases?",
                "Ukraine said 117 drones had been used in the attack on the air bases.",
                "The harbour ferry was delayed by the tide on Tuesday.",
                "how many UAVs hit the airbases?",
            ])
            .unwrap();
        assert!(v.iter().all(|v| v.len() == DIMENSIONS));
        assert!((cosine(&v[0], &v[0]) - 1.0).abs() < 1e-4);
        // Batched with longer texts (padded), the question embeds as alone.
        let alone = encoder.embed(&["how many UAVs hit the airbases?"]).unwrap();
        assert!(cosine(&v[3], &alone[0]) > 0.999);
        assert!(
            cosine(&v[0], &v[1]) > cosine(&v[0], &v[2]) + 0.2,
            "{} vs {}",
            cosine(&v[0], &v[1]),
            cosine(&v[0], &v[2])
        );
    }
}
