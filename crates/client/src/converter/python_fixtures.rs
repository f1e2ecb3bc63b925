//! Byte-compatibility with the Python SDK's default converter.
//!
//! Every fixture below is what `temporalio` 1.35 printed for
//! `DataConverter.default.payload_converter.to_payloads([value])` (protobuf messages also
//! through `BinaryProtoPayloadConverter`): the `encoding` and `messageType` metadata and the
//! exact data bytes. Each test checks that Rust reads Python's bytes back to the equivalent
//! value, and that Rust writes the same bytes, or documents how they differ.

use std::collections::{BTreeMap, HashMap};

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{DataConverter, Payload, ProtoBinary, ProtoJson, RawBytes};
use crate::proto::api::common::v1::{RetryPolicy, WorkflowExecution, WorkflowType};

/// A payload as Python printed it.
fn python(metadata: &[(&str, &[u8])], data: &[u8]) -> Payload {
    Payload::from_raw_proto(crate::proto::api::common::v1::Payload {
        metadata: metadata
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.to_vec()))
            .collect::<HashMap<_, _>>(),
        data: Bytes::copy_from_slice(data),
        external_payloads: Vec::new(),
    })
}

fn json_plain(data: &[u8]) -> Payload {
    python(&[("encoding", b"json/plain")], data)
}

/// Asserts that `value` encodes to exactly `expected` and that `expected` decodes to `value`.
#[track_caller]
fn identical<T>(value: T, expected: Payload)
where
    T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
{
    let converter = DataConverter::new();
    assert_eq!(
        converter.to_payload(&value).unwrap(),
        expected,
        "encoding {value:?}"
    );
    assert_eq!(
        converter.from_payload::<T>(&expected).unwrap(),
        value,
        "decoding {expected:?}"
    );
}

/// Asserts that `expected` decodes to `value` and that `value` re-encodes to `ours` instead.
#[track_caller]
fn readable<T>(value: T, python_payload: Payload, ours: &[u8])
where
    T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
{
    let converter = DataConverter::new();
    assert_eq!(
        converter.from_payload::<T>(&python_payload).unwrap(),
        value,
        "decoding Python's bytes"
    );
    let payload = converter.to_payload(&value).unwrap();
    assert_eq!(
        payload.raw_proto().metadata,
        python_payload.raw_proto().metadata
    );
    assert_ne!(
        payload.data(),
        python_payload.data(),
        "now identical: update the module docs"
    );
    assert_eq!(payload.data(), ours);
}

#[test]
fn none_is_binary_null() {
    let none = python(&[("encoding", b"binary/null")], b"");
    identical((), none.clone());
    identical(None::<String>, none.clone());
    identical(Value::Null, none);
}

#[test]
fn scalars_are_identical() {
    identical("Temporal".to_owned(), json_plain(b"\"Temporal\""));
    identical(42, json_plain(b"42"));
    identical(
        12_345_678_901_234_567_890_u64,
        json_plain(b"12345678901234567890"),
    );
    identical(true, json_plain(b"true"));
    identical(1.5, json_plain(b"1.5"));
    identical(0.1, json_plain(b"0.1"));
    // Integral floats keep their `.0`, as in Python (TypeScript writes `1`).
    identical(1.0, json_plain(b"1.0"));
    identical(9_007_199_254_740_992.0, json_plain(b"9007199254740992.0"));
}

