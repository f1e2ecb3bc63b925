//! Interceptors, workflow headers and per-call options, against a dev server and Python
//! workers that read the headers: the SDK's own worker interceptors, and its OpenTelemetry
//! `TracingInterceptor`.

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use temporal_client::{
    CallOptions, Client, ClientOptions, CompletedCall, Error, Interceptor, OnConflict,
    OutboundCall, StartOptions, Untyped, WithCallOptions, WithStartWorkflow, by_name,
};
use temporal_testing::WorkerProcess;

use crate::support::unique;

/// A dev server and one Python worker (a script of `workers/`), polling its task queue.
struct Env {
    env: temporal_testing::TestEnv,
    _worker: WorkerProcess,
}

impl Env {
    async fn start(script: &str, args: &[&str]) -> Self {
        let env = temporal_testing::TestEnv::start_local()
            .await
            .expect("a dev server starts (run `cargo xtask setup`)");
        let mut command = Command::new(temporal_testing::python().expect("python is installed"));
        command
            .arg(format!(
                "{}/tests/it/workers/{script}",
                env!("CARGO_MANIFEST_DIR")
            ))
            .args(args);
        let worker = env.start_worker(command).await.expect("the worker polls");
        Self {
            env,
            _worker: worker,
        }
    }

    fn client_with(&self, options: ClientOptions) -> Client {
        Client::with_options(self.env.client().connection().clone(), options).expect("a client")
    }

    fn options(&self, prefix: &str) -> StartOptions {
        StartOptions::new(unique(prefix), self.env.task_queue())
    }
}

