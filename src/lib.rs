//! sitrep: cited answers over a news corpus. See README.md for the architecture.

pub mod corpus;
pub mod lexicon;
