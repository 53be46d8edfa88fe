//! sitrep: cited answers over a news corpus. See README.md for the architecture.

pub mod answer;
pub mod bot;
pub mod chat;
pub mod config;
pub mod corpus;
pub mod encoder;
pub mod eval;
pub mod index;
pub mod lexicon;
pub mod sources;
pub mod state;
pub mod track;

#[cfg(test)]
mod testing;
