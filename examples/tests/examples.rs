//! Every example runs against a real server and worker, and prints what it promises.

use std::path::PathBuf;
use std::process::Command;

use temporal_testing::{DevServer, WorkerProcess, WorkerReadiness};

/// The compiled example, which `cargo test` builds beside the test binaries.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    let path = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test binaries live in target/<profile>/deps")
        .join("examples")
        .join(name);
    assert!(
        path.exists(),
        "{} is not built: run the tests with `cargo test` (which builds the examples) or `cargo build --examples`",
        path.display()
    );
    path
}

/// Starts the Python hello-world worker on `task_queue`.
async fn hello_world_worker(server: &DevServer, task_queue: &str) -> WorkerProcess {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/workers/hello_world.py");
    let mut command = Command::new(temporal_testing::python().expect("python is installed"));
    command.arg(script).args([
        "--address",
        &server.address().to_string(),
        "--task-queue",
        task_queue,
    ]);
    WorkerProcess::start(command, WorkerReadiness::new(server.target(), task_queue))
        .await
        .expect("the hello-world worker polls")
}

#[tokio::test]
async fn grpc_calls_starts_awaits_and_lists_hello_world() {
    let server = DevServer::start().await.expect("a dev server");
    let _worker = hello_world_worker(&server, "grpc-calls").await;

    let output = Command::new(example("grpc_calls"))
        .env("TEMPORAL_ADDRESS", server.address().to_string())
        .output()
        .expect("the example runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "grpc_calls failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    let workflow_id = stdout
        .lines()
        .find_map(|line| line.strip_prefix("Started workflow "))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no `Started workflow` line in:\n{stdout}"));
    assert!(stdout.contains("Result: Hello, Temporal!"), "{stdout}");
    for event in [
        "WorkflowExecutionStarted",
        "WorkflowTaskCompleted",
        "WorkflowExecutionCompleted",
    ] {
        assert!(stdout.contains(event), "history lacks {event}:\n{stdout}");
    }
    let header = [
        "workflow id",
        "run id",
        "type",
        "status",
        "start time",
        "close time",
        "task queue",
    ];
    let header_line = stdout
        .lines()
        .find(|line| line.contains("workflow id"))
        .unwrap_or_else(|| panic!("no table header in:\n{stdout}"));
    for column in header {
        assert!(
            header_line.contains(column),
            "the header lacks {column}: {header_line}"
        );
    }
    let row = stdout
        .lines()
        .find(|line| line.starts_with('│') && line.contains(workflow_id))
        .unwrap_or_else(|| panic!("no table row for {workflow_id}:\n{stdout}"));
    assert!(
        row.contains("example") && row.contains("Completed") && row.contains("grpc-calls"),
        "{row}"
    );
}
