//! The guide's "Advanced: making raw gRPC calls" sample: start a workflow with a raw
//! `StartWorkflowExecution`, print its history from `GetWorkflowExecutionHistory`, and print
//! `ListWorkflowExecutions` as a table.
//!
//! Run it with `cargo xtask demo`, which starts a local server and the Python worker of
//! `examples/workers/hello_world.py` first, or against any server with a worker polling the
//! `grpc-calls` task queue: `TEMPORAL_ADDRESS=host:port cargo run --example grpc_calls`.

use std::error::Error;
use std::time::Duration;

use temporal_client::proto::api::common::v1::{Payload, Payloads, WorkflowExecution, WorkflowType};
use temporal_client::proto::api::enums::v1::{
    EventType, HistoryEventFilterType, WorkflowExecutionStatus,
};
use temporal_client::proto::api::history::v1::history_event::Attributes;
use temporal_client::proto::api::taskqueue::v1::TaskQueue;
use temporal_client::proto::api::workflowservice::v1::{
    GetWorkflowExecutionHistoryRequest, ListWorkflowExecutionsRequest,
    StartWorkflowExecutionRequest,
};
use temporal_client::proto::google::protobuf::Timestamp;
use temporal_client::raw::WorkflowService;

const TASK_QUEUE: &str = "grpc-calls";
/// How long to wait for a worker to complete the workflow.
const RESULT_WAIT: Duration = Duration::from_secs(30);

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    // A client configured from the environment (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS):
    // raw calls name the namespace themselves.
    let client = temporal_examples::client().await?;
    let namespace = client.namespace().to_owned();
    // The raw WorkflowService of the connection: every generated call, with the connection's
    // headers (API key, client name and version) added.
    let mut service = client.connection().raw_workflow_service();

    // The payload every SDK's default data converter writes for the string "Temporal". A
    // client does this conversion for you; with raw gRPC calls you do it yourself.
    let payload = Payload {
        metadata: [("encoding".to_owned(), b"json/plain".to_vec())].into(),
        data: br#""Temporal""#.to_vec().into(),
        ..Default::default()
    };
    let workflow_id = format!("grpc-calls-{}", uuid::Uuid::new_v4());
    // The equivalent of `client.start(example, { args: ['Temporal'], ... })`.
    let started = service
        .start_workflow_execution(StartWorkflowExecutionRequest {
            namespace: namespace.clone(),
            workflow_id: workflow_id.clone(),
            request_id: uuid::Uuid::new_v4().to_string(),
            task_queue: Some(TaskQueue {
                name: TASK_QUEUE.to_owned(),
                ..Default::default()
            }),
            workflow_type: Some(WorkflowType {
                name: "example".to_owned(),
            }),
            input: Some(Payloads {
                payloads: vec![payload],
            }),
            identity: format!("{}@grpc_calls", std::process::id()),
            ..Default::default()
        })
        .await?
        .into_inner();
    println!("Started workflow {workflow_id} (run {})", started.run_id);
    let execution = WorkflowExecution {
        workflow_id: workflow_id.clone(),
        run_id: started.run_id,
    };

    match tokio::time::timeout(
        RESULT_WAIT,
        wait_for_result(&mut service, &namespace, &execution),
    )
    .await
    {
        Ok(result) => println!("Result: {}", result?),
        Err(_) => eprintln!(
            "No result within {RESULT_WAIT:?}: is a worker polling task queue `{TASK_QUEUE}`? \
             Start one with `python examples/workers/hello_world.py --task-queue {TASK_QUEUE}`."
        ),
    }

    let history = service
        .get_workflow_execution_history(GetWorkflowExecutionHistoryRequest {
            namespace: namespace.clone(),
            execution: Some(execution.clone()),
            ..Default::default()
        })
        .await?
        .into_inner()
        .history
        .unwrap_or_default();
    println!("\nHistory of {workflow_id}:");
    for event in &history.events {
        let event_type = EventType::try_from(event.event_type)
            .map(|t| format!("{t:?}"))
            .unwrap_or_else(|_| format!("EventType({})", event.event_type));
        println!(
            "  {:>3}  {}  {event_type}",
            event.event_id,
            display_time(event.event_time.as_ref())
        );
    }

    let executions = service
        .list_workflow_executions(ListWorkflowExecutionsRequest {
            namespace,
            page_size: 10,
            ..Default::default()
        })
        .await?
        .into_inner()
        .executions;
    let header = [
        "workflow id",
        "run id",
        "type",
        "status",
        "start time",
        "close time",
        "task queue",
    ];
    let rows: Vec<[String; 7]> = executions
        .iter()
        .map(|info| {
            let execution = info.execution.clone().unwrap_or_default();
            let status = WorkflowExecutionStatus::try_from(info.status)
                .map(|s| format!("{s:?}"))
                .unwrap_or_else(|_| info.status.to_string());
            [
                execution.workflow_id,
                execution.run_id,
                info.r#type
                    .as_ref()
                    .map(|t| t.name.clone())
                    .unwrap_or_default(),
                status,
                display_time(info.start_time.as_ref()),
                display_time(info.close_time.as_ref()),
                info.task_queue.clone(),
            ]
        })
        .collect();
    println!("\nListWorkflowExecutions ({} shown):", rows.len());
    temporal_examples::print_table(&header, &rows);
    Ok(())
}

/// Waits for the workflow to close, as a client's `result()` does: long-polls the history for
/// its close event, re-polling when a poll expires empty.
async fn wait_for_result(
    service: &mut WorkflowService,
    namespace: &str,
    execution: &WorkflowExecution,
) -> Result<String, Box<dyn Error>> {
    let mut next_page_token = Vec::new();
    loop {
        let mut request = tonic::Request::new(GetWorkflowExecutionHistoryRequest {
            namespace: namespace.to_owned(),
            execution: Some(execution.clone()),
            wait_new_event: true,
            history_event_filter_type: HistoryEventFilterType::CloseEvent.into(),
            next_page_token,
            ..Default::default()
        });
        // The server answers a long poll before this deadline, empty if nothing happened.
        request.set_timeout(Duration::from_secs(70));
        let response = service
            .get_workflow_execution_history(request)
            .await?
            .into_inner();
        let events = response.history.map(|h| h.events).unwrap_or_default();
        if let Some(close) = events.last() {
            return match &close.attributes {
                Some(Attributes::WorkflowExecutionCompletedEventAttributes(completed)) => {
                    let payload = completed
                        .result
                        .as_ref()
                        .and_then(|r| r.payloads.first())
                        .ok_or("the workflow completed without a result")?;
                    // The worker's data converter wrote the string as JSON.
                    let text: String = serde_json::from_slice(&payload.data)?;
                    Ok(text)
                }
                _ => Err(format!("the workflow closed with {:?}", close.event_type()).into()),
            };
        }
        next_page_token = response.next_page_token;
    }
}

fn display_time(time: Option<&Timestamp>) -> String {
    time.map(ToString::to_string)
        .unwrap_or_else(|| "-".to_owned())
}
