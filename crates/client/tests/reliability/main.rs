//! The reliability suite: the client keeps its promises against real servers under faults,
//! and every malformed or hostile input gets a typed error, never a panic or a hang.

mod authority;
mod bad_input;
#[cfg(feature = "http2-direct")]
mod direct;
mod fake_server;
mod faults;
mod hostile;
mod listing;
mod loops;
mod restart;
mod retries;
mod schedule_conflicts;
mod secrets;
mod time_skipping;
mod waiters;
