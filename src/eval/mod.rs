//! Measuring sitrep: answer quality on SQuAD (`sitrep eval squad`) and speed at scale
//! (`sitrep bench`). Developer tools; they build their own indexes in a work directory.

pub mod bench;
pub mod squad;
