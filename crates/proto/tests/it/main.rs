//! Integration tests of the generated API against a real `temporal server start-dev`.
//!
//! One test binary for the crate (it links once); each module covers one behaviour.

mod history_json;
mod raw_calls;
mod support;
