//! Malformed and hostile inputs: each gets a typed error that names the problem, never a
//! panic, a hang or lost data.
//!
//! One table, one dev server and one Python worker for all of it: each row is a name, the
//! call that must be refused, the error variant it must be refused with, and words the
//! error's message (with its sources) must contain. Rows run concurrently, each under a
//! timeout, and every row that misbehaves is reported, not just the first.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use futures_util::future::join_all;
use prost::Message as _;
use serde::ser::Error as _;
use temporal_client::proto::api::command::v1::command::Attributes as CommandAttributes;
use temporal_client::proto::api::command::v1::{Command, FailWorkflowExecutionCommandAttributes};
use temporal_client::proto::api::common::v1::WorkflowExecution;
use temporal_client::proto::api::enums::v1::CommandType;
use temporal_client::proto::api::failure::v1::Failure as ProtoFailure;
use temporal_client::proto::api::history::v1::history_event::Attributes as EventAttributes;
use temporal_client::proto::api::taskqueue::v1::TaskQueue;
use temporal_client::proto::api::workflowservice::v1::{
    PollWorkflowTaskQueueRequest, RespondWorkflowTaskCompletedRequest,
};
use temporal_client::raw::{ProtoBinary, ProtoJson};
use temporal_client::{
    CallOptions, Client, ClientOptions, Code, ConnectError, Connection, ConnectionOptions,
    ConversionError, Error, HistoryEventType, Payload, QueryRejectCondition, RawBytes, RetryPolicy,
    SearchAttributeKey, SearchAttributes, StartOptions, TlsOptions, WorkflowExecutionStatus,
};

use support::{TestEnv, unique};

#[path = "../it/support.rs"]
mod support;

/// How long one row may take; every row is a few round trips at most.
const CASE_TIMEOUT: Duration = Duration::from_secs(20);

/// What a row's call was refused with: the three error types of the client's API.
#[derive(Debug)]
enum Refusal {
    Client(Error),
    Connect(ConnectError),
    Conversion(ConversionError),
}

impl From<Error> for Refusal {
    fn from(error: Error) -> Self {
        Self::Client(error)
    }
}

impl From<ConnectError> for Refusal {
    fn from(error: ConnectError) -> Self {
        Self::Connect(error)
    }
}

impl From<ConversionError> for Refusal {
    fn from(error: ConversionError) -> Self {
        Self::Conversion(error)
    }
}

impl Refusal {
    /// The message and its sources, as an error reporter prints them.
    fn report(&self) -> String {
        let error: &(dyn std::error::Error + 'static) = match self {
            Self::Client(error) => error,
            Self::Connect(error) => error,
            Self::Conversion(error) => error,
        };
        let mut report = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            report.push_str(": ");
            report.push_str(&cause.to_string());
            source = cause.source();
        }
        report
    }
}

type CaseFuture<'a> = Pin<Box<dyn Future<Output = Result<(), Refusal>> + Send + 'a>>;

struct Case<'a> {
    name: &'static str,
    call: CaseFuture<'a>,
    /// Whether the refusal is the expected variant.
    expected: fn(&Refusal) -> bool,
    /// Words the report must contain, case-insensitively.
    mentions: &'static [&'static str],
}

/// A row: `case!(name, call, pattern the refusal matches, [words its report mentions])`.
macro_rules! case {
    (
        $name:expr,
        $call:expr,
        $expected:pat $(if $guard:expr)?,
        [$($mention:expr),* $(,)?] $(,)?
    ) => {
        Case {
            name: $name,
            call: Box::pin(async move { $call.map(drop).map_err(Refusal::from) }),
            expected: |refusal| matches!(refusal, $expected $(if $guard)?),
            mentions: &[$($mention),*],
        }
    };
}

