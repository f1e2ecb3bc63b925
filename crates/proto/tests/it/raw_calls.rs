//! The generated clients make real calls: start, describe, history, list, system info, health,
//! operator calls, and error details decoded from a `google.rpc.Status`.

use std::time::{Duration, Instant};

use prost::Message as _;
use temporal_proto::api::common::v1::WorkflowExecution;
use temporal_proto::api::enums::v1::{EventType, IndexedValueType, WorkflowExecutionStatus};
use temporal_proto::api::errordetails::v1::WorkflowExecutionAlreadyStartedFailure;
use temporal_proto::api::operatorservice::v1::ListSearchAttributesRequest;
use temporal_proto::api::operatorservice::v1::operator_service_client::OperatorServiceClient;
use temporal_proto::api::workflowservice::v1::{
    DescribeWorkflowExecutionRequest, GetSystemInfoRequest, GetWorkflowExecutionHistoryRequest,
    ListWorkflowExecutionsRequest,
};
use temporal_proto::google::rpc::Status;
use temporal_proto::grpc::health::v1::HealthCheckRequest;
use temporal_proto::grpc::health::v1::health_check_response::ServingStatus;
use temporal_proto::grpc::health::v1::health_client::HealthClient;
use temporal_testing::DevServerOptions;

use crate::support::{Server, json_payload, start_request, unique};

#[tokio::test]
async fn system_info_and_health_check_answer() {
    let server = Server::start(DevServerOptions::default()).await;

    let info = server
        .workflow_service()
        .get_system_info(GetSystemInfoRequest::default())
        .await
        .expect("GetSystemInfo succeeds")
        .into_inner();
    assert!(
        info.server_version.starts_with("1."),
        "server version {:?}",
        info.server_version
    );
    let capabilities = info.capabilities.expect("the server reports capabilities");
    assert!(capabilities.signal_and_query_header);

    let health = HealthClient::new(server.channel.clone())
        .check(HealthCheckRequest {
            service: "temporal.api.workflowservice.v1.WorkflowService".to_owned(),
        })
        .await
        .expect("the health check answers")
        .into_inner();
    assert_eq!(health.status(), ServingStatus::Serving);
}

#[tokio::test]
async fn started_workflow_is_described_listed_and_has_history() {
    let server = Server::start(DevServerOptions::default()).await;
    let mut service = server.workflow_service();
    let workflow_id = unique("raw-start");
    let queue = unique("raw-queue");
    let arg = json_payload(r#""Temporal""#);

    let started = service
        .start_workflow_execution(start_request(&workflow_id, &queue, arg.clone()))
        .await
        .expect("StartWorkflowExecution succeeds")
        .into_inner();
    assert!(started.started, "a new execution was started");
    assert!(!started.run_id.is_empty());
    let execution = WorkflowExecution {
        workflow_id: workflow_id.clone(),
        run_id: started.run_id.clone(),
    };

    let described = service
        .describe_workflow_execution(DescribeWorkflowExecutionRequest {
            namespace: "default".to_owned(),
            execution: Some(execution.clone()),
        })
        .await
        .expect("DescribeWorkflowExecution succeeds")
        .into_inner();
    let info = described.workflow_execution_info.expect("execution info");
    assert_eq!(info.execution.as_ref(), Some(&execution));
    assert_eq!(info.status(), WorkflowExecutionStatus::Running);
    assert_eq!(info.r#type.map(|t| t.name).as_deref(), Some("example"));
    assert_eq!(info.task_queue, queue);
    assert!(info.start_time.is_some());
    assert_eq!(
        described
            .execution_config
            .and_then(|c| c.task_queue)
            .map(|q| q.name),
        Some(queue.clone())
    );

    let history = service
        .get_workflow_execution_history(GetWorkflowExecutionHistoryRequest {
            namespace: "default".to_owned(),
            execution: Some(execution.clone()),
            ..Default::default()
        })
        .await
        .expect("GetWorkflowExecutionHistory succeeds")
        .into_inner()
        .history
        .expect("a history");
    let types: Vec<EventType> = history.events.iter().map(|e| e.event_type()).collect();
    assert_eq!(
        types,
        [
            EventType::WorkflowExecutionStarted,
            EventType::WorkflowTaskScheduled
        ]
    );
    let first = &history.events[0];
    assert_eq!(first.event_id, 1);
    use temporal_proto::api::history::v1::history_event::Attributes;
    let Some(Attributes::WorkflowExecutionStartedEventAttributes(attributes)) = &first.attributes
    else {
        panic!("the first event carries start attributes: {first:?}");
    };
    assert_eq!(
        attributes.input.as_ref().map(|i| i.payloads.as_slice()),
        Some(&[arg][..]),
        "the input payload comes back byte for byte"
    );
    assert_eq!(attributes.identity, "temporal-proto-tests");

    // Visibility is eventually consistent: poll briefly for the new execution.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let listed = service
            .list_workflow_executions(ListWorkflowExecutionsRequest {
                namespace: "default".to_owned(),
                query: format!("WorkflowId = '{workflow_id}'"),
                ..Default::default()
            })
            .await
            .expect("ListWorkflowExecutions succeeds")
            .into_inner();
        if let Some(found) = listed.executions.first() {
            assert_eq!(listed.executions.len(), 1);
            assert_eq!(found.execution.as_ref(), Some(&execution));
            assert_eq!(found.status(), WorkflowExecutionStatus::Running);
            assert_eq!(found.task_queue, queue);
            break;
        }
        assert!(Instant::now() < deadline, "the execution is never listed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn already_started_error_details_decode() {
    let server = Server::start(DevServerOptions::default()).await;
    let mut service = server.workflow_service();
    let workflow_id = unique("raw-dup");
    let first = service
        .start_workflow_execution(start_request(&workflow_id, "q", json_payload("1")))
        .await
        .expect("the first start succeeds")
        .into_inner();

    let status = service
        .start_workflow_execution(start_request(&workflow_id, "q", json_payload("2")))
        .await
        .expect_err("a second start with another request id is refused");
    assert_eq!(status.code(), tonic::Code::AlreadyExists);
    let details = Status::decode(status.details()).expect("details are a google.rpc.Status");
    let any = details.details.first().expect("one detail");
    assert_eq!(
        any.type_url,
        <WorkflowExecutionAlreadyStartedFailure as prost::Name>::type_url()
    );
    let failure = WorkflowExecutionAlreadyStartedFailure::decode(any.value.as_slice())
        .expect("the detail decodes");
    assert_eq!(failure.run_id, first.run_id);
}

#[tokio::test]
async fn operator_service_lists_registered_search_attributes() {
    let server = Server::start(
        DevServerOptions::default()
            .namespace("billing")
            .search_attribute("CustomerId", IndexedValueType::Keyword)
            .search_attribute("OrderTotal", IndexedValueType::Double),
    )
    .await;
    let attributes = OperatorServiceClient::new(server.channel.clone())
        .list_search_attributes(ListSearchAttributesRequest {
            namespace: "billing".to_owned(),
        })
        .await
        .expect("ListSearchAttributes succeeds")
        .into_inner();
    assert_eq!(
        attributes.custom_attributes.get("CustomerId").copied(),
        Some(IndexedValueType::Keyword as i32)
    );
    assert_eq!(
        attributes.custom_attributes.get("OrderTotal").copied(),
        Some(IndexedValueType::Double as i32)
    );
    assert!(attributes.system_attributes.contains_key("WorkflowId"));
    drop(server.server);
}
