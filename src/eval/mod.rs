//! Measuring sitrep: answer quality on SQuAD (`sitrep eval squad`), the fit of the answer
//! probability (`sitrep eval calibrate`) and speed at scale
//! (`sitrep bench`). Developer tools; they build their own indexes in a work directory.

pub mod bench;
pub mod calibrate;
pub mod questions;
pub mod squad;
