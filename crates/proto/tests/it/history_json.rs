//! A history fetched over gRPC and the JSON `temporal workflow show --output json` prints for
//! it are the same thing: parsing the CLI's JSON gives the same `History`, and serializing
//! ours gives the same JSON value.

use std::process::Command;

use temporal_proto::api::common::v1::{Memo, Payloads, WorkflowExecution};
use temporal_proto::api::history::v1::History;
use temporal_proto::api::workflowservice::v1::{
    GetWorkflowExecutionHistoryRequest, SignalWorkflowExecutionRequest,
    TerminateWorkflowExecutionRequest,
};
use temporal_testing::DevServerOptions;

use crate::support::{Server, json_payload, start_request, unique};

#[tokio::test]
async fn history_json_matches_the_cli() {
    let server = Server::start(DevServerOptions::default()).await;
    let mut service = server.workflow_service();
    let workflow_id = unique("json");

    let mut start = start_request(
        &workflow_id,
        "json-queue",
        json_payload(r#"{"name":"Temporal","n":[1,2.5,null]}"#),
    );
    start.memo = Some(Memo {
        fields: [("owner".to_owned(), json_payload(r#""team-a""#))].into(),
    });
    service
        .start_workflow_execution(start)
        .await
        .expect("start");
    let execution = WorkflowExecution {
        workflow_id: workflow_id.clone(),
        run_id: String::new(),
    };
    service
        .signal_workflow_execution(SignalWorkflowExecutionRequest {
            namespace: "default".to_owned(),
            workflow_execution: Some(execution.clone()),
            signal_name: "increment".to_owned(),
            input: Some(Payloads {
                payloads: vec![json_payload("5")],
            }),
            request_id: uuid::Uuid::new_v4().to_string(),
            identity: "json-test".to_owned(),
            ..Default::default()
        })
        .await
        .expect("signal");
    service
        .terminate_workflow_execution(TerminateWorkflowExecutionRequest {
            namespace: "default".to_owned(),
            workflow_execution: Some(execution.clone()),
            reason: "done testing".to_owned(),
            details: Some(Payloads {
                payloads: vec![json_payload(r#"{"why":"test"}"#)],
            }),
            identity: "json-test".to_owned(),
            ..Default::default()
        })
        .await
        .expect("terminate");

    let history = service
        .get_workflow_execution_history(GetWorkflowExecutionHistoryRequest {
            namespace: "default".to_owned(),
            execution: Some(execution),
            ..Default::default()
        })
        .await
        .expect("history")
        .into_inner()
        .history
        .expect("a history");
    assert_eq!(
        history.events.len(),
        4,
        "started, task scheduled, signaled, terminated"
    );

    let cli = temporal_testing::temporal_cli().expect("the temporal CLI is installed");
    let output = Command::new(cli)
        .args([
            "workflow",
            "show",
            "--output",
            "json",
            "--workflow-id",
            &workflow_id,
        ])
        .args(["--address", &server.server.address().to_string()])
        .output()
        .expect("the CLI runs");
    assert!(
        output.status.success(),
        "temporal workflow show failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let cli_json: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("the CLI prints JSON");

    let parsed: History = serde_json::from_value(cli_json.clone()).expect("the CLI's JSON parses");
    assert_eq!(
        parsed, history,
        "the CLI's JSON decodes to the gRPC history"
    );

    let ours = serde_json::to_value(&history).expect("a history serializes");
    assert_eq!(ours, cli_json, "our JSON is the CLI's JSON");
}
