//! Every example runs against a real server and worker, and prints what it promises.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use std::time::Duration;

use temporal_client::{Client, Connection, ConnectionOptions, StartOptions};
use temporal_testing::{DevServer, FaultProxy, TestCertificates, WorkerProcess, WorkerReadiness};

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

/// Starts the Python worker of `examples/workers/{script}` on `task_queue`.
async fn worker(server: &DevServer, script: &str, task_queue: &str) -> WorkerProcess {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("workers")
        .join(script);
    let mut command = Command::new(temporal_testing::python().expect("python is installed"));
    command.arg(&script).args([
        "--address",
        &server.address().to_string(),
        "--task-queue",
        task_queue,
    ]);
    WorkerProcess::start(command, WorkerReadiness::new(server.target(), task_queue))
        .await
        .unwrap_or_else(|e| panic!("the worker of {} polls: {e}", script.display()))
}

/// Starts the Python hello-world worker on `task_queue`.
async fn hello_world_worker(server: &DevServer, task_queue: &str) -> WorkerProcess {
    worker(server, "hello_world.py", task_queue).await
}

/// The compiled example as a command whose environment has no `TEMPORAL_*` variable but
/// those of `env`, so that the test's own environment does not leak in.
fn example_command(name: &str, env: &[(&str, String)]) -> Command {
    let mut command = Command::new(example(name));
    for (variable, _) in std::env::vars() {
        if variable.starts_with("TEMPORAL_") {
            command.env_remove(variable);
        }
    }
    command.envs(env.iter().map(|(k, v)| (*k, v.as_str())));
    command
}

/// Runs the compiled example with `env`, off the test's runtime (whose tasks, such as a
/// `FaultProxy`, must keep running meanwhile).
async fn run_example_with(name: &str, env: &[(&str, String)]) -> Output {
    let mut command = example_command(name, env);
    tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("the example's thread")
        .expect("the example runs")
}

/// Runs the compiled example against `server`, returning its stdout; fails with its output if
/// it fails.
fn run_example(name: &str, server: &DevServer) -> String {
    let output = example_command(name, &[("TEMPORAL_ADDRESS", server.address().to_string())])
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

/// The first line of `stdout` that starts with `prefix`, without it.
fn line_after<'a>(stdout: &'a str, prefix: &str) -> &'a str {
    stdout
        .lines()
        .find_map(|line| line.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in:\n{stdout}"))
}

/// The table rows (`│ … │` lines, the header excepted) of `stdout`, as trimmed cells.
fn table_rows(stdout: &str) -> Vec<Vec<&str>> {
    stdout
        .lines()
        .filter(|line| line.starts_with('│'))
        .skip(1)
        .map(|line| line.trim_matches('│').split('│').map(str::trim).collect())
        .collect()
}

#[tokio::test]
async fn signals_queries_drives_the_counter_through_its_typed_contract() {
    let server = DevServer::start().await.expect("a dev server");
    let _worker = worker(&server, "counter.py", "counter").await;
    let stdout = run_example("signals_queries", &server);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("Started counter counter-") && lines[0].ends_with(" at 10"),
        "{stdout}"
    );
    assert_eq!(
        lines[1..],
        [
            "Signaled increment(5)",
            "Query value: 15",
            "Update setValue(100): previous value 15",
            "Query value: 100",
            "Update setValue(-1) rejected: the value cannot be negative: -1",
            "Signaled finish",
            "Result: 100",
        ],
        "{stdout}"
    );
}

