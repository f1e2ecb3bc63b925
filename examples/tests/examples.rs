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

/// Runs the compiled example against `server`, returning its stdout; fails with its output if
/// it fails.
fn run_example(name: &str, server: &DevServer) -> String {
    let output = Command::new(example(name))
        .env("TEMPORAL_ADDRESS", server.address().to_string())
        .output()
        .expect("the example runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{name} failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[tokio::test]
async fn hello_world_prints_the_started_workflow_and_its_result() {
    let server = DevServer::start().await.expect("a dev server");
    let _worker = hello_world_worker(&server, "hello-world").await;
    let stdout = run_example("hello_world", &server);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0].starts_with("Started workflow workflow-"),
        "{stdout}"
    );
    assert_eq!(lines[1], "Hello, Temporal!");
}

#[tokio::test]
async fn grpc_calls_starts_awaits_and_lists_hello_world() {
    let server = DevServer::start().await.expect("a dev server");
    let _worker = hello_world_worker(&server, "grpc-calls").await;

    let stdout = run_example("grpc_calls", &server);
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
        row.contains("example") && row.contains("grpc-calls"),
        "{row}"
    );
    // The list is read right after the result, and visibility is eventually consistent: the
    // row may still say Running.
    assert!(
        row.contains("Completed") || row.contains("Running"),
        "{row}"
    );
}
