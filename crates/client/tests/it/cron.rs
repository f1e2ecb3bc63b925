//! Cron workflows: a chain of runs, one per schedule tick, until terminated.

use futures_util::StreamExt as _;
use temporal_client::proto::api::enums::v1::ContinueAsNewInitiator;
use temporal_client::proto::api::history::v1::WorkflowExecutionStartedEventAttributes;
use temporal_client::proto::api::history::v1::history_event::Attributes;
use temporal_client::{Code, Error, FailureKind, WorkflowExecutionStatus, WorkflowHandle};

use crate::support::TestEnv;

async fn events(handle: &WorkflowHandle) -> Vec<Attributes> {
    handle
        .fetch_history()
        .map(|event| {
            event
                .expect("a history page")
                .into_raw_proto()
                .attributes
                .expect("attributes")
        })
        .collect()
        .await
}

async fn close_event(handle: &WorkflowHandle) -> Attributes {
    events(handle).await.pop().expect("a history")
}

async fn started_event(handle: &WorkflowHandle) -> WorkflowExecutionStartedEventAttributes {
    match events(handle).await.into_iter().next() {
        Some(Attributes::WorkflowExecutionStartedEventAttributes(started)) => started,
        other => panic!("not started: {other:?}"),
    }
}

/// The server's cron parser (robfig/cron) takes `@every <duration>` as well as the five
/// fields; every run, the first too, waits for its tick (`first_workflow_task_backoff`), so
/// the first result comes about 2 s after the start. Ticks are counted from the first run's
/// start; the waits are rounded up to whole seconds (`@every 500ms` runs at most every 1 s).
#[tokio::test]
async fn a_cron_workflow_runs_on_schedule_and_stops_when_terminated() {
    let env = TestEnv::start().await;
    let handle = env
        .client
        .start(
            "example",
            ("cron",),
            env.options("cron").cron_schedule("@every 2s"),
        )
        .await
        .expect("started");
    let first_run = handle.first_execution_run_id().expect("a run").to_owned();

    // A cron run's history ends in WorkflowExecutionCompleted, with its result and the next
    // run's id. But `result` waits with the close-event filter, and for that filter the server
    // rewrites any close event that names a next run (cron, retry) as
    // WorkflowExecutionContinuedAsNew (the result moves to `last_completion_result`). So not
    // following runs stops with `ContinuedAsNew` (the Python client raises the same).
    let err = handle
        .clone()
        .without_following_runs()
        .result::<String>()
        .await
        .expect_err("the first run is followed by the next");
    let Error::ContinuedAsNew { new_run_id } = err else {
        panic!("expected ContinuedAsNew, got {err:?}")
    };
    assert_ne!(new_run_id, first_run);

    let first = env
        .client
        .get_handle::<temporal_client::Untyped>(handle.workflow_id())
        .with_run_id(&first_run);
    let completed = close_event(&first).await;
    let Attributes::WorkflowExecutionCompletedEventAttributes(completed) = completed else {
        panic!("the first run's history ends completed: {completed:?}")
    };
    assert_eq!(completed.new_execution_run_id, new_run_id);
    let result = completed.result.expect("a result").payloads;
    let greeting: String = env
        .client
        .data_converter()
        .from_payload(&temporal_client::Payload::from_raw_proto(result[0].clone()))
        .expect("a string");
    assert_eq!(greeting, "Hello, cron!");
    let next_started = started_event(&first.clone().with_run_id(&new_run_id)).await;
    assert_eq!(
        next_started.initiator(),
        ContinueAsNewInitiator::CronSchedule
    );
    assert_eq!(next_started.first_execution_run_id, first_run);
    assert_eq!(
        next_started
            .last_completion_result
            .expect("the next run is given the last result")
            .payloads,
        result,
    );

    // Between ticks the workflow is running: the latest run exists, waiting for its tick,
    // in the chain the first run began.
    let description = handle.describe().await.expect("describe");
    let info = &description.info;
    assert_eq!(info.status, Some(WorkflowExecutionStatus::Running));
    assert_ne!(info.run_id, first_run, "the next run is scheduled");
    assert_eq!(info.raw_info().first_run_id, first_run);
    // The next run waits for the next tick of the first run's start time (start + 4 s, here),
    // and the server rounds that wait up to whole seconds.
    let wait = info
        .execution_time
        .expect("an execution time")
        .duration_since(info.start_time.expect("a start time"))
        .expect("the run executes after it starts");
    assert!(
        wait.subsec_nanos() == 0 && (1..=2).contains(&wait.as_secs()),
        "the run waits for its tick: {wait:?}"
    );

    handle
        .terminate("cron no longer needed")
        .await
        .expect("terminate reaches the latest run of the chain");
    let err = handle
        .result::<String>()
        .await
        .expect_err("the chain ends terminated");
    let Error::WorkflowFailed(failed) = err else {
        panic!("expected WorkflowFailed, got {err:?}")
    };
    assert!(
        matches!(failed.failure.kind(), FailureKind::Terminated { .. }),
        "{:?}",
        failed.failure
    );
    assert_eq!(failed.failure.message(), "cron no longer needed");
    let description = handle.describe().await.expect("describe");
    assert_eq!(
        description.info.status,
        Some(WorkflowExecutionStatus::Terminated)
    );

    let err = env
        .client
        .start(
            "example",
            ("never",),
            env.options("bad-cron").cron_schedule("not a cron"),
        )
        .await
        .expect_err("the server validates the schedule");
    let Error::Rpc(rpc) = &err else {
        panic!("expected Rpc, got {err:?}")
    };
    assert_eq!(rpc.code(), Code::InvalidArgument, "{err:?}");
    assert_eq!(rpc.message(), "invalid CronSchedule.");
}
