//! Payloads cross languages unchanged: what the Python worker writes reads back equal, and
//! what this client writes is byte for byte what the Python SDK writes for the same value.

use futures_util::StreamExt as _;
use serde_json::json;
use temporal_client::proto::api::history::v1::history_event::Attributes;

use crate::support::TestEnv;

#[tokio::test]
async fn values_round_trip_through_a_python_workflow_byte_for_byte() {
    let env = TestEnv::start().await;
    let values = [
        json!("Temporal"),
        json!(42),
        json!(-7.25),
        json!(1.5),
        json!(true),
        json!([1, "two", null, 3.5]),
        json!({"b": 1, "a": {"nested": ["x", "y"]}}),
        json!(null),
    ];
    for value in values {
        let handle = env
            .client
            .start("echo", (&value,), env.options("echo"))
            .await
            .expect("started");
        let echoed: serde_json::Value = handle.result().await.expect("completes");
        assert_eq!(echoed, value, "Python returns the value unchanged");

        let events: Vec<_> = handle
            .fetch_history()
            .map(|event| event.expect("history page"))
            .collect()
            .await;
        let input = events
            .iter()
            .find_map(|event| match &event.raw_proto().attributes {
                Some(Attributes::WorkflowExecutionStartedEventAttributes(started)) => started
                    .input
                    .as_ref()
                    .and_then(|i| i.payloads.first().cloned()),
                _ => None,
            });
        let result = events
            .iter()
            .find_map(|event| match &event.raw_proto().attributes {
                Some(Attributes::WorkflowExecutionCompletedEventAttributes(completed)) => completed
                    .result
                    .as_ref()
                    .and_then(|r| r.payloads.first().cloned()),
                _ => None,
            });
        let (input, result) = (
            input.expect("an input payload"),
            result.expect("a result payload"),
        );
        assert_eq!(input.metadata, result.metadata, "same metadata for {value}");
        assert_eq!(input.data, result.data, "same bytes for {value}");
    }
}

/// The SDKs disagree on non-ASCII text: Python escapes it (`\u00e9`), TypeScript and this
/// client write UTF-8. Both are the same JSON, and each reads the other's.
#[tokio::test]
async fn non_ascii_text_round_trips_though_python_escapes_it() {
    let env = TestEnv::start().await;
    let value = json!({"text": "héllo ✓"});
    let handle = env
        .client
        .start("echo", (&value,), env.options("unicode"))
        .await
        .expect("started");
    let echoed: serde_json::Value = handle.result().await.expect("completes");
    assert_eq!(echoed, value);
}

#[tokio::test]
async fn several_arguments_are_one_payload_each() {
    let env = TestEnv::start().await;
    let text: String = env
        .client
        .execute("describeArgs", ("x", 7, true), env.options("args"))
        .await
        .expect("completes");
    assert_eq!(text, "x|7|True");
}

#[tokio::test]
async fn a_result_of_the_wrong_type_is_a_conversion_error() {
    let env = TestEnv::start().await;
    let err = env
        .client
        .execute::<u32, _, _>("example", ("Temporal",), env.options("wrong-type"))
        .await
        .expect_err("a string is not a u32");
    assert!(
        matches!(err, temporal_client::Error::Conversion(_)),
        "{err:?}"
    );
}
