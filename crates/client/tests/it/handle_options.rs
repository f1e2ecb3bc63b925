//! What the other SDKs' handles and start options offer besides the basics: cancel with a
//! reason, terminate without details, history filtered to the close event and followed live,
//! links and a versioning override on the start.

use std::time::Duration;

use futures_util::StreamExt as _;
use temporal_client::proto::api::common::v1::{Link, link};
use temporal_client::proto::api::history::v1::HistoryEvent;
use temporal_client::proto::api::history::v1::history_event::Attributes;
use temporal_client::{
    Error, FailureKind, HistoryOptions, Untyped, VersioningOverride, WorkflowHandle, by_name,
};

use crate::support::TestEnv;

/// The events' messages: these tests read the attributes, which are the protos'.
async fn history(handle: &WorkflowHandle<Untyped>, options: HistoryOptions) -> Vec<HistoryEvent> {
    handle
        .fetch_history_with(options)
        .map(|event| event.expect("a history page").into_raw_proto())
        .collect()
        .await
}

#[tokio::test]
async fn cancel_records_its_reason_and_terminate_needs_no_details() {
    let env = TestEnv::start().await;
    let cancelled = env
        .client
        .start("waitForever", (), env.options("cancel-reason"))
        .await
        .expect("started");
    cancelled
        .cancel_with_reason("the customer withdrew the order")
        .await
        .expect("cancel requested");
    let error = cancelled.result::<()>().await.unwrap_err();
    assert!(
        matches!(&error, Error::WorkflowFailed(failed) if matches!(failed.failure.kind(), FailureKind::Cancelled { .. })),
        "{error:?}"
    );
    let requested = history(&cancelled, HistoryOptions::default())
        .await
        .into_iter()
        .find_map(|event| match event.attributes {
            Some(Attributes::WorkflowExecutionCancelRequestedEventAttributes(requested)) => {
                Some(requested)
            }
            _ => None,
        })
        .expect("a cancel request event");
    assert_eq!(requested.cause, "the customer withdrew the order");

    let terminated = env
        .client
        .start("waitForever", (), env.options("terminate"))
        .await
        .expect("started");
    terminated
        .terminate("no longer needed")
        .await
        .expect("terminated");
    let close = history(&terminated, HistoryOptions::default().close_event_only()).await;
    let [event] = close.as_slice() else {
        panic!("one close event: {close:?}")
    };
    let Some(Attributes::WorkflowExecutionTerminatedEventAttributes(attributes)) =
        &event.attributes
    else {
        panic!("{event:?}")
    };
    assert_eq!(attributes.reason, "no longer needed");
    assert!(attributes.details.is_none());
}

