//! Chat adapters: each translates its platform's messages into `bot` commands and renders
//! `bot::Reply` its own way. Only this module talks to chat platforms.

pub mod console;