/// Runs every row concurrently and describes each one that was not refused as expected.
async fn misbehaving(cases: Vec<Case<'_>>) -> Vec<String> {
    let outcomes = cases.into_iter().map(|case| async move {
        let started = Instant::now();
        let outcome = tokio::time::timeout(CASE_TIMEOUT, case.call).await;
        let elapsed = started.elapsed();
        let problem = match outcome {
            Err(_) => Some(format!("hung for more than {CASE_TIMEOUT:?}")),
            Ok(Ok(())) => Some("was accepted".to_owned()),
            Ok(Err(refusal)) => {
                let report = refusal.report();
                let lowercase = report.to_lowercase();
                let missing: Vec<_> = case
                    .mentions
                    .iter()
                    .filter(|word| !lowercase.contains(&word.to_lowercase()))
                    .collect();
                if !(case.expected)(&refusal) {
                    Some(format!("was refused with another variant: {refusal:?}"))
                } else if !missing.is_empty() {
                    Some(format!("`{report}` does not mention {missing:?}"))
                } else {
                    None
                }
            }
        };
        problem.map(|problem| format!("{} ({elapsed:.1?}): {problem}", case.name))
    });
    join_all(outcomes).await.into_iter().flatten().collect()
}

/// A value whose `Serialize` implementation fails.
struct Unserializable;

impl serde::Serialize for Unserializable {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(S::Error::custom("this value refuses to be serialized"))
    }
}

/// Runs the Python `rawPayload` workflow, which returns (and puts in its memo as `raw`) a
/// payload of exactly these metadata and bytes, unchecked, as a buggy SDK might write it.
async fn raw_payload_workflow(
    env: &TestEnv,
    metadata: &[(&str, &str)],
    data: &[u8],
) -> temporal_client::WorkflowHandle {
    let metadata: BTreeMap<&str, &str> = metadata.iter().copied().collect();
    let hex: String = data.iter().map(|byte| format!("{byte:02x}")).collect();
    let handle = env
        .client
        .start("rawPayload", (metadata, hex), env.options("raw-payload"))
        .await
        .expect("started");
    // Waits for the workflow to close, so that its memo is there to `describe`; the result
    // itself is read, and judged, by the caller.
    let _ = handle.result::<RawBytes>().await;
    handle
}

/// The result of `rawPayload` for this payload, decoded as a `T`.
async fn raw_result<T: temporal_client::FromPayload>(
    env: &TestEnv,
    metadata: &[(&str, &str)],
    data: &[u8],
) -> Result<T, Error> {
    raw_payload_workflow(env, metadata, data)
        .await
        .result::<T>()
        .await
}

/// The metadata of a `json/plain` payload.
const JSON: &[(&str, &str)] = &[("encoding", "json/plain")];

/// Completes a workflow as a misbehaving worker could: polls its first workflow task on
/// `task_queue` and fails the workflow with a cause chain `depth` links deep.
async fn fail_with_deep_chain(client: &Client, task_queue: &str, depth: usize) {
    let mut failure = ProtoFailure {
        message: "the root cause".to_owned(),
        ..Default::default()
    };
    for level in 1..depth {
        failure = ProtoFailure {
            message: format!("level {level}"),
            cause: Some(Box::new(failure)),
            ..Default::default()
        };
    }
    let mut service = client.raw_workflow_service();
    let mut poll = tonic::Request::new(PollWorkflowTaskQueueRequest {
        namespace: client.namespace().to_owned(),
        task_queue: Some(TaskQueue {
            name: task_queue.to_owned(),
            ..Default::default()
        }),
        identity: "bad-input-test".to_owned(),
        ..Default::default()
    });
    // The server refuses a long poll without a deadline.
    poll.set_timeout(CASE_TIMEOUT);
    let task = service
        .poll_workflow_task_queue(poll)
        .await
        .expect("a workflow task")
        .into_inner();
    service
        .respond_workflow_task_completed(RespondWorkflowTaskCompletedRequest {
            namespace: client.namespace().to_owned(),
            task_token: task.task_token,
            identity: "bad-input-test".to_owned(),
            commands: vec![Command {
                command_type: CommandType::FailWorkflowExecution.into(),
                attributes: Some(CommandAttributes::FailWorkflowExecutionCommandAttributes(
                    FailWorkflowExecutionCommandAttributes {
                        failure: Some(failure),
                    },
                )),
                ..Default::default()
            }],
            ..Default::default()
        })
        .await
        .expect("the failure is accepted");
}

