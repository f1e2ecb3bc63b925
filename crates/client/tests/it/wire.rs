//! What this client sends is what the Python SDK's client sends: a workflow started from Rust
//! and one started from Python carry the same payloads in their histories.

use std::process::Command;

use futures_util::StreamExt as _;
use serde_json::{Value, json};
use temporal_client::WorkflowHandle;
use temporal_client::proto::api::common::v1::Payload;
use temporal_client::proto::api::history::v1::history_event::Attributes;

use crate::support::{TestEnv, unique};

/// The payloads of one workflow's history that its starter wrote (input, memo) and its
/// worker wrote (result).
#[derive(Debug)]
struct Recorded {
    input: Vec<Payload>,
    memo: Vec<(String, Payload)>,
    result: Vec<Payload>,
}

async fn recorded(handle: &WorkflowHandle) -> Recorded {
    let mut input = None;
    let mut memo = None;
    let mut result = None;
    let mut events = std::pin::pin!(handle.fetch_history());
    while let Some(event) = events.next().await {
        match event.expect("a history page").into_raw_proto().attributes {
            Some(Attributes::WorkflowExecutionStartedEventAttributes(started)) => {
                input = Some(started.input.unwrap_or_default().payloads);
                let mut fields: Vec<_> = started
                    .memo
                    .unwrap_or_default()
                    .fields
                    .into_iter()
                    .collect();
                fields.sort_by(|a, b| a.0.cmp(&b.0));
                memo = Some(fields);
            }
            Some(Attributes::WorkflowExecutionCompletedEventAttributes(completed)) => {
                result = Some(completed.result.unwrap_or_default().payloads);
            }
            _ => {}
        }
    }
    Recorded {
        input: input.expect("a started event"),
        memo: memo.expect("a started event"),
        result: result.expect("a completed event"),
    }
}

/// ASCII values only: for non-ASCII text the bytes differ, as Python escapes it (`\u00e9`)
/// where this client writes UTF-8 (see `payloads.rs`); both are the same JSON.
#[tokio::test]
async fn a_rust_started_and_a_python_started_workflow_are_indistinguishable_on_the_wire() {
    let env = TestEnv::start().await;
    let values = [
        json!("Temporal"),
        json!(42),
        json!(1.5),
        json!(true),
        json!([1, null, "x"]),
        json!({"a": 1, "b": [true]}),
        json!(null),
    ];
    let python_ids: Vec<String> = values.iter().map(|_| unique("from-python")).collect();

    // One Python process starts every value's workflow and waits for them all, while this
    // client starts its own.
    let mut command = Command::new(temporal_testing::python().expect("python is installed"));
    command
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/it/workers/start_workflow.py"
        ))
        .args([
            "--address",
            env.client.connection().address(),
            "--task-queue",
            &env.task_queue,
        ]);
    for (id, value) in python_ids.iter().zip(&values) {
        command.args(["--start", id, &value.to_string()]);
    }
    let python = tokio::task::spawn_blocking(move || command.output());

    let mut rust_handles = Vec::new();
    for value in &values {
        let options = env.options("from-rust").memo("owner", "team-a");
        let handle = env
            .client
            .start("echo", (value,), options)
            .await
            .expect("started");
        let echoed: Value = handle.result().await.expect("completes");
        assert_eq!(&echoed, value);
        rust_handles.push(handle);
    }

    let output = python
        .await
        .expect("the script's thread")
        .expect("the script runs");
    assert!(
        output.status.success(),
        "start_workflow.py failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let python_results: Vec<Value> = String::from_utf8(output.stdout)
        .expect("UTF-8 output")
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    assert_eq!(python_results.len(), values.len());

    for (((value, rust), python_id), python_result) in values
        .iter()
        .zip(&rust_handles)
        .zip(&python_ids)
        .zip(&python_results)
    {
        assert_eq!(python_result["id"], json!(python_id));
        assert_eq!(
            &python_result["result"], value,
            "Python's client reads {value}"
        );
        let from_rust = recorded(rust).await;
        let from_python =
            recorded(&env.client.get_handle::<temporal_client::Untyped>(python_id)).await;
        assert_eq!(from_rust.input.len(), 1, "one payload for {value}");
        assert_eq!(
            from_rust.input, from_python.input,
            "the same input payload (metadata and bytes) for {value}"
        );
        assert_eq!(
            from_rust.memo, from_python.memo,
            "the same memo payloads for {value}"
        );
        assert_eq!(
            from_rust
                .memo
                .iter()
                .map(|(key, _)| key.as_str())
                .collect::<Vec<_>>(),
            ["owner"]
        );
        assert_eq!(
            from_rust.result, from_python.result,
            "the same result payload for {value}"
        );
    }
}
