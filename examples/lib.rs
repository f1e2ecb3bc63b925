//! What the samples share: where the server is, read from the environment the way the
//! `temporal` CLI reads it, and a connection to it.
#![deny(missing_docs)]

use temporal_client::{Connection, ConnectionOptions};

/// Connects to the server of [`server_address`], or explains how to start one.
///
/// # Errors
///
/// A message naming the address and what to do, when no server answers there.
pub async fn connect() -> Result<Connection, String> {
    let address = server_address();
    Connection::connect(ConnectionOptions::new(&address))
        .await
        .map_err(|e| {
            format!(
                "cannot reach a Temporal server at {address} ({e}): start one with \
                 `temporal server start-dev`, or run `cargo xtask demo`"
            )
        })
}

/// The server's `host:port`, from `TEMPORAL_ADDRESS`; defaults to `localhost:7233`.
pub fn server_address() -> String {
    env_or("TEMPORAL_ADDRESS", "localhost:7233")
}

/// The namespace, from `TEMPORAL_NAMESPACE`; defaults to `default`.
pub fn namespace() -> String {
    env_or("TEMPORAL_NAMESPACE", "default")
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|value| !value.is_empty())
        .unwrap_or_else(|| default.to_owned())
}