#[test]
fn escapes_of_ascii_text_are_identical() {
    identical(
        "a\"b\\c\n\u{1}/".to_owned(),
        json_plain(br#""a\"b\\c\n\u0001/""#),
    );
    identical("</script>".to_owned(), json_plain(b"\"</script>\""));
}

#[test]
fn lists_are_identical() {
    identical(json!([1, "a", null]), json_plain(br#"[1,"a",null]"#));
    identical(
        (1, "a".to_owned(), None::<u8>),
        json_plain(br#"[1,"a",null]"#),
    );
}

#[test]
fn sorted_maps_are_identical() {
    // Python sorts keys; so do `BTreeMap` and `serde_json::Value`.
    identical(
        BTreeMap::from([("b".to_owned(), 1), ("a".to_owned(), 2)]),
        json_plain(br#"{"a":2,"b":1}"#),
    );
    identical(json!({"b": 1, "a": 2}), json_plain(br#"{"a":2,"b":1}"#));
    identical(
        json!({"outer": {"z": [1, 2], "a": {"k": null}}}),
        json_plain(br#"{"outer":{"a":{"k":null},"z":[1,2]}}"#),
    );
}

#[test]
fn struct_fields_keep_declaration_order() {
    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Ba {
        b: u8,
        a: u8,
    }
    // Python: {"b": 1, "a": 2} sorted.
    readable(
        Ba { b: 1, a: 2 },
        json_plain(br#"{"a":2,"b":1}"#),
        br#"{"b":1,"a":2}"#,
    );
}

#[test]
fn non_ascii_text_is_utf8_not_escaped() {
    readable(
        "héllo ✓".to_owned(),
        json_plain(br#""h\u00e9llo \u2713""#),
        "\"héllo ✓\"".as_bytes(),
    );
}

#[test]
fn large_exponents_are_identical() {
    identical(1e20, json_plain(b"1e+20"));
    identical(1e16, json_plain(b"1e+16"));
    identical(1e15, json_plain(b"1000000000000000.0"));
    identical(1.5e300, json_plain(b"1.5e+300"));
}

#[test]
fn small_numbers_differ_in_notation() {
    readable(3e-7, json_plain(b"3e-07"), b"3e-7");
    readable(1e-5, json_plain(b"1e-05"), b"0.00001");
    identical(0.0001, json_plain(b"0.0001"));
    identical(5e-324, json_plain(b"5e-324"));
}

#[test]
fn bytes_are_binary_plain() {
    let python_payload = python(&[("encoding", b"binary/plain")], b"\x00\xff");
    let converter = DataConverter::new();
    assert_eq!(
        converter
            .to_payload(&RawBytes::from(vec![0x00, 0xff]))
            .unwrap(),
        python_payload
    );
    assert_eq!(
        &converter.from_payload::<RawBytes>(&python_payload).unwrap()[..],
        [0x00, 0xff]
    );
}

#[test]
fn protobuf_messages_are_identical() {
    let converter = DataConverter::new();
    let message_type: &[u8] = b"temporal.api.common.v1.WorkflowType";
    let json = python(
        &[
            ("encoding", b"json/protobuf"),
            ("messageType", message_type),
        ],
        br#"{"name":"x"}"#,
    );
    let binary = python(
        &[
            ("encoding", b"binary/protobuf"),
            ("messageType", message_type),
        ],
        b"\n\x01x",
    );
    let workflow_type = WorkflowType { name: "x".into() };

    assert_eq!(
        converter
            .to_payload(&ProtoJson(workflow_type.clone()))
            .unwrap(),
        json
    );
    assert_eq!(
        converter
            .from_payload::<ProtoJson<WorkflowType>>(&json)
            .unwrap()
            .0,
        workflow_type
    );
    assert_eq!(
        converter
            .to_payload(&ProtoBinary(workflow_type.clone()))
            .unwrap(),
        binary
    );
    assert_eq!(
        converter
            .from_payload::<ProtoBinary<WorkflowType>>(&binary)
            .unwrap()
            .0,
        workflow_type
    );
    // A serde type reads json/protobuf as plain JSON.
    assert_eq!(
        converter.from_payload::<WorkflowType>(&json).unwrap(),
        workflow_type
    );
}

#[test]
fn protobuf_binary_of_several_fields_is_identical() {
    let converter = DataConverter::new();
    let execution = WorkflowExecution {
        workflow_id: "wf-1".into(),
        run_id: "run-1".into(),
    };
    let binary = python(
        &[
            ("encoding", b"binary/protobuf"),
            ("messageType", b"temporal.api.common.v1.WorkflowExecution"),
        ],
        b"\n\x04wf-1\x12\x05run-1",
    );
    assert_eq!(
        converter
            .to_payload(&ProtoBinary(execution.clone()))
            .unwrap(),
        binary
    );

    let policy = RetryPolicy {
        initial_interval: Some(prost_types_duration(1, 500_000_000)),
        backoff_coefficient: 2.0,
        maximum_attempts: 3,
        non_retryable_error_types: vec!["A".into()],
        ..Default::default()
    };
    let binary = python(
        &[
            ("encoding", b"binary/protobuf"),
            ("messageType", b"temporal.api.common.v1.RetryPolicy"),
        ],
        b"\n\x08\x08\x01\x10\x80\xca\xb5\xee\x01\x11\x00\x00\x00\x00\x00\x00\x00@ \x03*\x01A",
    );
    assert_eq!(
        converter.to_payload(&ProtoBinary(policy.clone())).unwrap(),
        binary
    );
    assert_eq!(
        converter
            .from_payload::<ProtoBinary<RetryPolicy>>(&binary)
            .unwrap()
            .0,
        policy
    );
}

#[test]
fn protobuf_json_fields_keep_declaration_order() {
    let converter = DataConverter::new();
    let execution = WorkflowExecution {
        workflow_id: "wf-1".into(),
        run_id: "run-1".into(),
    };
    let json = python(
        &[
            ("encoding", b"json/protobuf"),
            ("messageType", b"temporal.api.common.v1.WorkflowExecution"),
        ],
        br#"{"runId":"run-1","workflowId":"wf-1"}"#,
    );
    assert_eq!(
        converter
            .from_payload::<ProtoJson<WorkflowExecution>>(&json)
            .unwrap()
            .0,
        execution
    );
    let ours = converter.to_payload(&ProtoJson(execution)).unwrap();
    assert_eq!(ours.raw_proto().metadata, json.raw_proto().metadata);
    assert_eq!(ours.data(), br#"{"workflowId":"wf-1","runId":"run-1"}"#);

    let json = python(
        &[("encoding", b"json/protobuf"), ("messageType", b"temporal.api.common.v1.RetryPolicy")],
        br#"{"backoffCoefficient":2.0,"initialInterval":"1.500s","maximumAttempts":3,"nonRetryableErrorTypes":["A"]}"#,
    );
    let policy = converter
        .from_payload::<ProtoJson<RetryPolicy>>(&json)
        .unwrap()
        .0;
    assert_eq!(
        policy.initial_interval,
        Some(prost_types_duration(1, 500_000_000))
    );
    assert_eq!(
        (policy.backoff_coefficient, policy.maximum_attempts),
        (2.0, 3)
    );
    let ours = converter.to_payload(&ProtoJson(policy)).unwrap();
    assert_eq!(
        ours.data(),
        br#"{"initialInterval":"1.500s","backoffCoefficient":2.0,"maximumAttempts":3,"nonRetryableErrorTypes":["A"]}"#
    );
}

/// A `google.protobuf.Duration`.
fn prost_types_duration(seconds: i64, nanos: i32) -> crate::proto::google::protobuf::Duration {
    crate::proto::google::protobuf::Duration { seconds, nanos }
}
