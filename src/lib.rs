//! sitrep: cited answers over a news corpus. See README.md for the architecture.

pub mod answer;
pub mod config;
pub mod corpus;
pub mod index;
pub mod lexicon;