/// Tags every call: a gRPC header, and the workflow header `tenant`.
#[derive(Debug)]
struct Tenant(&'static str);

impl Interceptor for Tenant {
    fn intercept(&self, call: &mut OutboundCall<'_>) -> Result<(), Error> {
        call.set_header("x-tenant", self.0)?;
        call.set_workflow_header("tenant", &self.0)
    }
}

/// Records what it sees: before (operation, workflow id, the `tenant` header as the
/// previous interceptor left it) and after (operation, attempts, failure code).
#[derive(Debug, Default, Clone)]
struct Recorder {
    before: Arc<Mutex<Vec<Before>>>,
    after: Arc<Mutex<Vec<After>>>,
}

/// Operation, workflow id, `tenant` header.
type Before = (String, String, Option<String>);
/// Operation, attempts, failure code.
type After = (String, u32, Option<temporal_client::Code>);

impl Interceptor for Recorder {
    fn intercept(&self, call: &mut OutboundCall<'_>) -> Result<(), Error> {
        let tenant: Option<String> = call.workflow_header("tenant")?;
        self.before.lock().expect("lock").push((
            call.operation().to_owned(),
            call.workflow_id().to_owned(),
            tenant,
        ));
        Ok(())
    }

    fn completed(&self, call: &CompletedCall<'_>) {
        self.after.lock().expect("lock").push((
            call.operation().to_owned(),
            call.attempts(),
            call.code(),
        ));
    }
}

/// Refuses every signal.
#[derive(Debug)]
struct NoSignals;

impl Interceptor for NoSignals {
    fn intercept(&self, call: &mut OutboundCall<'_>) -> Result<(), Error> {
        if call.operation() == "SignalWorkflowExecution" {
            return Err(Error::Interceptor("signals are refused".into()));
        }
        Ok(())
    }
}

#[tokio::test]
async fn interceptors_write_workflow_headers_that_the_python_worker_reads() {
    let env = Env::start("headers_worker.py", &[]).await;
    let recorder = Recorder::default();
    let client = env.client_with(
        ClientOptions::default()
            .interceptor(Tenant("acme"))
            .interceptor(recorder.clone()),
    );
    let handle = client
        .start("headers", (), env.options("headers"))
        .await
        .expect("started");
    handle.signal("ping").await.expect("signal");
    let hello: String = handle.query("hello").await.expect("query");
    assert_eq!(hello, "hello");
    let bumped: i64 = handle.execute_update("bump").await.expect("update");
    assert_eq!(bumped, 1);

    let seen: Value = handle.query("headersSeen").await.expect("headers seen");
    for event in ["start", "signal:ping", "query:hello", "update:bump"] {
        assert_eq!(seen[event]["tenant"], json!("acme"), "{event}: {seen}");
    }

    // The recorder, installed second, sees the first interceptor's header, in order.
    let before = recorder.before.lock().expect("lock").clone();
    let operations: Vec<&str> = before.iter().map(|(op, _, _)| op.as_str()).collect();
    assert_eq!(
        operations[..4],
        [
            "StartWorkflowExecution",
            "SignalWorkflowExecution",
            "QueryWorkflow",
            "UpdateWorkflowExecution"
        ]
    );
    for (operation, workflow_id, tenant) in &before[..4] {
        assert_eq!(workflow_id, handle.workflow_id(), "{operation}");
        assert_eq!(tenant.as_deref(), Some("acme"), "{operation}");
    }
    let after = recorder.after.lock().expect("lock").clone();
    assert!(after.len() >= 4, "{after:?}");
    for (operation, attempts, code) in &after[..4] {
        assert_eq!((*attempts, *code), (1, None), "{operation}");
    }

    // A describe carries no workflow header, and is still seen.
    handle.describe().await.expect("describe");
    assert!(
        recorder
            .before
            .lock()
            .expect("lock")
            .iter()
            .any(|(op, _, tenant)| op == "DescribeWorkflowExecution" && tenant.is_none())
    );
}

#[tokio::test]
async fn per_call_options_carry_a_workflow_header_for_that_call_only() {
    let env = Env::start("headers_worker.py", &[]).await;
    let client = env.env.client().clone();

    // Signal-with-start: both the start and the signal carry the header.
    let handle = client
        .signal_with_start("headers", (), env.options("per-call"), by_name("ping"))
        .with_call_options(CallOptions::default().workflow_header("request", "r-1"))
        .await
        .expect("signal with start");
    let handle = client.get_handle::<Untyped>(handle.workflow_id());
    let hello: String = handle
        .query("hello")
        .with_call_options(CallOptions::default().workflow_header("request", "r-2"))
        .await
        .expect("query");
    assert_eq!(hello, "hello");
    // The simple form, right after: no header.
    handle.signal("ping").await.expect("signal");
    let bumped: i64 = handle
        .execute_update("bump")
        .with_call_options(
            CallOptions::default()
                .workflow_header("request", "r-3")
                .timeout(Duration::from_secs(10)),
        )
        .await
        .expect("update");
    assert_eq!(bumped, 1);

    let seen: Value = handle.query("headersSeen").await.expect("headers seen");
    assert_eq!(seen["start"]["request"], json!("r-1"), "{seen}");
    assert_eq!(seen["query:hello"]["request"], json!("r-2"), "{seen}");
    assert_eq!(seen["update:bump"]["request"], json!("r-3"), "{seen}");
    // The worker records the last ping: the plain one, which carried nothing.
    assert_eq!(seen["signal:ping"], json!({}), "{seen}");

    // Update-with-start: the header reaches the start and the update.
    let start = WithStartWorkflow::new("headers", (), env.options("uws"), OnConflict::Fail);
    let (started, bumped): (_, i64) = client
        .execute_update_with_start(start, by_name("bump"))
        .with_call_options(CallOptions::default().workflow_header("request", "r-4"))
        .await
        .expect("update with start");
    assert_eq!(bumped, 1);
    let seen: Value = started.query("headersSeen").await.expect("headers seen");
    assert_eq!(seen["start"]["request"], json!("r-4"), "{seen}");
    assert_eq!(seen["update:bump"]["request"], json!("r-4"), "{seen}");
}

#[tokio::test]
async fn an_interceptor_error_fails_the_call_unsent() {
    let env = Env::start("headers_worker.py", &[]).await;
    let recorder = Recorder::default();
    let client = env.client_with(
        ClientOptions::default()
            .interceptor(recorder.clone())
            .interceptor(NoSignals),
    );
    let handle = client
        .start("headers", (), env.options("refused"))
        .await
        .expect("started");
    let err = handle.signal("ping").await.expect_err("refused");
    assert!(matches!(err, Error::Interceptor(_)), "{err:?}");
    let seen: Value = handle.query("headersSeen").await.expect("headers seen");
    assert!(seen.get("signal:ping").is_none(), "never sent: {seen}");
    let after = recorder.after.lock().expect("lock").clone();
    let signal = after
        .iter()
        .find(|(op, _, _)| op == "SignalWorkflowExecution")
        .expect("the refused call is reported");
    assert_eq!(signal.1, 0, "no attempt was made");
    assert!(signal.2.is_some());

    // Per-call options that are not valid are a typed error, before any call.
    let err = handle
        .signal("ping")
        .with_call_options(CallOptions::default().header("Not Valid", "x"))
        .await
        .expect_err("an invalid header");
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                field: "header",
                ..
            }
        ),
        "{err:?}"
    );
}

/// Writes W3C trace context where the OpenTelemetry interceptors of the other SDKs read it:
/// the `_tracer-data` workflow header, a JSON object of text-map carrier fields.
#[derive(Debug)]
struct Traceparent(String);

