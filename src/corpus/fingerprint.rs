//! Near-duplicate text: a syndicated wire story reprinted by several outlets (with a new
//! headline, a dateline, a sentence cut) is recognised by its shared word 4-grams.

use std::hash::{Hash, Hasher};

/// Word 4-grams shorter texts must share nearly all of; below this many, texts are
/// compared only when equal.
const MIN_SHINGLES: usize = 6;
/// The share of the shorter text's 4-grams found in the other that makes it a copy.
const COPY_CONTAINMENT: f32 = 0.6;

/// The set of hashed word 4-grams of a text (lower-cased, punctuation ignored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    shingles: Vec<u64>,
}

impl Fingerprint {
    pub fn of(text: &str) -> Self {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let mut shingles: Vec<u64> = if words.len() < 4 {
            vec![hash(&words)]
        } else {
            words.windows(4).map(hash).collect()
        };
        shingles.sort_unstable();
        shingles.dedup();
        Fingerprint { shingles }
    }

    /// The share of the smaller set's shingles that the other has too.
    pub fn containment(&self, other: &Fingerprint) -> f32 {
        let (small, large) = if self.shingles.len() <= other.shingles.len() {
            (&self.shingles, &other.shingles)
        } else {
            (&other.shingles, &self.shingles)
        };
        if small.is_empty() {
            return 0.0;
        }
        let shared = small
            .iter()
            .filter(|s| large.binary_search(s).is_ok())
            .count();
        shared as f32 / small.len() as f32
    }

    /// Whether one text is a copy of the other (or both of a third).
    pub fn is_copy(&self, other: &Fingerprint) -> bool {
        if self.shingles.len().min(other.shingles.len()) < MIN_SHINGLES {
            return self == other;
        }
        self.containment(other) >= COPY_CONTAINMENT
    }
}

fn hash(words: &[String]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    words.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reprint_with_a_dateline_and_a_cut_is_a_copy() {
        let wire = "Ukraine's Security Service said on Sunday that its drones struck 41 Russian \
                    aircraft at four air bases, including strategic bombers used to fire cruise \
                    missiles at Ukrainian cities.";
        let reprint = "Kyiv [Ukraine], June 1 (ANI): Ukraine's Security Service said on Sunday \
                       that its drones struck 41 Russian aircraft at four air bases, including \
                       strategic bombers.";
        let other = "Russia's Defence Ministry said air defences shot down most of the drones and \
                     that fires at two air bases had been put out, with no casualties.";
        assert!(Fingerprint::of(wire).is_copy(&Fingerprint::of(reprint)));
        assert!(!Fingerprint::of(wire).is_copy(&Fingerprint::of(other)));
        assert!(!Fingerprint::of("Talks resumed.").is_copy(&Fingerprint::of("Talks ended.")));
    }
}