#[tokio::test]
async fn handle_apis_gets_describes_awaits_cancels_and_terminates() {
    let server = DevServer::start().await.expect("a dev server");
    let _worker = worker(&server, "handle_apis.py", "handle-apis").await;
    let stdout = run_example("handle_apis", &server);

    // The handle got by id alone waits for the result; describe reads the closed run.
    let result = line_after(&stdout, "Result of handle-apis-example-");
    assert!(result.ends_with(": Hello, Temporal!"), "{stdout}");
    let describe = |kind: &str| -> Vec<&str> {
        stdout
            .lines()
            .filter(|line| line.starts_with(&format!("Describe handle-apis-{kind}-")))
            .collect()
    };
    let example = describe("example");
    assert_eq!(example.len(), 1, "{stdout}");
    assert!(
        example[0].contains(": status Completed, type example, task queue handle-apis, started 20"),
        "{stdout}"
    );
    let history_length: u32 = example[0]
        .rsplit_once("history length ")
        .and_then(|(_, n)| n.parse().ok())
        .unwrap_or_else(|| panic!("no history length in {}", example[0]));
    assert!(history_length >= 5, "{stdout}"); // started, 3 workflow task events, completed

    // The failed workflow: WorkflowFailed, its failure chain and root cause.
    assert!(
        stdout.contains("WorkflowFailed: workflow `handle-apis-charge-"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  failure: activity charge (id 1) failed"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  root cause: application failure CardDeclined: card declined for 42"),
        "{stdout}"
    );
    assert!(
        describe("charge")[0].contains(": status Failed, type chargeCustomer,"),
        "{stdout}"
    );

    // Cancelled: Running before, Canceled after, and the result says so.
    let cancel = describe("cancel");
    assert_eq!(cancel.len(), 2, "{stdout}");
    assert!(
        cancel[0].contains(": status Running, type waitForCancel,"),
        "{stdout}"
    );
    assert!(
        cancel[1].contains(": status Canceled, type waitForCancel,"),
        "{stdout}"
    );
    assert!(
        stdout.contains("WorkflowFailed: workflow `handle-apis-cancel-"),
        "{stdout}"
    );
    assert!(stdout.contains("  failure: cancelled"), "{stdout}");

    // Terminated, with the reason given.
    assert!(
        describe("terminate")[0].contains(": status Terminated, type waitForCancel,"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  failure: terminated: no longer needed"),
        "{stdout}"
    );
}

#[tokio::test]
async fn cron_runs_twice_then_stops_when_terminated() {
    let server = DevServer::start().await.expect("a dev server");
    let _worker = hello_world_worker(&server, "cron").await;
    let stdout = run_example("cron", &server);

    let started = line_after(&stdout, "Started cron workflow ");
    let workflow_id = started
        .strip_suffix(" (schedule @every 2s)")
        .unwrap_or_else(|| panic!("no schedule in {started}"));
    let completed: usize = line_after(&stdout, &format!("Runs of {workflow_id} ("))
        .strip_suffix(" completed):")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count of completed runs in:\n{stdout}"));
    assert!(completed >= 2, "{stdout}");
    let rows = table_rows(&stdout);
    let completed_runs: Vec<&str> = rows
        .iter()
        .filter(|row| row[1] == "Completed")
        .map(|row| row[0])
        .collect();
    assert_eq!(completed_runs.len(), completed, "{stdout}");
    // Each completed run is a distinct run, closed.
    let mut distinct = completed_runs.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), completed_runs.len(), "{stdout}");
    assert!(
        rows.iter()
            .filter(|row| row[1] == "Completed")
            .all(|row| row[3].starts_with("20")),
        "{stdout}"
    );

    // The latest run waits for its tick, in the chain of the first run; terminating stops it.
    let latest = line_after(&stdout, "Latest run ");
    let (latest_run, rest) = latest.split_once(": ").expect("run: details");
    assert!(rest.starts_with("Running, runs at 20"), "{stdout}");
    let first_run = rest.rsplit_once("first run ").expect("a first run").1;
    assert!(completed_runs.contains(&first_run), "{stdout}");
    assert!(!completed_runs.contains(&latest_run), "{stdout}");
    assert_eq!(
        line_after(&stdout, &format!("Terminated {workflow_id}: latest run ")),
        format!("{latest_run} is Terminated"),
        "{stdout}"
    );
}

#[tokio::test]
async fn list_count_lists_and_counts_by_status() {
    let server = DevServer::start().await.expect("a dev server");
    let _worker = hello_world_worker(&server, "list-count").await;
    let stdout = run_example("list_count", &server);

    let started: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("Started "))
        .filter_map(|rest| rest.split_whitespace().next())
        .collect();
    assert_eq!(started.len(), 5, "{stdout}");
    let rows = table_rows(&stdout);
    assert_eq!(rows.len(), 5, "{stdout}");
    for (row, workflow_id) in rows.iter().zip(&started) {
        assert_eq!(row[0], *workflow_id, "{stdout}");
        assert_eq!(row[1], "example", "{stdout}");
    }
    for row in &rows[..3] {
        assert_eq!((row[2], row[3]), ("Completed", "list-count"), "{stdout}");
        assert!(row[5].starts_with("20"), "a close time: {stdout}");
    }
    for row in &rows[3..] {
        assert_eq!(
            (row[2], row[3], row[5]),
            ("Running", "list-count-unpolled", "-"),
            "{stdout}"
        );
    }
    assert!(stdout.contains("\nclient.count: 5 workflows\n"), "{stdout}");
    assert!(stdout.contains("\n  Completed: 3\n"), "{stdout}");
    assert!(stdout.contains("\n  Running: 2\n"), "{stdout}");
    assert!(
        stdout.contains("Terminated the 2 running workflows"),
        "{stdout}"
    );
}

