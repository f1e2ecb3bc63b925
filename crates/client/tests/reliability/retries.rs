//! The client's real retry policy against a scripted fake `WorkflowService`: transient codes
//! are retried with growing backoff and the same request id, answers are not, and a deadline
//! or a dropped call stops retrying at once. Also: an API key never travels over plaintext
//! unless the user allows it, as the headers the fake receives show.

use std::time::{Duration, Instant};

use prost::Message;
use temporal_client::proto::api::workflowservice::v1::{
    SignalWorkflowExecutionRequest, StartWorkflowExecutionRequest,
};
use temporal_client::{
    CallOptions, Client, Code, ConnectError, Connection, Error, RpcRetryPolicy, StartOptions,
    Untyped,
};

use crate::fake_server::{Answer, Call, FakeServer};

pub(crate) const SIGNAL: &str = "SignalWorkflowExecution";
const START: &str = "StartWorkflowExecution";
pub(crate) const GET_SYSTEM_INFO: &str = "GetSystemInfo";
/// How much shorter a measured gap between two calls may be than the delay between them: the
/// first call may have travelled a little slower than the second.
const TIMING_TOLERANCE: Duration = Duration::from_millis(10);

fn gaps(calls: &[Call]) -> Vec<Duration> {
    calls.windows(2).map(|w| w[1].at - w[0].at).collect()
}

fn signal_request_ids(calls: &[Call]) -> Vec<String> {
    calls
        .iter()
        .map(|call| {
            SignalWorkflowExecutionRequest::decode(call.body.clone())
                .expect("a signal request")
                .request_id
        })
        .collect()
}

fn start_request_ids(calls: &[Call]) -> Vec<String> {
    calls
        .iter()
        .map(|call| {
            StartWorkflowExecutionRequest::decode(call.body.clone())
                .expect("a start request")
                .request_id
        })
        .collect()
}

fn assert_one_request_id(ids: &[String]) {
    assert!(!ids[0].is_empty(), "a request id is sent");
    assert!(
        ids.iter().all(|id| id == &ids[0]),
        "every attempt carries the first one's request id: {ids:?}"
    );
}

async fn signal(client: &Client) -> Result<(), Error> {
    client
        .get_handle::<Untyped>("retried-workflow")
        .signal("poke")
        .await
}

fn rpc_code(err: &Error) -> Code {
    match err {
        Error::Rpc(rpc) => rpc.code(),
        Error::NotFound { .. } => Code::NotFound,
        other => panic!("expected a gRPC failure, got {other:?}"),
    }
}

#[tokio::test]
async fn unavailable_is_retried_with_growing_backoff_and_one_request_id() {
    let fake = FakeServer::start().await;
    fake.script(
        SIGNAL,
        [
            Answer::Fail(Code::Unavailable),
            Answer::Fail(Code::Unavailable),
            Answer::Fail(Code::Unavailable),
            Answer::Fail(Code::Unavailable),
            Answer::Ok,
        ],
    );
    // The default policy (100 ms first, ×1.7 each time) without its ±20 % jitter, so that
    // each delay is known and scheduling noise on a busy machine cannot reorder them.
    let policy = RpcRetryPolicy::default().jitter(0.0);
    let client = fake
        .client_with(CallOptions::default().retry_policy(policy))
        .await;
    signal(&client).await.expect("the fifth attempt succeeds");

    let calls = fake.calls(SIGNAL);
    assert_eq!(calls.len(), 5);
    let gaps = gaps(&calls);
    for (gap, expected_ms) in gaps.iter().zip([100, 170, 289, 491]) {
        assert!(
            *gap >= Duration::from_millis(expected_ms) - TIMING_TOLERANCE,
            "{gaps:?}"
        );
    }
    assert!(
        gaps.windows(2).all(|w| w[0] < w[1]),
        "each delay is longer than the one before: {gaps:?}"
    );
    assert_one_request_id(&signal_request_ids(&calls));
}

