//! Running it in production: an interceptor that sees every call (its operation, workflow,
//! attempts, latency and outcome) and carries W3C trace context in the `_tracer-data`
//! workflow header, where the OpenTelemetry interceptors of the Python and TypeScript SDKs
//! read it; and one call with its own deadline, gRPC header and retry policy.
//!
//! Run it against a server with the hello-world worker polling `observability`:
//! `python examples/workers/hello_world.py --task-queue observability &`, then
//! `TEMPORAL_ADDRESS=host:port cargo run --example observability`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use temporal_client::{
    CallOptions, Client, ClientOptions, CompletedCall, Connection, ConnectionOptions, Error,
    Interceptor, OutboundCall, RpcRetryPolicy, StartOptions, WithCallOptions,
};

/// Writes the caller's trace context into each workflow it starts, signals, queries or
/// updates, as the other SDKs' OpenTelemetry interceptors do: a JSON object of W3C
/// text-map fields under `_tracer-data`. A real application would take the `traceparent`
/// from its current OpenTelemetry span.
#[derive(Debug)]
struct TraceContext {
    traceparent: String,
}

impl Interceptor for TraceContext {
    fn intercept(&self, call: &mut OutboundCall<'_>) -> Result<(), Error> {
        call.set_workflow_header(
            "_tracer-data",
            &serde_json::json!({ "traceparent": self.traceparent }),
        )
    }
}

/// Logs each call when it ends; a real application would feed its metrics here.
#[derive(Debug, Default, Clone)]
struct CallLog(Arc<Mutex<Vec<String>>>);

impl Interceptor for CallLog {
    fn completed(&self, call: &CompletedCall<'_>) {
        let outcome = match call.code() {
            None => "ok".to_owned(),
            Some(code) => format!("{code:?}"),
        };
        let kind = if call.is_long_poll() {
            " (long poll)"
        } else {
            ""
        };
        self.0.lock().expect("not poisoned").push(format!(
            "{}{kind}: {outcome} after {} attempt(s)",
            call.operation(),
            call.attempts(),
        ));
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = Connection::connect(ConnectionOptions::from_env()?).await?;
    let log = CallLog::default();
    let client = Client::with_options(
        connection,
        ClientOptions::from_env()
            // Interceptors run in the order added before a call, and in reverse after it.
            .interceptor(TraceContext {
                traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned(),
            })
            .interceptor(log.clone()),
    )?;

    let workflow_id = format!("observability-{}", uuid::Uuid::new_v4());
    let handle = client
        .start(
            "example",
            ("Temporal",),
            StartOptions::new(workflow_id, "observability"),
        )
        .await?;
    let greeting: String = handle.result().await?;
    println!("{greeting}");

    // One call with its own deadline, gRPC header and retry policy (a workflow header too,
    // with `CallOptions::workflow_header`); the calls before and after it keep the client's.
    let description = handle
        .describe()
        .with_call_options(
            CallOptions::default()
                .timeout(Duration::from_secs(2))
                .header("x-request-origin", "observability-example")
                .retry_policy(RpcRetryPolicy::disabled()),
        )
        .await?;
    println!(
        "status: {}",
        temporal_examples::display_status(description.info.status)
    );

    for line in log.0.lock().expect("not poisoned").iter() {
        println!("call {line}");
    }
    Ok(())
}
