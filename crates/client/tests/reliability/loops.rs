//! Data from a buggy or hostile server must not make the client spin: a run chain that loops
//! ends with a typed protocol error, and long polls answered at once without what they wait
//! for (no close event, no update outcome, an update not yet at its stage) are sent again
//! with a growing delay. Each test counts the calls the client makes in a few seconds.

use std::time::{Duration, Instant};

use temporal_client::proto::api::enums::v1::UpdateWorkflowExecutionLifecycleStage;
use temporal_client::proto::api::history::v1::history_event::Attributes;
use temporal_client::proto::api::history::v1::{
    History, HistoryEvent, WorkflowExecutionCompletedEventAttributes,
};
use temporal_client::proto::api::workflowservice::v1::{
    GetWorkflowExecutionHistoryRequest, GetWorkflowExecutionHistoryResponse,
    PollWorkflowExecutionUpdateRequest, PollWorkflowExecutionUpdateResponse,
    UpdateWorkflowExecutionRequest, UpdateWorkflowExecutionResponse,
};
use temporal_client::{Error, ProtocolViolation, Untyped, UpdateStage, by_name};

use crate::fake_server::FakeServer;

const GET_HISTORY: &str = "GetWorkflowExecutionHistory";
const POLL_UPDATE: &str = "PollWorkflowExecutionUpdate";
const UPDATE: &str = "UpdateWorkflowExecution";
/// How long the tests let the client poll a server that answers at once.
const WATCH: Duration = Duration::from_secs(5);
/// The most calls in [`WATCH`] under the poll backoff (100 ms doubling: calls at 0, 0.1, 0.3,
/// 0.7, 1.5, 3.1 s, then 6.3 s), with room for a slow machine's scheduling. Before the
/// backoff the same servers saw tens of thousands.
const MAX_CALLS_IN_WATCH: usize = 8;

fn completed_event(new_run: &str) -> GetWorkflowExecutionHistoryResponse {
    GetWorkflowExecutionHistoryResponse {
        history: Some(History {
            events: vec![HistoryEvent {
                event_id: 2,
                attributes: Some(Attributes::WorkflowExecutionCompletedEventAttributes(
                    WorkflowExecutionCompletedEventAttributes {
                        new_execution_run_id: new_run.to_owned(),
                        ..Default::default()
                    },
                )),
                ..Default::default()
            }],
        }),
        ..Default::default()
    }
}

fn run_id_of(request: &GetWorkflowExecutionHistoryRequest) -> String {
    request
        .execution
        .as_ref()
        .map(|execution| execution.run_id.clone())
        .unwrap_or_default()
}

/// Runs `wait` for [`WATCH`] (it must not finish), and returns the calls of `method` per
/// second it made.
async fn calls_while_waiting<T: std::fmt::Debug>(
    server: &FakeServer,
    method: &str,
    wait: impl std::future::Future<Output = T>,
) -> usize {
    let started = Instant::now();
    let outcome = tokio::time::timeout(WATCH, wait).await;
    assert!(outcome.is_err(), "the wait ended: {outcome:?}");
    let calls = server.call_count(method);
    eprintln!(
        "{method}: {calls} calls in {:.1} s ({:.1} per second)",
        started.elapsed().as_secs_f64(),
        calls as f64 / started.elapsed().as_secs_f64()
    );
    calls
}