#[tokio::test]
async fn throttling_is_retried_after_its_own_longer_delay() {
    let fake = FakeServer::start().await;
    fake.script(
        SIGNAL,
        [
            Answer::Fail(Code::ResourceExhausted),
            Answer::Fail(Code::ResourceExhausted),
            Answer::Ok,
        ],
    );
    let policy = RpcRetryPolicy::default()
        .jitter(0.0)
        .initial_interval(Duration::from_millis(10))
        .throttled_initial_interval(Duration::from_millis(300));
    let client = fake
        .client_with(CallOptions::default().retry_policy(policy))
        .await;
    signal(&client).await.expect("the third attempt succeeds");

    let calls = fake.calls(SIGNAL);
    assert_eq!(calls.len(), 3);
    let gaps = gaps(&calls);
    assert!(
        gaps[0] >= Duration::from_millis(300) - TIMING_TOLERANCE,
        "the throttled delay, not the 10 ms one: {gaps:?}"
    );
    assert!(
        gaps[1] >= Duration::from_millis(510) - TIMING_TOLERANCE,
        "{gaps:?}"
    );
    assert_one_request_id(&signal_request_ids(&calls));
}

#[tokio::test]
async fn attempts_stop_at_the_policy_limit_with_the_last_status() {
    let fake = FakeServer::start().await;
    fake.script(SIGNAL, [Answer::Fail(Code::Unavailable)]);
    let policy = RpcRetryPolicy::default()
        .initial_interval(Duration::from_millis(10))
        .max_attempts(3);
    let client = fake
        .client_with(CallOptions::default().retry_policy(policy))
        .await;
    let err = signal(&client).await.expect_err("never succeeds");
    assert_eq!(rpc_code(&err), Code::Unavailable, "{err:?}");
    assert_eq!(fake.calls(SIGNAL).len(), 3);
}

#[tokio::test]
async fn answers_about_the_request_are_tried_once() {
    let fake = FakeServer::start().await;
    let client = fake.client_with(CallOptions::default()).await;
    for code in [
        Code::InvalidArgument,
        Code::NotFound,
        Code::PermissionDenied,
        Code::AlreadyExists,
        Code::FailedPrecondition,
        Code::Unauthenticated,
        Code::Unimplemented,
        Code::OutOfRange,
    ] {
        fake.script(SIGNAL, [Answer::Fail(code), Answer::Ok]);
        let before = fake.calls(SIGNAL).len();
        let err = signal(&client).await.expect_err("returned as is");
        assert_eq!(rpc_code(&err), code, "{err:?}");
        assert_eq!(
            fake.calls(SIGNAL).len() - before,
            1,
            "{code:?} is not retried"
        );
    }
}

#[tokio::test]
async fn a_deadline_ends_the_call_and_its_retries_at_once() {
    let fake = FakeServer::start().await;
    fake.script(SIGNAL, [Answer::Fail(Code::Unavailable), Answer::Hang]);
    let deadline = Duration::from_millis(300);
    let client = fake
        .client_with(CallOptions::default().timeout(deadline))
        .await;
    let started = Instant::now();
    let err = signal(&client).await.expect_err("times out");
    let elapsed = started.elapsed();

    assert!(err.is_timeout(), "{err:?}");
    assert!(
        elapsed >= deadline && elapsed < deadline + Duration::from_secs(1),
        "one backoff and one deadline: {elapsed:?}"
    );
    assert_eq!(fake.calls(SIGNAL).len(), 2);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(fake.calls(SIGNAL).len(), 2, "no attempt after the deadline");
}

#[tokio::test]
async fn dropping_the_call_stops_its_retries() {
    let fake = FakeServer::start().await;
    fake.script(SIGNAL, [Answer::Fail(Code::Unavailable)]);
    let client = fake.client_with(CallOptions::default()).await;
    let abandoned = tokio::time::timeout(Duration::from_millis(350), signal(&client)).await;
    assert!(abandoned.is_err(), "still retrying when dropped");
    let made = fake.calls(SIGNAL).len();
    assert!(made >= 2, "it was retrying: {made} calls");

    // The next retry would have come within ~0.6 s of the first call.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(fake.calls(SIGNAL).len(), made, "no call after the drop");
}

