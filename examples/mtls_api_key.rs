//! The guide's "Create a new Workflow Client" for production: connect with TLS, mTLS or an API
//! key configured by the environment variables the `temporal` CLI reads, print what it
//! connected to (address, namespace, server version), then list one page of workflows.
//!
//! | variable | what it sets |
//! |---|---|
//! | `TEMPORAL_ADDRESS` | `host:port` (default `localhost:7233`) |
//! | `TEMPORAL_NAMESPACE` | the namespace (default `default`) |
//! | `TEMPORAL_API_KEY` | an API key, sent as a bearer token (turns TLS on) |
//! | `TEMPORAL_TLS_SERVER_CA_CERT_PATH` | the PEM of the CA that signed the server's certificate (default: the system's roots) |
//! | `TEMPORAL_TLS_CLIENT_CERT_PATH`, `TEMPORAL_TLS_CLIENT_KEY_PATH` | the client certificate and key, for mTLS |
//! | `TEMPORAL_TLS_SERVER_NAME` | the name to check the server's certificate against, when it is not the address's host |
//!
//! (`..._DATA` variants take the PEM text itself; `TEMPORAL_TLS=true` turns TLS on with none
//! of them.) For Temporal Cloud with mTLS:
//!
//! ```sh
//! TEMPORAL_ADDRESS=my-ns.a1b2c.tmprl.cloud:7233 TEMPORAL_NAMESPACE=my-ns.a1b2c \
//! TEMPORAL_TLS_CLIENT_CERT_PATH=client.pem TEMPORAL_TLS_CLIENT_KEY_PATH=client.key \
//! cargo run --example mtls_api_key
//! ```
//!
//! or with an API key: `TEMPORAL_ADDRESS=<region>.<cloud>.api.temporal.io:7233
//! TEMPORAL_NAMESPACE=my-ns.a1b2c TEMPORAL_API_KEY=... cargo run --example mtls_api_key`.
//! Against a local `temporal server start-dev` with no variables set, it connects in
//! plaintext.

use temporal_client::{Client, ClientOptions, ConnectError, Connection, ConnectionOptions};

/// How many workflows to show: one page.
const PAGE: usize = 10;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Reads TEMPORAL_ADDRESS, TEMPORAL_API_KEY and TEMPORAL_TLS_*; a malformed value or an
    // unreadable file is an error naming the variable.
    let options = ConnectionOptions::from_env()
        .map_err(|e| temporal_examples::SampleError::new(temporal_examples::error_chain(&e)))?;
    let address = temporal_examples::server_address();
    let connection = match Connection::connect(options).await {
        Ok(connection) => connection,
        Err(err) => {
            // With TLS 1.3, a server that requires mTLS lets the handshake of a client it
            // does not accept (no certificate, or one its CA did not sign) finish, then
            // closes the connection: the first call fails, not the handshake.
            let tls = describe_tls();
            let mtls_hint = match &err {
                ConnectError::Handshake { .. } if tls.starts_with("mTLS") => {
                    " (a client certificate was given: did a CA the server trusts sign it?)"
                }
                ConnectError::Handshake { .. } if tls.starts_with("TLS") => {
                    " (no client certificate was given: does the server require mTLS?)"
                }
                _ => "",
            };
            return Err(temporal_examples::SampleError::new(format!(
                "cannot connect to the Temporal server at {address} ({}): check \
                 TEMPORAL_ADDRESS, the TLS settings (TEMPORAL_TLS_SERVER_CA_CERT_PATH, \
                 TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH, \
                 TEMPORAL_TLS_SERVER_NAME) and TEMPORAL_API_KEY{mtls_hint}",
                temporal_examples::error_chain(&err)
            ))
            .into());
        }
    };
    // Reads TEMPORAL_NAMESPACE.
    let client = Client::with_options(connection, ClientOptions::from_env())?;

    let tls = describe_tls();
    let version = client
        .connection()
        .raw_system_info()
        .map_or("unknown", |info| info.server_version.as_str());
    println!(
        "Connected to {} ({tls}), namespace {}, server version {version}",
        client.connection().address(),
        client.namespace(),
    );

    // One page of the namespace's workflows, most recent first.
    let mut workflows = client.list("");
    let mut rows = Vec::new();
    while rows.len() < PAGE {
        let Some(info) = workflows.next().await else {
            break;
        };
        let info = info?;
        rows.push([
            info.workflow_id,
            info.workflow_type,
            temporal_examples::display_status(info.status),
            temporal_examples::display_time(info.start_time),
        ]);
    }
    println!(
        "Workflows in {} ({} shown):",
        client.namespace(),
        rows.len()
    );
    temporal_examples::print_table(&["workflow id", "type", "status", "start time"], &rows);
    Ok(())
}

/// What the environment asked for, as `ConnectionOptions::from_env` reads it (the options do
/// not say), without printing any secret.
fn describe_tls() -> String {
    let set = |name: &str| std::env::var(name).is_ok_and(|value| !value.is_empty());
    let either = |name: &str| set(&format!("{name}_PATH")) || set(&format!("{name}_DATA"));
    let flag = std::env::var("TEMPORAL_TLS").unwrap_or_default();
    let api_key = set("TEMPORAL_API_KEY");
    let private_ca = either("TEMPORAL_TLS_SERVER_CA_CERT");
    let client_cert = either("TEMPORAL_TLS_CLIENT_CERT");
    let mut text = if flag == "false" || flag == "0" {
        "plaintext".to_owned()
    } else if client_cert {
        "mTLS".to_owned()
    } else if api_key
        || private_ca
        || set("TEMPORAL_TLS_SERVER_NAME")
        || flag == "true"
        || flag == "1"
    {
        "TLS".to_owned()
    } else {
        "plaintext".to_owned()
    };
    if private_ca {
        text.push_str(", trusting a private CA");
    }
    if api_key {
        text.push_str(", with an API key");
    }
    text
}
