//! Integration tests of temporal-client against a real dev server and real Python workers.
//!
//! One test binary (it links once); each module covers one behaviour, and each test has a
//! server and worker of its own, so tests run in parallel without sharing state.

mod async_completion;
mod connection;
mod contract_sample;
mod contracts;
mod cron;
mod describe_list_count;
mod envconfig;
mod exactly_once;
mod handle_options;
mod history;
mod interceptors;
mod network;
mod payloads;
#[cfg(feature = "metrics")]
mod request_metrics;
mod results;
mod schedules;
mod signals_queries;
mod start;
mod support;
mod tls;
#[cfg(feature = "tracing")]
mod tracing_spans;
mod updates;
mod values;
mod wire;
