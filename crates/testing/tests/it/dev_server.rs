//! `DevServer` against the real `temporal` CLI.

use std::path::Path;
use std::time::Duration;

use temporal_proto::api::common::v1::{WorkflowExecution, WorkflowType};
use temporal_proto::api::taskqueue::v1::TaskQueue;
use temporal_proto::api::workflowservice::v1::workflow_service_client::WorkflowServiceClient;
use temporal_proto::api::workflowservice::v1::{
    DescribeWorkflowExecutionRequest, StartWorkflowExecutionRequest,
};
use temporal_testing::{DevServer, DevServerError, DevServerOptions, IndexedValueType};
use tonic::transport::Channel;

async fn workflow_service(server: &DevServer) -> WorkflowServiceClient<Channel> {
    let channel = tonic::transport::Endpoint::from_shared(server.target())
        .expect("a valid target")
        .connect()
        .await
        .expect("the server accepts connections");
    WorkflowServiceClient::new(channel)
}

fn process_is_running(pid: u32) -> bool {
    // A killed and reaped child has no /proc entry; a zombie would still show "Z".
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| !stat.contains(") Z "))
        .unwrap_or(false)
}

#[tokio::test]
async fn stop_kills_the_server_process() {
    let server = DevServer::start().await.expect("a dev server starts");
    let pid = server.pid();
    assert!(process_is_running(pid));
    assert!(server.target().starts_with("http://127.0.0.1:"));
    server.stop();
    assert!(
        !process_is_running(pid),
        "the server process is gone after stop"
    );
}

#[tokio::test]
async fn parallel_servers_use_distinct_ports() {
    let (a, b) = tokio::join!(DevServer::start(), DevServer::start());
    let (a, b) = (a.expect("first server"), b.expect("second server"));
    assert_ne!(a.address(), b.address());
}

#[tokio::test]
async fn invalid_options_are_refused_before_anything_runs() {
    let cases = [
        (DevServerOptions::default().namespace(""), "namespace"),
        (
            DevServerOptions::default().namespace("has space"),
            "namespace",
        ),
        (
            DevServerOptions::default().search_attribute("1st", IndexedValueType::Keyword),
            "search_attribute",
        ),
        (
            DevServerOptions::default().search_attribute("Fine", IndexedValueType::Unspecified),
            "search_attribute",
        ),
        (DevServerOptions::default().log_level("loud"), "log_level"),
    ];
    for (options, expected_option) in cases {
        // A missing executable proves that validation comes first: it would fail to spawn.
        let options = options.executable("/nonexistent/temporal");
        match DevServer::start_with(options).await {
            Err(DevServerError::InvalidOption { option, .. }) => {
                assert_eq!(option, expected_option)
            }
            other => panic!("expected InvalidOption({expected_option}), got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_missing_executable_is_reported() {
    let err =
        DevServer::start_with(DevServerOptions::default().executable("/nonexistent/temporal"))
            .await
            .expect_err("nothing to run");
    assert!(matches!(err, DevServerError::Spawn { .. }), "{err:?}");
    assert!(err.to_string().contains("/nonexistent/temporal"), "{err}");
}

#[tokio::test]
async fn an_early_exit_quotes_the_server_output() {
    let err = DevServer::start_with(DevServerOptions::default().arg("--no-such-flag"))
        .await
        .expect_err("the CLI rejects the flag");
    let DevServerError::Exited { output, .. } = &err else {
        panic!("expected Exited, got {err:?}");
    };
    assert!(
        output.contains("no-such-flag"),
        "the output names the flag: {output}"
    );
}

#[tokio::test]
async fn a_db_file_keeps_workflows_across_restarts() {
    let dir = std::env::temp_dir().join(format!("temporal-testing-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let db = dir.join("state.db");
    let workflow_id = format!("persisted-{}", uuid::Uuid::new_v4());

    let first = DevServer::start_with(DevServerOptions::default().db_file(&db))
        .await
        .expect("first server");
    let started = workflow_service(&first)
        .await
        .start_workflow_execution(StartWorkflowExecutionRequest {
            namespace: "default".to_owned(),
            workflow_id: workflow_id.clone(),
            request_id: uuid::Uuid::new_v4().to_string(),
            workflow_type: Some(WorkflowType {
                name: "example".to_owned(),
            }),
            task_queue: Some(TaskQueue {
                name: "persisted".to_owned(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .expect("start")
        .into_inner();
    first.stop();
    assert!(Path::new(&db).exists());

    let second = DevServer::start_with(
        DevServerOptions::default()
            .db_file(&db)
            .startup_timeout(Duration::from_secs(60)),
    )
    .await
    .expect("second server on the same file");
    let described = workflow_service(&second)
        .await
        .describe_workflow_execution(DescribeWorkflowExecutionRequest {
            namespace: "default".to_owned(),
            execution: Some(WorkflowExecution {
                workflow_id: workflow_id.clone(),
                run_id: String::new(),
            }),
        })
        .await
        .expect("the workflow survived the restart")
        .into_inner();
    let execution = described
        .workflow_execution_info
        .and_then(|info| info.execution)
        .expect("execution info");
    assert_eq!(execution.run_id, started.run_id);
    second.stop();
    let _ = std::fs::remove_dir_all(&dir);
}