/// The PEMs of `certificates` in a fresh directory, removed when dropped.
struct PemDir(PathBuf);

impl PemDir {
    fn write(certificates: &TestCertificates, other: &TestCertificates) -> Self {
        let dir = std::env::temp_dir().join(format!("temporal-examples-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir(&dir).expect("a temporary directory");
        for (name, pem) in [
            ("ca.pem", &certificates.ca_pem),
            ("client.pem", &certificates.client_cert_pem),
            ("client.key", &certificates.client_key_pem),
            // A client certificate that another CA signed.
            ("stranger.pem", &other.client_cert_pem),
            ("stranger.key", &other.client_key_pem),
        ] {
            std::fs::write(dir.join(name), pem).expect("a PEM file");
        }
        Self(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for PemDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn mtls_api_key_connects_with_the_cli_environment_and_refuses_a_bad_certificate() {
    let server = DevServer::start().await.expect("a dev server");
    let certificates = TestCertificates::generate().expect("certificates");
    let proxy = FaultProxy::builder(server.address())
        .tls(&certificates)
        .require_client_certificate()
        .start()
        .await
        .expect("an mTLS proxy");
    let pems = PemDir::write(
        &certificates,
        &TestCertificates::generate().expect("other certificates"),
    );

    // A workflow for the example to list (no worker: it stays Running), visible first.
    let client = Client::new(
        Connection::connect(ConnectionOptions::new(server.address().to_string()))
            .await
            .expect("a plaintext connection to the server itself"),
    );
    let workflow_id = format!("mtls-{}", uuid::Uuid::new_v4());
    client
        .start(
            "example",
            ("mTLS",),
            StartOptions::new(&workflow_id, "mtls-unpolled"),
        )
        .await
        .expect("started");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while client
        .count(format!("WorkflowId = '{workflow_id}'"))
        .await
        .expect("count")
        .count
        == 0
    {
        assert!(std::time::Instant::now() < deadline, "never visible");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The certificate names localhost; the example dials 127.0.0.1 and overrides the name.
    let address = format!("127.0.0.1:{}", proxy.address().port());
    let env = |cert: &str, key: &str| {
        let mut env = vec![
            ("TEMPORAL_ADDRESS", address.clone()),
            ("TEMPORAL_NAMESPACE", "default".to_owned()),
            ("TEMPORAL_TLS_SERVER_CA_CERT_PATH", pems.path("ca.pem")),
            ("TEMPORAL_TLS_SERVER_NAME", "localhost".to_owned()),
        ];
        if !cert.is_empty() {
            env.push(("TEMPORAL_TLS_CLIENT_CERT_PATH", pems.path(cert)));
            env.push(("TEMPORAL_TLS_CLIENT_KEY_PATH", pems.path(key)));
        }
        env
    };

    let output = run_example_with("mtls_api_key", &env("client.pem", "client.key")).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "mtls_api_key failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    let connected = line_after(&stdout, "Connected to ");
    let version = connected
        .strip_prefix(&format!(
            "{address} (mTLS, trusting a private CA), namespace default, server version "
        ))
        .unwrap_or_else(|| panic!("unexpected connection line: {connected}"));
    assert!(
        version.split('.').count() == 3 && version.split('.').all(|n| n.parse::<u32>().is_ok()),
        "a server version: {version}"
    );
    assert_eq!(
        line_after(&stdout, "Workflows in default ("),
        "1 shown):",
        "{stdout}"
    );
    let rows = table_rows(&stdout);
    assert_eq!(rows.len(), 1, "{stdout}");
    assert_eq!(
        rows[0][..3],
        [&*workflow_id, "example", "Running"],
        "{stdout}"
    );

    // Without a client certificate, or with one the server's CA did not sign, the server
    // refuses: a clear message, and a failure exit.
    for (cert, key, case, cause) in [
        (
            "",
            "",
            "no client certificate",
            "no client certificate was given: does the server require mTLS?",
        ),
        (
            "stranger.pem",
            "stranger.key",
            "a certificate of another CA",
            // The server's alert may or may not arrive before it closes the connection; the
            // sample's hint is there either way.
            "a client certificate was given: did a CA the server trusts sign it?",
        ),
    ] {
        let output = run_example_with("mtls_api_key", &env(cert, key)).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{case}: connected?!\n{stderr}");
        assert_eq!(output.status.code(), Some(1), "{case}: {stderr}");
        assert!(output.stdout.is_empty(), "{case}: printed output");
        assert!(
            stderr.starts_with(&format!(
                "Error: cannot connect to the Temporal server at {address} ("
            )) && stderr.contains("TEMPORAL_TLS_CLIENT_CERT_PATH")
                && stderr.contains(cause),
            "{case}: {stderr}"
        );
    }

    // A certificate file that does not exist is named, and nothing is dialled.
    let mut missing = env("client.pem", "client.key");
    for (variable, value) in &mut missing {
        if *variable == "TEMPORAL_TLS_CLIENT_CERT_PATH" {
            *value = pems.path("missing.pem");
        }
    }
    let output = run_example_with("mtls_api_key", &missing).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("environment variable `TEMPORAL_TLS_CLIENT_CERT_PATH`: cannot read")
            && stderr.contains("missing.pem"),
        "{stderr}"
    );
}

#[tokio::test]
async fn schedules_triggers_backfills_updates_lists_and_deletes_a_schedule() {
    let server = DevServer::start().await.expect("a dev server");
    let _worker = hello_world_worker(&server, "schedules").await;
    let stdout = run_example("schedules", &server);

    let schedule_id = line_after(&stdout, "Created schedule ");
    assert_eq!(
        line_after(&stdout, "Spec: "),
        "every 3600s; overlap AllowAll; paused: true (created paused by the sample)",
        "{stdout}"
    );
    let triggered = line_after(&stdout, "Triggered run ");
    assert!(
        triggered.starts_with(&format!("{schedule_id}-run-20"))
            && triggered.ends_with(": Hello, schedule!"),
        "{stdout}"
    );
    // The trigger and the three hourly times of the last three hours.
    assert_eq!(
        line_after(&stdout, "Backfilled the last 3 hours: "),
        "4 actions taken in all",
        "{stdout}"
    );
    assert_eq!(
        line_after(&stdout, "Updated: "),
        "1 calendar (weekdays at 09:00), overlap BufferOne",
        "{stdout}"
    );
    assert!(
        line_after(&stdout, "Unpaused (running for the demo); next action at ").starts_with("20"),
        "{stdout}"
    );
    assert_eq!(
        line_after(&stdout, "Paused ("),
        "paused again by the sample)",
        "{stdout}"
    );
    let rows = table_rows(&stdout);
    assert!(
        rows.iter()
            .any(|row| row[..] == [schedule_id, "example", "true", "samples"]),
        "{stdout}"
    );
    // Every run listed is one the schedule started, and completed or still running.
    let runs: Vec<_> = rows
        .iter()
        .filter(|row| row[0].starts_with(&format!("{schedule_id}-run-")))
        .collect();
    assert!(!runs.is_empty(), "{stdout}");
    assert!(
        runs.iter()
            .all(|row| row[1] == "Completed" || row[1] == "Running"),
        "{stdout}"
    );
    assert_eq!(
        line_after(&stdout, "Deleted schedule "),
        schedule_id,
        "{stdout}"
    );
}

#[tokio::test]
async fn async_activity_completion_completes_and_fails_activities_from_outside() {
    let server = DevServer::start().await.expect("a dev server");
    let _worker = worker(&server, "async_activity.py", "approvals").await;
    let stdout = run_example("async_activity_completion", &server);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    let (approved, rest) = lines[0]
        .strip_prefix("Activity `approval` of ")
        .and_then(|rest| rest.split_once(' '))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        rest.starts_with("is waiting; its task token is "),
        "{stdout}"
    );
    assert_eq!(
        lines[1],
        "Heartbeat recorded; cancellation requested: false"
    );
    assert_eq!(
        lines[2],
        format!("Result: {approved}: approved by manager-7")
    );
    let rejected = lines[3]
        .strip_suffix(" failed: over budget (Rejected, budget 5000)")
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        rejected.starts_with("order-") && rejected != approved,
        "{stdout}"
    );
}
