//! Procedural macros for typed Temporal workflow contracts, re-exported by `temporal-client`.
//!
//! The `#[workflow]`, `#[signal]`, `#[query]` and `#[update]` attributes are not written yet;
//! this crate reserves the name and the place in the workspace.
#![deny(missing_docs)]