#[test]
fn malformed_and_hostile_inputs_get_typed_errors() {
    // The table is one async fn awaiting dozens of calls: in a debug build its poll frame
    // alone is about 1.7 MiB, and with the client's `tracing` feature the frames of a call
    // below it outgrow the test thread's 2 MiB stack. So it runs on a thread of its own.
    std::thread::Builder::new()
        .name("bad-input-table".to_owned())
        .stack_size(16 * 1024 * 1024)
        .spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime")
                .block_on(every_row_gets_its_typed_error());
        })
        .expect("a thread")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}

async fn every_row_gets_its_typed_error() {
    let env = &TestEnv::start().await;
    let client = &env.client;
    let address = &env.address().to_string();
    let connection = client.connection();
    let tq = env.task_queue.as_str();

    // A completed workflow, and the handle of one that never existed.
    let closed = &client
        .start("example", ("Temporal",), env.options("closed"))
        .await
        .expect("started");
    closed.result::<String>().await.expect("completes");
    let missing = &client.get_handle::<temporal_client::Untyped>(unique("missing"));

    let small_limit = &Client::with_options(
        connection.clone(),
        ClientOptions::default().max_payload_bytes(1024),
    )
    .expect("valid options");
    let large_limit = &Client::with_options(
        connection.clone(),
        ClientOptions::default().max_payload_bytes(8 * 1024 * 1024),
    )
    .expect("valid options");

    let truncated_protobuf = &{
        let mut bytes = WorkflowExecution {
            workflow_id: "order-1234".to_owned(),
            run_id: "0195c1a4-7c2d-7000-8000-000000000000".to_owned(),
        }
        .encode_to_vec();
        bytes.truncate(bytes.len() - 5);
        bytes
    };
    let nested_json = &format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_failure_queue = &unique("deep-failure");
    let deep = &client
        .start(
            "deepFailure",
            (),
            StartOptions::new(unique("deep-failure"), deep_failure_queue.clone()),
        )
        .await
        .expect("started");
    let deeper_failure_queue = &unique("deep-failure");
    let deeper = &client
        .start(
            "deepFailure",
            (),
            StartOptions::new(unique("deep-failure"), deeper_failure_queue.clone()),
        )
        .await
        .expect("started");

    let cases = vec![
        // Start options refused before anything is sent.
        case!(
            "empty workflow id",
            client
                .start("example", ("x",), StartOptions::new("", tq))
                .await,
            Refusal::Client(Error::InvalidArgument {
                field: "workflow_id",
                ..
            }),
            ["workflow id is empty"],
        ),
        case!(
            "oversized workflow id",
            client
                .start("example", ("x",), StartOptions::new("x".repeat(1001), tq))
                .await,
            Refusal::Client(Error::InvalidArgument {
                field: "workflow_id",
                ..
            }),
            ["1001 bytes", "at most 1000"],
        ),
        case!(
            "empty task queue",
            client
                .start("example", ("x",), StartOptions::new(unique("wf"), ""))
                .await,
            Refusal::Client(Error::InvalidArgument {
                field: "task_queue",
                ..
            }),
            ["task queue is empty"],
        ),
        case!(
            "empty workflow type",
            client.start("", ("x",), env.options("no-type")).await,
            Refusal::Client(Error::InvalidArgument {
                field: "workflow_type",
                ..
            }),
            ["workflow type is empty"],
        ),
        case!(
            "invalid cron schedule",
            client
                .start("example", ("x",), env.options("cron").cron_schedule("every tuesday"))
                .await,
            Refusal::Client(Error::Rpc(rpc)) if rpc.code() == Code::InvalidArgument,
            ["cron"],
        ),
        case!(
            "overflowing execution timeout",
            client
                .start(
                    "example",
                    ("x",),
                    env.options("timeout").execution_timeout(Duration::MAX)
                )
                .await,
            Refusal::Client(Error::InvalidArgument {
                field: "execution_timeout",
                ..
            }),
            ["out of range"],
        ),
        case!(
            "overflowing start delay",
            client
                .start(
                    "example",
                    ("x",),
                    env.options("delay").start_delay(Duration::MAX)
                )
                .await,
            Refusal::Client(Error::InvalidArgument {
                field: "start_delay",
                ..
            }),
            ["out of range"],
        ),
        case!(
            "overflowing retry interval",
            client
                .start(
                    "example",
                    ("x",),
                    env.options("retry-interval")
                        .retry_policy(RetryPolicy::default().initial_interval(Duration::MAX)),
                )
                .await,
            Refusal::Client(Error::InvalidArgument {
                field: "retry_policy",
                ..
            }),
            ["initial_interval", "out of range"],
        ),
        case!(
            "negative maximum attempts",
            client
                .start(
                    "example",
                    ("x",),
                    env.options("attempts")
                        .retry_policy(RetryPolicy::default().maximum_attempts(-1)),
                )
                .await,
            Refusal::Client(Error::Rpc(rpc)) if rpc.code() == Code::InvalidArgument,
            ["MaximumAttempts", "negative"],
        ),
        case!(
            "negative backoff coefficient",
            client
                .start(
                    "example",
                    ("x",),
                    env.options("backoff")
                        .retry_policy(RetryPolicy::default().backoff_coefficient(-2.0)),
                )
                .await,
            Refusal::Client(Error::Rpc(rpc)) if rpc.code() == Code::InvalidArgument,
            ["BackoffCoefficient"],
        ),
        case!(
            "maximum retry interval below the initial one",
            client
                .start(
                    "example",
                    ("x",),
                    env.options("intervals").retry_policy(
                        RetryPolicy::default()
                            .initial_interval(Duration::from_secs(10))
                            .maximum_interval(Duration::from_secs(1)),
                    ),
                )
                .await,
            Refusal::Client(Error::Rpc(rpc)) if rpc.code() == Code::InvalidArgument,
            ["MaximumInterval"],
        ),
        // Values that cannot become payloads.
        case!(
            "argument whose Serialize fails",
            client
                .start("echo", (Unserializable,), env.options("unserializable"))
                .await,
            Refusal::Client(Error::Conversion(ConversionError::Serialize { .. })),
            ["Unserializable", "json/plain", "refuses to be serialized"],
        ),
        case!(
            "map with non-string keys",
            client
                .start(
                    "echo",
                    (HashMap::from([((1, 2), "pair")]),),
                    env.options("tuple-keys"),
                )
                .await,
            Refusal::Client(Error::Conversion(ConversionError::Serialize { .. })),
            ["HashMap", "key must be a string"],
        ),
        case!(
            "memo whose Serialize fails",
            client
                .start(
                    "example",
                    ("x",),
                    env.options("memo").memo("order", Unserializable)
                )
                .await,
            Refusal::Client(Error::InvalidArgument { field: "memo", .. }),
            ["order", "refuses to be serialized"],
        ),
        case!(
            "arguments over ClientOptions::max_payload_bytes",
            small_limit
                .start("echo", ("x".repeat(2048),), env.options("over-limit"))
                .await,
            Refusal::Client(Error::InvalidArgument { field: "args", .. }),
            ["2050 bytes", "limit of 1024", "max_payload_bytes"],
        ),
        case!(
            "payload over the server's 2 MB blob limit",
            large_limit
                .start("echo", ("x".repeat(2_500_000),), env.options("blob-limit"))
                .await,
            Refusal::Client(Error::Rpc(rpc)) if rpc.code() == Code::InvalidArgument && !rpc.is_retryable(),
            ["size exceeds limit"],
        ),
        case!(
            "request over the server's 4 MiB message limit",
            large_limit
                .start("echo", ("x".repeat(5_000_000),), env.options("grpc-limit"))
                .await,
            Refusal::Client(Error::Rpc(rpc)) if rpc.code() == Code::ResourceExhausted && !rpc.is_retryable(),
            ["larger than max"],
        ),
        // Search attributes the server does not have, or of another type.
        case!(
            "unknown search attribute",
            client
                .start(
                    "example",
                    ("x",),
                    env.options("unknown-sa").search_attributes(
                        SearchAttributes::new()
                            .with(&SearchAttributeKey::keyword("NoSuchAttribute"), "x".to_owned()),
                    ),
                )
                .await,
            Refusal::Client(Error::Rpc(rpc)) if rpc.code() == Code::InvalidArgument,
            ["NoSuchAttribute"],
        ),
        case!(
            "search attribute value of the wrong type",
            client
                .start(
                    "example",
                    ("x",),
                    env.options("wrong-sa").search_attributes(
                        SearchAttributes::new()
                            .with(&SearchAttributeKey::keyword("CustomInt"), "seven".to_owned()),
                    ),
                )
                .await,
            Refusal::Client(Error::Rpc(rpc)) if rpc.code() == Code::InvalidArgument,
            ["CustomInt"],
        ),
        case!(
            "malformed list query",
            client.count("WorkflowId = ").await,
            Refusal::Client(Error::Rpc(rpc)) if rpc.code() == Code::InvalidArgument,
            ["invalid query", "syntax error"],
        ),
        // Namespaces.
        case!(
            "unknown namespace",
            Client::with_options(
                connection.clone(),
                ClientOptions::default().namespace("no-such-namespace"),
            )
            .expect("valid options")
            .start("example", ("x",), env.options("unknown-ns"))
            .await,
            Refusal::Client(Error::NamespaceNotFound { .. }),
            ["no-such-namespace"],
        ),
        case!(
            "empty namespace",
            Client::with_options(connection.clone(), ClientOptions::default().namespace("")),
            Refusal::Client(Error::InvalidArgument {
                field: "namespace",
                ..
            }),
            ["namespace is empty"],
        ),
        case!(
            "namespace gRPC metadata cannot carry",
            Client::with_options(
                connection.clone(),
                ClientOptions::default().namespace("billing\r\nx-admin: true"),
            ),
            Refusal::Client(Error::InvalidArgument {
                field: "namespace",
                ..
            }),
            ["printable ASCII"],
        ),
        // Connection options.
        case!(
            "namespace outside ASCII",
            Client::with_options(
                connection.clone(),
                ClientOptions::default().namespace("zürich")
            ),
            Refusal::Client(Error::InvalidArgument {
                field: "namespace",
                ..
            }),
            ["printable ASCII"],
        ),
        case!(
            "API key outside ASCII",
            Connection::connect(
                ConnectionOptions::new(address)
                    .api_key("clé")
                    .allow_api_key_over_plaintext(),
            )
            .await,
            Refusal::Connect(ConnectError::InvalidOption {
                option: "api_key",
                ..
            }),
            ["printable ASCII"],
        ),
        case!(
            "empty address",
            Connection::connect(ConnectionOptions::new("")).await,
            Refusal::Connect(ConnectError::InvalidOption {
                option: "address",
                ..
            }),
            ["address is empty"],
        ),
        case!(
            "address with a path",
            Connection::connect(ConnectionOptions::new("localhost:7233/temporal")).await,
            Refusal::Connect(ConnectError::InvalidOption {
                option: "address",
                ..
            }),
            ["localhost:7233/temporal", "host:port"],
        ),
        case!(
            "address with a port out of range",
            Connection::connect(ConnectionOptions::new("localhost:99999")).await,
            Refusal::Connect(ConnectError::InvalidOption {
                option: "address",
                ..
            }),
            ["`99999`", "not a port"],
        ),
        case!(
            "address with whitespace",
            Connection::connect(ConnectionOptions::new("local host:7233")).await,
            Refusal::Connect(ConnectError::InvalidOption {
                option: "address",
                ..
            }),
            ["local host:7233"],
        ),
        case!(
            "CA certificate that is not PEM",
            Connection::connect(
                ConnectionOptions::new(address)
                    .tls(TlsOptions::new().ca_certificate(b"not a certificate".to_vec())),
            )
            .await,
            Refusal::Connect(ConnectError::InvalidOption { option: "tls", .. }),
            ["CA certificate holds no PEM certificate"],
        ),
        case!(
            "client certificate and key that are not PEM",
            Connection::connect(ConnectionOptions::new(address).tls(
                TlsOptions::new().client_certificate(
                    b"-----BEGIN CERTIFICATE-----\ngarbage".to_vec(),
                    b"no key".to_vec()
                ),
            ))
            .await,
            Refusal::Connect(ConnectError::InvalidOption { option: "tls", .. }),
            ["client certificate is not valid PEM"],
        ),
        case!(
            "API key with a line break",
            Connection::connect(
                ConnectionOptions::new(address)
                    .api_key("key\r\nx-admin: true")
                    .allow_api_key_over_plaintext(),
            )
            .await,
            Refusal::Connect(ConnectError::InvalidOption {
                option: "api_key",
                ..
            }),
            ["printable ASCII"],
        ),
        case!(
            "API key set later with a NUL byte",
            Connection::connect_lazy(
                ConnectionOptions::new(address).allow_api_key_over_plaintext()
            )
            .expect("a lazy connection")
            .set_api_key(Some("key\0")),
            Refusal::Connect(ConnectError::InvalidOption {
                option: "api_key",
                ..
            }),
            ["printable ASCII"],
        ),
        case!(
            "header name with a space",
            Connection::connect(ConnectionOptions::new(address).header("x tenant", "a")).await,
            Refusal::Connect(ConnectError::InvalidOption {
                option: "header",
                ..
            }),
            ["`x tenant`", "header name"],
        ),
        case!(
            "header value with non-ASCII text",
            Connection::connect(ConnectionOptions::new(address).header("x-tenant", "zürich")).await,
            Refusal::Connect(ConnectError::InvalidOption {
                option: "header",
                ..
            }),
            ["x-tenant", "printable ASCII"],
        ),
        case!(
            "call header value with a line break",
            client.with_call_options(CallOptions::default().header("x-tenant", "a\nb")),
            Refusal::Client(Error::InvalidArgument {
                field: "header",
                ..
            }),
            ["x-tenant", "printable ASCII"],
        ),
        // Payloads another SDK (or a buggy converter) wrote, read back.
        case!(
            "invalid JSON in a result",
            raw_result::<serde_json::Value>(env, JSON, br#"{"total": 4"#).await,
            Refusal::Client(Error::Conversion(ConversionError::Deserialize {
                encoding: "json/plain",
                ..
            })),
            ["json/plain", "serde_json::value::Value", "EOF"],
        ),
        case!(
            "result with an unknown encoding",
            raw_result::<serde_json::Value>(env, &[("encoding", "binary/encrypted")], b"\x01\x02")
                .await,
            Refusal::Client(Error::Conversion(ConversionError::UnknownEncoding { .. })),
            ["binary/encrypted"],
        ),
        case!(
            "result without encoding metadata",
            raw_result::<String>(env, &[], b"\"x\"").await,
            Refusal::Client(Error::Conversion(ConversionError::MissingEncoding { .. })),
            ["without `encoding`"],
        ),
        case!(
            "truncated binary/protobuf result",
            raw_result::<ProtoBinary<WorkflowExecution>>(
                env,
                &[
                    ("encoding", "binary/protobuf"),
                    ("messageType", "temporal.api.common.v1.WorkflowExecution")
                ],
                truncated_protobuf,
            )
            .await,
            Refusal::Client(Error::Conversion(ConversionError::Protobuf { .. })),
            ["binary/protobuf", "WorkflowExecution"],
        ),
        case!(
            "truncated json/protobuf result",
            raw_result::<ProtoJson<WorkflowExecution>>(
                env,
                &[
                    ("encoding", "json/protobuf"),
                    ("messageType", "temporal.api.common.v1.WorkflowExecution")
                ],
                br#"{"workflowId":"order-12"#,
            )
            .await,
            Refusal::Client(Error::Conversion(ConversionError::Deserialize {
                encoding: "json/protobuf",
                ..
            })),
            ["json/protobuf", "WorkflowExecution", "EOF"],
        ),
        case!(
            "protobuf result of another message type",
            raw_result::<ProtoBinary<WorkflowExecution>>(
                env,
                &[
                    ("encoding", "binary/protobuf"),
                    ("messageType", "temporal.api.common.v1.Payload")
                ],
                b"",
            )
            .await,
            Refusal::Client(Error::Conversion(ConversionError::MessageType { .. })),
            [
                "temporal.api.common.v1.Payload",
                "temporal.api.common.v1.WorkflowExecution"
            ],
        ),
        case!(
            "result of the wrong type",
            client
                .execute::<u32, _, _>("example", ("Temporal",), env.options("wrong-type"))
                .await,
            Refusal::Client(Error::Conversion(ConversionError::Deserialize {
                type_name: "u32",
                ..
            })),
            ["u32", "invalid type: string"],
        ),
        case!(
            "JSON nested 100,000 deep",
            raw_result::<serde_json::Value>(env, JSON, nested_json.as_bytes()).await,
            Refusal::Client(Error::Conversion(ConversionError::Deserialize { .. })),
            ["recursion limit exceeded"],
        ),
        case!(
            "invalid UTF-8 in a JSON string",
            raw_result::<String>(env, JSON, b"\"caf\xe9\"").await,
            Refusal::Client(Error::Conversion(ConversionError::Deserialize { .. })),
            ["alloc::string::String", "unicode"],
        ),
        case!(
            "binary/plain result read as text",
            raw_result::<String>(env, &[("encoding", "binary/plain")], b"\xff\x00").await,
            Refusal::Client(Error::Conversion(ConversionError::WrongEncoding {
                found: "binary/plain",
                ..
            })),
            ["binary/plain", "RawBytes"],
        ),
        case!(
            "invalid JSON in a memo",
            raw_payload_workflow(env, &[("encoding", "json/plain")], b"{\"customer\":")
                .await
                .describe()
                .await
                .expect("described")
                .info
                .memo
                .get::<serde_json::Value>("raw"),
            Refusal::Conversion(ConversionError::Deserialize {
                encoding: "json/plain",
                ..
            }),
            ["json/plain", "EOF"],
        ),
        case!(
            "invalid JSON in a signal, passed through to the result",
            async {
                let handle = client
                    .start("rawSignalEcho", (), env.options("raw-signal"))
                    .await?;
                let raw = Payload::new("json/plain", b"[1, 2,".to_vec());
                handle
                    .signal(temporal_client::by_name("raw").with_args(vec![raw]))
                    .await?;
                handle.result::<Vec<u32>>().await
            }
            .await,
            Refusal::Client(Error::Conversion(ConversionError::Deserialize { .. })),
            ["json/plain", "EOF"],
        ),
        // A failure chain far deeper than any SDK writes.
        case!(
            "failure chain 1,000 links deep, past prost's recursion limit",
            async {
                fail_with_deep_chain(client, deep_failure_queue, 1000).await;
                deep.result::<()>().await
            }
            .await,
            Refusal::Client(Error::Rpc(rpc)) if rpc.code() == Code::Internal && !rpc.is_retryable(),
            ["failed to decode", "Failure.cause", "recursion limit reached"],
        ),
        case!(
            "failure chain 60 links deep",
            async {
                fail_with_deep_chain(client, deeper_failure_queue, 60).await;
                match deeper.result::<()>().await {
                    Err(Error::WorkflowFailed(failed)) => {
                        assert_eq!(failed.failure.chain().count(), 60, "no link is lost");
                        assert_eq!(failed.failure.root_cause().message(), "the root cause");
                        Err(Error::WorkflowFailed(failed))
                    }
                    other => other,
                }
            }
            .await,
            Refusal::Client(Error::WorkflowFailed(_)),
            [
                // The workflow's line says why: the root cause's message.
                ") failed: the root cause",
                "level 59",
                "level 1: failure: the root cause"
            ],
        ),
        // Workflows that are not there, or no longer running.
        case!(
            "signal to a missing workflow",
            missing
                .signal(temporal_client::by_name("increment").arg(1))
                .await,
            Refusal::Client(Error::NotFound { .. }),
            ["not found"],
        ),
        case!(
            "query of a missing workflow",
            missing.query::<i64, _>("value").await,
            Refusal::Client(Error::NotFound { .. }),
            ["not found"],
        ),
        case!(
            "update of a missing workflow",
            missing
                .execute_update::<i64, _>(temporal_client::by_name("setValue").arg(1))
                .await,
            Refusal::Client(Error::NotFound { .. }),
            ["not found"],
        ),
        case!(
            "result of a missing workflow",
            missing.result::<String>().await,
            Refusal::Client(Error::NotFound { .. }),
            ["not found"],
        ),
        case!(
            "signal to a closed workflow",
            closed
                .signal(temporal_client::by_name("increment").arg(1))
                .await,
            Refusal::Client(Error::NotFound { .. }),
            ["completed"],
        ),
        case!(
            "query of a closed workflow, rejected unless open",
            closed
                .query_with_reject_condition::<String, _>("value", QueryRejectCondition::NotOpen,)
                .await,
            Refusal::Client(Error::QueryRejected {
                status: Some(WorkflowExecutionStatus::Completed)
            }),
            ["rejected", "COMPLETED"],
        ),
        case!(
            "update of a closed workflow",
            closed
                .execute_update::<i64, _>(temporal_client::by_name("setValue").arg(1))
                .await,
            Refusal::Client(Error::NotFound { .. }),
            ["completed"],
        ),
        case!(
            "termination of a closed workflow",
            closed.terminate("too late").await,
            Refusal::Client(Error::NotFound { .. }),
            ["completed"],
        ),
        case!(
            "query a workflow has no handler for",
            closed.query::<String, _>("noSuchQuery").await,
            Refusal::Client(Error::QueryFailed { .. }),
            ["noSuchQuery"],
        ),
        case!(
            "empty signal name",
            closed.signal("").await,
            Refusal::Client(Error::InvalidArgument {
                field: "signal_name",
                ..
            }),
            ["signal name is empty"],
        ),
    ];
    let rows = cases.len();
    assert!(rows >= 30, "the table has {rows} rows");
    let problems = misbehaving(cases).await;
    assert!(
        problems.is_empty(),
        "{} of {rows} bad inputs were not refused as expected:\n{}",
        problems.len(),
        problems.join("\n")
    );

    a_history_larger_than_a_grpc_message_streams_in_full(env).await;
}

/// Signals of 1.5 MB each make a history of about 4.5 MB, more than gRPC's default message
/// limit: it arrives whole, every byte of every signal in its event.
async fn a_history_larger_than_a_grpc_message_streams_in_full(env: &TestEnv) {
    const SIGNALS: usize = 3;
    const SIGNAL_BYTES: usize = 1_500_000;
    let handle = env
        .client
        .start("waitForever", (), env.options("big-history"))
        .await
        .expect("started");
    for index in 0..SIGNALS {
        let filler = char::from(b'a' + u8::try_from(index).expect("few signals"));
        handle
            .signal(
                temporal_client::by_name("ignored").arg(filler.to_string().repeat(SIGNAL_BYTES)),
            )
            .await
            .expect("signalled");
    }
    handle.terminate("done").await.expect("terminated");
    let events: Vec<_> = tokio::time::timeout(CASE_TIMEOUT, handle.fetch_history().collect())
        .await
        .expect("the history streams in time");
    let events: Vec<_> = events
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("every page decodes");
    let signals: Vec<usize> = events
        .iter()
        .filter_map(|event| match &event.raw_proto().attributes {
            Some(EventAttributes::WorkflowExecutionSignaledEventAttributes(signaled)) => {
                let payload = signaled.input.as_ref()?.payloads.first()?;
                Some(payload.data.len())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        signals,
        vec![SIGNAL_BYTES + 2; SIGNALS],
        "each signal whole"
    );
    assert_eq!(
        events.last().and_then(|event| event.event_type()),
        Some(HistoryEventType::WorkflowExecutionTerminated)
    );
}