#[tokio::test]
async fn history_follows_new_events_until_the_close_event() {
    let env = TestEnv::start().await;
    let handle = env
        .client
        .start("counter", (1,), env.options("live-history"))
        .await
        .expect("started");

    // Without waiting, a running workflow has no close event yet.
    assert!(
        history(&handle, HistoryOptions::default().close_event_only())
            .await
            .is_empty()
    );

    // Waiting: the streams end only once the workflow closes, whenever that is.
    let live = tokio::spawn({
        let handle = handle.clone();
        async move { history(&handle, HistoryOptions::default().wait_new_events()).await }
    });
    let close_only = tokio::spawn({
        let handle = handle.clone();
        async move {
            history(
                &handle,
                HistoryOptions::default()
                    .close_event_only()
                    .wait_new_events(),
            )
            .await
        }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!live.is_finished() && !close_only.is_finished());
    handle
        .signal(by_name("increment").arg(41))
        .await
        .expect("signaled");
    handle.signal("finish").await.expect("signaled");

    let live = tokio::time::timeout(Duration::from_secs(30), live)
        .await
        .expect("the live history ends")
        .expect("no panic");
    let everything = history(&handle, HistoryOptions::default()).await;
    assert_eq!(
        live.iter().map(|e| e.event_id).collect::<Vec<_>>(),
        everything.iter().map(|e| e.event_id).collect::<Vec<_>>()
    );
    let signals = live
        .iter()
        .filter(|event| {
            matches!(
                event.attributes,
                Some(Attributes::WorkflowExecutionSignaledEventAttributes(_))
            )
        })
        .count();
    assert_eq!(signals, 2);

    let close_only = tokio::time::timeout(Duration::from_secs(30), close_only)
        .await
        .expect("the close-event wait ends")
        .expect("no panic");
    let [close] = close_only.as_slice() else {
        panic!("one close event: {close_only:?}")
    };
    assert!(matches!(
        close.attributes,
        Some(Attributes::WorkflowExecutionCompletedEventAttributes(_))
    ));
    assert_eq!(close.event_id, everything.last().expect("events").event_id);
}

#[tokio::test]
async fn a_start_carries_its_links_and_versioning_override() {
    let env = TestEnv::start().await;
    let cause = env
        .client
        .start("example", ("cause",), env.options("cause"))
        .await
        .expect("started");
    let link = Link {
        variant: Some(link::Variant::WorkflowEvent(link::WorkflowEvent {
            namespace: env.client.namespace().to_owned(),
            workflow_id: cause.workflow_id().to_owned(),
            run_id: cause.first_execution_run_id().expect("a run").to_owned(),
            reference: None,
        })),
    };
    let handle = env
        .client
        .start(
            "example",
            ("linked",),
            env.options("linked")
                .raw_link(link.clone())
                .versioning_override(VersioningOverride::AutoUpgrade),
        )
        .await
        .expect("started");
    let _: String = handle.result().await.expect("completes");
    let started = history(&handle, HistoryOptions::default())
        .await
        .into_iter()
        .find_map(|event| match event.attributes {
            Some(Attributes::WorkflowExecutionStartedEventAttributes(started)) => Some(started),
            _ => None,
        })
        .expect("a started event");
    let versioning = started
        .versioning_override
        .expect("the override is recorded");
    assert_eq!(
        VersioningOverrideView::of(&versioning),
        VersioningOverrideView::AutoUpgrade
    );
    let linked = history(&handle, HistoryOptions::default())
        .await
        .into_iter()
        .next()
        .expect("the first event");
    assert_eq!(linked.links, [link]);
}

/// What the started event says of the override, for a comparison.
#[derive(Debug, PartialEq, Eq)]
enum VersioningOverrideView {
    AutoUpgrade,
    Other,
}

impl VersioningOverrideView {
    fn of(proto: &temporal_client::proto::api::workflow::v1::VersioningOverride) -> Self {
        use temporal_client::proto::api::workflow::v1::versioning_override::Override;
        match proto.r#override {
            Some(Override::AutoUpgrade(true)) => Self::AutoUpgrade,
            _ => Self::Other,
        }
    }
}

/// The server grants eager start: it hands the first workflow task back in its answer. This
/// client has no worker to run it, so the task is lost until its timeout passes and the server
/// gives it to the Python worker; the delay is the evidence that the request reached the
/// server, and the cost `StartOptions::request_eager_start` documents.
#[tokio::test]
async fn an_eager_start_is_granted_and_its_unprocessed_task_waits_for_the_task_timeout() {
    const TASK_TIMEOUT: Duration = Duration::from_secs(3);
    let env = TestEnv::start().await;

    let started = std::time::Instant::now();
    let plain: String = env
        .client
        .execute(
            "example",
            ("plain",),
            env.options("plain").task_timeout(TASK_TIMEOUT),
        )
        .await
        .expect("completes");
    assert_eq!(plain, "Hello, plain!");
    assert!(started.elapsed() < TASK_TIMEOUT, "{:?}", started.elapsed());

    let started = std::time::Instant::now();
    let eager: String = env
        .client
        .execute(
            "example",
            ("eager",),
            env.options("eager")
                .task_timeout(TASK_TIMEOUT)
                .request_eager_start(true),
        )
        .await
        .expect("completes");
    assert_eq!(eager, "Hello, eager!");
    assert!(started.elapsed() >= TASK_TIMEOUT, "{:?}", started.elapsed());
}
