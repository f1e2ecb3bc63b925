//! What the samples share: a connection and a client configured from the environment the way
//! the `temporal` CLI reads it ([`ConnectionOptions::from_env`], [`ClientOptions::from_env`]:
//! `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, `TEMPORAL_TLS_*`), and a
//! table printer.
#![deny(missing_docs)]

use std::fmt;
use std::time::SystemTime;

use temporal_client::proto::google::protobuf::Timestamp;
use temporal_client::{Client, ClientOptions, Connection, ConnectionOptions};

/// A sample's fatal error: printed as its message alone when `main` returns it, with the
/// whole chain of causes.
///
/// # Examples
///
/// ```
/// use temporal_examples::SampleError;
///
/// let error = SampleError::new("no workflow with ID order-1234");
/// assert_eq!(error.to_string(), "no workflow with ID order-1234");
/// // `main` prints the `Debug` form, which is the bare message too.
/// assert_eq!(format!("{error:?}"), "no workflow with ID order-1234");
/// ```
pub struct SampleError(String);

impl SampleError {
    /// An error with this message.
    ///
    /// # Examples
    ///
    /// ```
    /// let error = temporal_examples::SampleError::new("the workflow failed");
    /// # assert_eq!(error.to_string(), "the workflow failed");
    /// ```
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for SampleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `main` prints the `Debug` of the error it returns: the message, not a quoted string.
impl fmt::Debug for SampleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SampleError {}

/// Connects to the server of the environment (`TEMPORAL_ADDRESS`, default `localhost:7233`;
/// TLS, mTLS and an API key from `TEMPORAL_TLS_*` and `TEMPORAL_API_KEY`), or explains what
/// went wrong and how to start a server.
///
/// # Errors
///
/// A message naming the variable at fault, or the address and every cause of the failure.
///
/// # Examples
///
/// ```no_run
/// # async fn example() -> Result<(), temporal_examples::SampleError> {
/// let connection = temporal_examples::connect().await?;
/// # let _ = connection;
/// # Ok(())
/// # }
/// ```
pub async fn connect() -> Result<Connection, SampleError> {
    let options = ConnectionOptions::from_env().map_err(|e| SampleError(error_chain(&e)))?;
    let address = server_address();
    Connection::connect(options).await.map_err(|e| {
        let tls_hint = if uses_tls_settings() {
            " If the server is up, check the TLS settings (TEMPORAL_TLS_SERVER_CA_CERT_PATH, \
             TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH, \
             TEMPORAL_TLS_SERVER_NAME) and TEMPORAL_API_KEY."
        } else {
            ""
        };
        SampleError(format!(
            "cannot reach a Temporal server at {address} ({}): start one with \
             `temporal server start-dev`, or run `cargo xtask demo`.{tls_hint}",
            error_chain(&e)
        ))
    })
}

/// A client of the namespace of `TEMPORAL_NAMESPACE` (default `default`), on [`connect`].
///
/// # Errors
///
/// As [`connect`]; or an invalid namespace.
///
/// # Examples
///
/// ```no_run
/// # async fn example() -> Result<(), temporal_examples::SampleError> {
/// let client = temporal_examples::client().await?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
pub async fn client() -> Result<Client, SampleError> {
    let connection = connect().await?;
    Client::with_options(connection, ClientOptions::from_env())
        .map_err(|e| SampleError(error_chain(&e)))
}

/// The server's `host:port` as configured: `TEMPORAL_ADDRESS`, default `localhost:7233`.
///
/// # Examples
///
/// ```
/// let address = temporal_examples::server_address();
/// println!("connecting to {address}");
/// # assert!(!address.is_empty());
/// ```
pub fn server_address() -> String {
    std::env::var("TEMPORAL_ADDRESS")
        .ok()
        .filter(|value| !value.is_empty())
        .unwrap_or_else(|| temporal_client::DEFAULT_ADDRESS.to_owned())
}

fn uses_tls_settings() -> bool {
    std::env::vars().any(|(name, value)| {
        !value.is_empty() && (name.starts_with("TEMPORAL_TLS") || name == "TEMPORAL_API_KEY")
    })
}

/// An error and its causes, outermost first, separated by `: `.
///
/// # Examples
///
/// ```
/// use temporal_examples::error_chain;
///
/// # #[derive(Debug)]
/// # struct ConfigError(std::io::Error);
/// # impl std::fmt::Display for ConfigError {
/// #     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
/// #         f.write_str("cannot read the configuration")
/// #     }
/// # }
/// # impl std::error::Error for ConfigError {
/// #     fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
/// #         Some(&self.0)
/// #     }
/// # }
/// // `ConfigError`'s source is the `io::Error`.
/// let error = ConfigError(std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"));
/// assert_eq!(error_chain(&error), "cannot read the configuration: no such file");
/// ```
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        // Some errors repeat their cause in their own message.
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// A time as the `temporal` CLI prints it (RFC 3339, UTC), or `-`.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use temporal_examples::display_time;
///
/// let time = SystemTime::UNIX_EPOCH + Duration::from_millis(1_500);
/// assert_eq!(display_time(Some(time)), "1970-01-01T00:00:01.500Z");
/// assert_eq!(display_time(None), "-");
/// ```
pub fn display_time(time: Option<SystemTime>) -> String {
    time.and_then(|time| Timestamp::try_from(time).ok())
        .map(|timestamp| timestamp.to_string())
        .unwrap_or_else(|| "-".to_owned())
}

/// A workflow's status as the samples print it: `Running`, `Completed`, ..., or `-` for a
/// status this client does not know.
///
/// # Examples
///
/// ```
/// use temporal_client::WorkflowExecutionStatus;
/// use temporal_examples::display_status;
///
/// assert_eq!(display_status(Some(WorkflowExecutionStatus::Running)), "Running");
/// assert_eq!(display_status(None), "-");
/// ```
pub fn display_status(status: Option<temporal_client::WorkflowExecutionStatus>) -> String {
    status.map_or_else(|| "-".to_owned(), |status| format!("{status:?}"))
}

/// Prints rows as a table with `│` column separators, each column as wide as its widest cell.
///
/// # Examples
///
/// ```
/// temporal_examples::print_table(
///     &["Workflow ID", "Status"],
///     &[["order-1234".to_owned(), "Running".to_owned()]],
/// );
/// // ┌─────────────┬─────────┐
/// // │ Workflow ID │ Status  │
/// // ├─────────────┼─────────┤
/// // │ order-1234  │ Running │
/// // └─────────────┴─────────┘
/// ```
pub fn print_table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:width$}"))
            .collect();
        println!("│ {} │", padded.join(" │ "));
    };
    let rule = |left: &str, middle: &str, right: &str| {
        let bars: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
        println!("{left}{}{right}", bars.join(middle));
    };
    rule("┌", "┬", "┐");
    line(header.to_vec());
    rule("├", "┼", "┤");
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
    rule("└", "┴", "┘");
}