#[tokio::test]
async fn a_completion_that_names_its_own_run_next_is_a_protocol_violation() {
    let server = FakeServer::start_strict().await;
    // The latest run completes and names run-1 next; run-1 completes and names itself.
    server.answer(GET_HISTORY, |_: GetWorkflowExecutionHistoryRequest| {
        Ok(completed_event("run-1"))
    });
    let client = server.client().await;
    let handle = client.get_handle::<Untyped>("looping");
    let error = tokio::time::timeout(Duration::from_secs(5), handle.result::<()>())
        .await
        .expect("the wait ends")
        .expect_err("a loop is an error");
    match &error {
        Error::ProtocolViolation {
            workflow_id,
            violation,
        } => {
            assert_eq!(workflow_id, "looping");
            assert_eq!(
                **violation,
                ProtocolViolation::RunChainLoop {
                    run_id: "run-1".to_owned()
                }
            );
        }
        other => panic!("expected a run chain loop, got {other:?}"),
    }
    assert!(error.to_string().contains("run-1"), "{error}");
    assert_eq!(
        server.call_count(GET_HISTORY),
        2,
        "the latest run, then run-1"
    );

    // Pinned to the run that names itself: one call.
    let server = FakeServer::start_strict().await;
    server.answer(
        GET_HISTORY,
        |request: GetWorkflowExecutionHistoryRequest| Ok(completed_event(&run_id_of(&request))),
    );
    let client = server.client().await;
    let pinned = client.get_handle::<Untyped>("looping").with_run_id("run-7");
    let error = tokio::time::timeout(Duration::from_secs(5), pinned.result::<()>())
        .await
        .expect("the wait ends")
        .expect_err("a loop is an error");
    assert!(
        matches!(
            &error,
            Error::ProtocolViolation { violation, .. }
                if matches!(&**violation, ProtocolViolation::RunChainLoop { run_id } if run_id == "run-7")
        ),
        "{error:?}"
    );
    assert_eq!(server.call_count(GET_HISTORY), 1);
}

#[tokio::test]
async fn a_chain_that_loops_back_to_an_earlier_run_is_a_protocol_violation() {
    let server = FakeServer::start_strict().await;
    // a -> b -> c -> a
    server.answer(
        GET_HISTORY,
        |request: GetWorkflowExecutionHistoryRequest| {
            let next = match run_id_of(&request).as_str() {
                "a" => "b",
                "b" => "c",
                _ => "a",
            };
            Ok(completed_event(next))
        },
    );
    let client = server.client().await;
    let handle = client.get_handle::<Untyped>("cycle").with_run_id("a");
    let error = tokio::time::timeout(Duration::from_secs(5), handle.result::<()>())
        .await
        .expect("the wait ends")
        .expect_err("a loop is an error");
    assert!(
        matches!(
            &error,
            Error::ProtocolViolation { violation, .. }
                if matches!(&**violation, ProtocolViolation::RunChainLoop { run_id } if run_id == "a")
        ),
        "{error:?}"
    );
    assert_eq!(server.call_count(GET_HISTORY), 3);
}

#[tokio::test]
async fn empty_history_answers_at_once_are_polled_again_with_backoff() {
    let server = FakeServer::start_strict().await;
    server.answer(GET_HISTORY, |_: GetWorkflowExecutionHistoryRequest| {
        Ok(GetWorkflowExecutionHistoryResponse::default())
    });
    let client = server.client().await;
    let handle = client.get_handle::<Untyped>("silent");
    let calls = calls_while_waiting(&server, GET_HISTORY, handle.result::<()>()).await;
    assert!(
        (3..=MAX_CALLS_IN_WATCH).contains(&calls),
        "{calls} calls in {WATCH:?}"
    );
}

#[tokio::test]
async fn update_polls_answered_at_once_without_an_outcome_back_off() {
    let server = FakeServer::start_strict().await;
    server.answer(POLL_UPDATE, |_: PollWorkflowExecutionUpdateRequest| {
        Ok(PollWorkflowExecutionUpdateResponse::default())
    });
    let client = server.client().await;
    let update = client
        .get_handle::<Untyped>("silent")
        .get_update_handle::<i64>("update-1");
    let calls = calls_while_waiting(&server, POLL_UPDATE, update.result()).await;
    assert!(
        (3..=MAX_CALLS_IN_WATCH).contains(&calls),
        "{calls} calls in {WATCH:?}"
    );
}

#[tokio::test]
async fn updates_answered_at_once_below_their_stage_back_off() {
    let server = FakeServer::start_strict().await;
    server.answer(UPDATE, |_: UpdateWorkflowExecutionRequest| {
        Ok(UpdateWorkflowExecutionResponse {
            stage: UpdateWorkflowExecutionLifecycleStage::Admitted.into(),
            ..Default::default()
        })
    });
    let client = server.client().await;
    let handle = client.get_handle::<Untyped>("silent");
    let calls = calls_while_waiting(
        &server,
        UPDATE,
        handle.start_update::<i64, _>(by_name("setValue").arg(1), UpdateStage::Completed),
    )
    .await;
    assert!(
        (3..=MAX_CALLS_IN_WATCH).contains(&calls),
        "{calls} calls in {WATCH:?}"
    );
}