#[tokio::test]
async fn a_retried_start_keeps_its_request_id() {
    let fake = FakeServer::start().await;
    fake.script(
        START,
        [
            Answer::Fail(Code::Unavailable),
            Answer::Fail(Code::Internal),
            Answer::Ok,
        ],
    );
    let client = fake.client_with(CallOptions::default()).await;
    client
        .start("example", (), StartOptions::new("started-once", "queue"))
        .await
        .expect("the third attempt succeeds");
    let ids = start_request_ids(&fake.calls(START));
    assert_eq!(ids.len(), 3);
    assert_one_request_id(&ids);
}

/// A large request is encoded once for the call (crates/client/src/outgoing.rs): each attempt
/// still sends all of it, the same bytes, which the server decodes to the caller's argument.
#[tokio::test]
async fn a_retried_start_with_a_large_argument_sends_the_whole_request_each_time() {
    let fake = FakeServer::start().await;
    fake.script(
        START,
        [
            Answer::Fail(Code::Unavailable),
            Answer::Fail(Code::Unavailable),
            Answer::Ok,
        ],
    );
    let client = fake.client_with(CallOptions::default()).await;
    let argument = "x".repeat(1024 * 1024);
    client
        .start(
            "example",
            (argument.clone(),),
            StartOptions::new("started-large", "queue"),
        )
        .await
        .expect("the third attempt succeeds");
    let calls = fake.calls(START);
    assert_eq!(calls.len(), 3);
    assert!(calls.iter().all(|call| call.body == calls[0].body));
    let request = StartWorkflowExecutionRequest::decode(calls[0].body.clone()).expect("a start");
    let payloads = request.input.expect("an argument").payloads;
    assert_eq!(payloads.len(), 1);
    assert_eq!(payloads[0].data, format!("\"{argument}\"").as_bytes());
    assert_one_request_id(&start_request_ids(&calls));
}

fn authorization(call: &Call) -> Option<String> {
    call.metadata
        .get("authorization")
        .map(|value| value.to_str().expect("ASCII").to_owned())
}

#[tokio::test]
async fn an_api_key_goes_over_plaintext_only_when_allowed() {
    let fake = FakeServer::start().await;

    let err = Connection::connect(fake.options().api_key("secret").plaintext())
        .await
        .expect_err("refused before dialling");
    assert!(
        matches!(
            err,
            ConnectError::InvalidOption {
                option: "api_key",
                ..
            }
        ),
        "{err:?}"
    );
    // A key turns TLS on, which the plaintext fake cannot speak.
    Connection::connect(fake.options().api_key("secret"))
        .await
        .expect_err("a TLS handshake with a plaintext server fails");
    assert_eq!(fake.total_calls(), 0, "no call reached the server");

    let connection = Connection::connect(
        fake.options()
            .api_key("secret")
            .plaintext()
            .allow_api_key_over_plaintext(),
    )
    .await
    .expect("explicitly allowed");
    signal(&Client::new(connection))
        .await
        .expect("the fake answers");
    for method in [GET_SYSTEM_INFO, SIGNAL] {
        let calls = fake.calls(method);
        assert_eq!(calls.len(), 1, "{method}");
        assert_eq!(
            authorization(&calls[0]).as_deref(),
            Some("Bearer secret"),
            "{method}"
        );
    }
}

#[tokio::test]
async fn a_key_set_later_goes_over_plaintext_only_when_allowed() {
    let fake = FakeServer::start().await;
    let connection = Connection::connect(fake.options())
        .await
        .expect("a plaintext connection without a key");
    let err = connection
        .set_api_key(Some("late-secret"))
        .expect_err("a plaintext connection takes no key");
    assert!(
        matches!(
            err,
            ConnectError::InvalidOption {
                option: "api_key",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.to_string().contains("late-secret"), "{err}");
    signal(&Client::new(connection))
        .await
        .expect("the fake answers");
    assert_eq!(authorization(&fake.calls(SIGNAL)[0]), None);

    let allowed = Connection::connect(fake.options().allow_api_key_over_plaintext())
        .await
        .expect("connects");
    allowed
        .set_api_key(Some("late-secret"))
        .expect("explicitly allowed");
    signal(&Client::new(allowed))
        .await
        .expect("the fake answers");
    assert_eq!(
        authorization(&fake.calls(SIGNAL)[1]).as_deref(),
        Some("Bearer late-secret")
    );
}
