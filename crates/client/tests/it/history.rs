//! Long histories: `fetch_history` pages through all of them.

use futures_util::StreamExt as _;
use temporal_client::HistoryEventType as EventType;
use temporal_client::proto::api::common::v1::WorkflowExecution;
use temporal_client::proto::api::workflowservice::v1::GetWorkflowExecutionHistoryRequest;

use crate::support::TestEnv;

/// The Python workflow upserts its memo `n` times, 100 per workflow task, each task ended by
/// an activity: `n` events for the upserts, and 6 for each activity and the task after it.
/// The server pages by event batches, not events, so the history is this long in events and
/// more than one page.
#[tokio::test]
async fn fetch_history_streams_a_history_of_more_than_ten_thousand_events() {
    const UPSERTS: usize = 10_200;
    let env = TestEnv::start().await;
    let handle = env
        .client
        .start("manyEvents", (UPSERTS,), env.options("many-events"))
        .await
        .expect("started");
    let upserts: usize = handle.result().await.expect("completes");
    assert_eq!(upserts, UPSERTS);

    let first_page = env
        .client
        .raw_workflow_service()
        .get_workflow_execution_history(GetWorkflowExecutionHistoryRequest {
            namespace: env.client.namespace().to_owned(),
            execution: Some(WorkflowExecution {
                workflow_id: handle.workflow_id().to_owned(),
                run_id: String::new(),
            }),
            ..Default::default()
        })
        .await
        .expect("a page")
        .into_inner();
    assert!(
        !first_page.next_page_token.is_empty(),
        "the history is more than one page"
    );

    let events: Vec<(i64, Option<EventType>)> = handle
        .fetch_history()
        .map(|event| {
            let event = event.expect("a history page");
            (event.event_id(), event.event_type())
        })
        .collect()
        .await;
    let count = i64::try_from(events.len()).expect("fits");
    assert!(count > 10_000, "{count} events");
    assert!(
        events.iter().map(|(id, _)| *id).eq(1..=count),
        "event ids are 1..={count}, in order, none missing or repeated"
    );
    assert_eq!(
        events.first().and_then(|(_, kind)| *kind),
        Some(EventType::WorkflowExecutionStarted)
    );
    assert_eq!(
        events.last().and_then(|(_, kind)| *kind),
        Some(EventType::WorkflowExecutionCompleted)
    );
    let of_kind = |wanted: EventType| {
        events
            .iter()
            .filter(|(_, kind)| *kind == Some(wanted))
            .count()
    };
    assert_eq!(of_kind(EventType::WorkflowPropertiesModified), UPSERTS);
    assert_eq!(of_kind(EventType::ActivityTaskCompleted), UPSERTS / 100);
    assert_eq!(
        events.len(),
        UPSERTS + 6 * (UPSERTS / 100) + 5,
        "the upserts; per activity its scheduled, started and completed and the next task's \
         scheduled, started and completed; the start, the first task's 3, and the close"
    );
    assert!(
        first_page
            .history
            .is_some_and(|history| history.events.len() < events.len()),
        "the first page is a part"
    );
    let description = handle.describe().await.expect("describe");
    assert_eq!(description.info.history_length, count);
}
