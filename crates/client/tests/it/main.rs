//! Integration tests of temporal-client against a real dev server and real Python workers.
//!
//! One test binary (it links once); each module covers one behaviour, and each test has a
//! server and worker of its own, so tests run in parallel without sharing state.

mod connection;
mod contract_sample;
mod contracts;
mod cron;
mod describe_list_count;
mod history;
mod payloads;
mod results;
mod signals_queries;
mod start;
mod support;
mod tls;
mod updates;
mod wire;