impl Interceptor for Traceparent {
    fn intercept(&self, call: &mut OutboundCall<'_>) -> Result<(), Error> {
        call.set_workflow_header("_tracer-data", &json!({ "traceparent": self.0 }))
    }
}

#[tokio::test]
async fn the_python_tracing_interceptor_continues_the_clients_trace() {
    let spans_file = std::env::temp_dir().join(unique("otel-spans"));
    let spans_path = spans_file.to_str().expect("a UTF-8 path").to_owned();
    let env = Env::start("otel_worker.py", &["--spans-file", &spans_path]).await;
    let trace_id = uuid::Uuid::new_v4().simple().to_string();
    let span_id = &uuid::Uuid::new_v4().simple().to_string()[..16];
    let client = env.client_with(
        ClientOptions::default().interceptor(Traceparent(format!("00-{trace_id}-{span_id}-01"))),
    );
    let result: String = client
        .execute("traced", (), env.options("traced"))
        .await
        .expect("the workflow runs");
    assert_eq!(result, "traced");

    // The worker exports a span as it ends; the workflow's ends with its task.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let spans = loop {
        let spans: Vec<Value> = std::fs::read_to_string(&spans_file)
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect();
        if spans.iter().any(|span| {
            span["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("RunWorkflow"))
        }) {
            break spans;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no RunWorkflow span: {spans:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let _ = std::fs::remove_file(&spans_file);
    for span in &spans {
        assert_eq!(
            span["trace_id"],
            json!(trace_id),
            "in the client's trace: {span}"
        );
    }
    assert!(
        spans
            .iter()
            .any(|span| span["parent_span_id"] == json!(span_id)),
        "a worker span is a child of the client's span: {spans:?}"
    );
}

/// Logs the result waits it wraps: `enter <workflow id>`, `exit`, `abandoned`.
#[derive(Debug, Default, Clone)]
struct AroundWaits(Arc<Mutex<Vec<String>>>);

struct LoggedWait {
    log: Arc<Mutex<Vec<String>>>,
    workflow_id: String,
}

impl temporal_client::WaitScope for LoggedWait {
    fn enter(&mut self) -> temporal_client::CallFuture<'_, ()> {
        Box::pin(async move {
            // Asynchronous work before the wait polls.
            tokio::task::yield_now().await;
            let entry = format!("enter {}", self.workflow_id);
            self.log.lock().expect("lock").push(entry);
            Ok(())
        })
    }

    fn exit(self: Box<Self>) -> temporal_client::CallFuture<'static, ()> {
        Box::pin(async move {
            self.log.lock().expect("lock").push("exit".to_owned());
            Ok(())
        })
    }

    fn abandoned(self: Box<Self>) -> temporal_client::CallFuture<'static, ()> {
        Box::pin(async move {
            self.log.lock().expect("lock").push("abandoned".to_owned());
            Ok(())
        })
    }
}

impl Interceptor for AroundWaits {
    fn result_wait(
        &self,
        wait: &temporal_client::ResultWait<'_>,
    ) -> Option<Box<dyn temporal_client::WaitScope>> {
        Some(Box::new(LoggedWait {
            log: Arc::clone(&self.0),
            workflow_id: wait.workflow_id().to_owned(),
        }))
    }
}

#[tokio::test]
async fn a_result_wait_runs_inside_the_interceptors_scope_and_a_dropped_one_is_abandoned() {
    let env = crate::support::TestEnv::start().await;
    let around = AroundWaits::default();
    let client = Client::with_options(
        env.client.connection().clone(),
        ClientOptions::default().interceptor(around.clone()),
    )
    .expect("a client");

    let workflow_id = unique("around");
    let options = StartOptions::new(workflow_id.clone(), env.task_queue.clone());
    let greeting: String = client
        .execute("example", ("scoped",), options)
        .await
        .expect("executed");
    assert!(greeting.contains("scoped"), "{greeting}");
    assert_eq!(
        *around.0.lock().expect("lock"),
        [format!("enter {workflow_id}"), "exit".to_owned()]
    );

    // Other calls do not open a scope; a dropped wait ends its scope in the background.
    around.0.lock().expect("lock").clear();
    let forever = client
        .start("waitForever", (), env.options("around-forever"))
        .await
        .expect("started");
    let waited = tokio::time::timeout(Duration::from_millis(300), forever.result::<()>()).await;
    assert!(waited.is_err(), "waitForever returned: {waited:?}");
    for _ in 0..50 {
        if around.0.lock().expect("lock").len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        *around.0.lock().expect("lock"),
        [
            format!("enter {}", forever.workflow_id()),
            "abandoned".to_owned()
        ]
    );
    forever.terminate("done").await.expect("terminated");
}
