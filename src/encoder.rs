//! The sentence encoder: all-MiniLM-L6-v2 (a 6-layer BERT, `models/`), run on the CPU by
//! sitrep's own forward pass. A sentence or a question becomes a unit vector; the dot
//! product of two says how close their meanings are where BM25 sees only shared words
//! ("UAVs" and "drones").

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokenizers::Tokenizer;

use sitrep_bert::{Bert, Config};

/// Length of a vector.
pub const DIMENSIONS: usize = 384;
/// Texts embedded in one forward pass.
const BATCH: usize = 32;

/// The folder of the model committed with sitrep (`SITREP_MODEL` names another).
pub fn shipped_model() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/all-MiniLM-L6-v2")
}

/// The model this process uses, once chosen: a folder (or none), and its threads.
static CHOSEN: OnceLock<(Option<PathBuf>, usize)> = OnceLock::new();
static SHARED: OnceLock<Option<Encoder>> = OnceLock::new();

/// Chooses the model of this process before its first use: a folder, or `None` to answer
/// by words alone, and the threads it embeds many texts with. Without a choice, the
/// shipped model with a thread per core.
pub fn choose(model: Option<PathBuf>, threads: usize) {
    let _ = CHOSEN.set((model, threads.max(1)));
}

/// A thread per core.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// The process's encoder, loaded on first use; `None` when none was chosen or it cannot be
/// loaded (said once in the log: answers then rest on words alone).
pub fn shared() -> Option<&'static Encoder> {
    SHARED
        .get_or_init(|| {
            let (dir, threads) = CHOSEN.get_or_init(|| (Some(shipped_model()), default_threads()));
            Encoder::load(dir.as_ref()?)
                .map(|encoder| encoder.with_threads(*threads))
                .inspect_err(
                    |error| tracing::warn!(%error, "answering without the sentence encoder"),
                )
                .ok()
        })
        .as_ref()
}

pub struct Encoder {
    model: Bert,
    tokenizer: Tokenizer,
    dir: PathBuf,
    threads: usize,
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
        let model = Bert::load(&config, &dir.join("model.safetensors")).map_err(failed)?;
        Ok(Encoder {
            model,
            tokenizer,
            dir: dir.to_path_buf(),
            threads: default_threads(),
        })
    }

    /// The encoder, embedding many texts on `threads` threads (a question, one text,
    /// takes one).
    pub fn with_threads(self, threads: usize) -> Encoder {
        Encoder {
            threads: threads.max(1),
            ..self
        }
    }

    /// The folder the model was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Threads `embed` uses for many texts.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Unit vectors of `texts`, in their order; batches of texts of like length share
    /// the work of the dense layers, spread over the encoder's threads.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EncoderError> {
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| texts[i].len());
        let batches: Vec<&[usize]> = order.chunks(BATCH).collect();
        let next = AtomicUsize::new(0);
        let work = || -> Result<Vec<(usize, Vec<f32>)>, EncoderError> {
            let mut done = Vec::new();
            while let Some(batch) = batches.get(next.fetch_add(1, Ordering::Relaxed)) {
                let vectors = self.embed_batch(batch.iter().map(|&i| texts[i]).collect())?;
                done.extend(batch.iter().copied().zip(vectors));
            }
            Ok(done)
        };
        let threads = self.threads.min(batches.len()).max(1);
        let results: Vec<_> = std::thread::scope(|scope| {
            let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
            let mut results = vec![work()];
            results.extend(helpers.into_iter().map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(EncoderError::Run("an encoder thread panicked".into())))
            }));
            results
        });
        let mut vectors = vec![Vec::new(); texts.len()];
        for result in results {
            for (i, vector) in result? {
                vectors[i] = vector;
            }
        }
        Ok(vectors)
    }

    /// Starts embedding one text on a thread of its own: a question, while its words are
    /// searched and ranked on this one.
    pub fn embed_aside(&'static self, text: &str) -> Aside {
        let embed_one = |text: &str| self.embed(&[text]).map(|mut vectors| vectors.remove(0));
        let owned = text.to_string();
        match std::thread::Builder::new()
            .name("embed-question".into())
            .spawn(move || embed_one(&owned))
        {
            Ok(thread) => Aside::Running(thread),
            // No thread to be had (the process at its limit): embed on this one instead.
            Err(error) => {
                tracing::warn!(%error, "embedding the question without a thread of its own");
                Aside::Done(embed_one(text))
            }
        }
    }

    fn embed_batch(&self, texts: Vec<&str>) -> Result<Vec<Vec<f32>>, EncoderError> {
        let encodings = self
            .tokenizer
            .encode_batch(texts, true)
            .map_err(|e| EncoderError::Run(e.to_string()))?;
        let ids: Vec<Vec<u32>> = encodings.iter().map(|e| e.get_ids().to_vec()).collect();
        Ok(self.model.embed(&ids))
    }
}

/// A text's vector under way on another thread, or already computed.
pub enum Aside {
    Running(std::thread::JoinHandle<Result<Vec<f32>, EncoderError>>),
    Done(Result<Vec<f32>, EncoderError>),
}

impl Aside {
    /// The vector, once computed.
    pub fn wait(self) -> Result<Vec<f32>, EncoderError> {
        match self {
            Aside::Running(thread) => thread
                .join()
                .unwrap_or_else(|_| Err(EncoderError::Run("the encoder's thread panicked".into()))),
            Aside::Done(vector) => vector,
        }
    }
}

/// How close two unit vectors are: 1 the same direction, 0 unrelated.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Vectors of texts as candle 0.11's BertModel computed them from the same files (a
    /// question, punctuation and accents, a paragraph of 167 tokens), to six decimals.
    #[test]
    fn embeds_as_the_reference_implementation() {
        let encoder = Encoder::load(&shipped_model()).unwrap();
        let reference: Vec<serde_json::Value> =
            serde_json::from_str(include_str!("../tests/fixtures/encoder-reference.json")).unwrap();
        let texts: Vec<&str> = reference
            .iter()
            .map(|r| r["text"].as_str().unwrap())
            .collect();
        // Together (one batch of rows) and alone, the same vectors.
        let together = encoder.embed(&texts).unwrap();
        for ((text, expected), batched) in texts.iter().zip(&reference).zip(together) {
            let expected: Vec<f32> = serde_json::from_value(expected["vector"].clone()).unwrap();
            let alone = encoder.embed(&[text]).unwrap().remove(0);
            for got in [batched, alone] {
                let worst = got
                    .iter()
                    .zip(&expected)
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f32::max);
                // The forward pass runs in 16-bit integers: each component within
                // 3e-3 of the float reference, the direction within 1e-4 in cosine.
                let cosine: f32 = got.iter().zip(&expected).map(|(a, b)| a * b).sum();
                assert!(
                    worst < 3e-3 && cosine > 0.9999,
                    "{text:.30}: off by {worst}, cosine {cosine}"
                );
            }
        }
    }

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
