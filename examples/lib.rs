//! What the samples share: where the server is, read from the environment the way the
//! `temporal` CLI reads it.
#![deny(missing_docs)]

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
