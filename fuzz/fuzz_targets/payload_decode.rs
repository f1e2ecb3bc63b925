//! Bytes as a payload, decoded by every decoder of the default converter: none may panic,
//! every error must display, and what decodes must encode back to the same value.

#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use prost::Message as _;
use temporal_client::proto::api::common::v1::{Payload as ProtoPayload, WorkflowExecution};
use temporal_client::raw::{ProtoBinary, ProtoJson};
use temporal_client::{DataConverter, FromPayload, Payload, RawBytes};

/// The message the protobuf payloads claim to hold.
const MESSAGE_TYPE: &str = "temporal.api.common.v1.WorkflowExecution";

/// Every encoding the default converter reads, and one it does not.
const ENCODINGS: [&str; 6] = [
    "json/plain",
    "binary/null",
    "binary/plain",
    "json/protobuf",
    "binary/protobuf",
    "binary/encrypted",
];

fuzz_target!(|data: &[u8]| {
    let converter = DataConverter::new();
    // The bytes as a whole payload, as a history holds one (metadata and all), and as the
    // data of a payload of each encoding.
    let whole = ProtoPayload::decode(data).ok().map(Payload::from_raw_proto);
    let per_encoding = ENCODINGS.iter().map(|encoding| {
        Payload::new(encoding, data.to_vec()).with_metadata("messageType", MESSAGE_TYPE)
    });
    for payload in whole.into_iter().chain(per_encoding) {
        decode_every_way(&converter, &payload);
    }
});

fn decode_every_way(converter: &DataConverter, payload: &Payload) {
    if let Some(value) = decoded::<serde_json::Value>(converter, payload) {
        let again = converter.to_payload(&value).expect("a JSON value encodes");
        let back: serde_json::Value = converter.from_payload(&again).expect("and decodes");
        assert_eq!(back, value, "a JSON value survives a round trip");
    }
    if let Some(bytes) = decoded::<RawBytes>(converter, payload) {
        assert_eq!(&bytes[..], payload.data(), "binary/plain is the bytes");
    }
    if let Some(ProtoBinary(message)) =
        decoded::<ProtoBinary<WorkflowExecution>>(converter, payload)
    {
        let again = converter
            .to_payload(&ProtoBinary(message.clone()))
            .expect("a message encodes");
        let ProtoBinary(back) = converter
            .from_payload::<ProtoBinary<WorkflowExecution>>(&again)
            .expect("and decodes");
        assert_eq!(back, message);
    }
    if let Some(ProtoJson(message)) = decoded::<ProtoJson<WorkflowExecution>>(converter, payload) {
        let again = converter
            .to_payload(&ProtoJson(message.clone()))
            .expect("a message encodes");
        let ProtoJson(back) = converter
            .from_payload::<ProtoJson<WorkflowExecution>>(&again)
            .expect("and decodes");
        assert_eq!(back, message);
    }
    decoded::<String>(converter, payload);
    decoded::<Vec<u32>>(converter, payload);
    decoded::<Option<BTreeMap<String, f64>>>(converter, payload);
    decoded::<(bool, i64)>(converter, payload);
    decoded::<()>(converter, payload);
}

/// Decodes `payload` as a `T`; an error must display, with all its sources.
fn decoded<T: FromPayload>(converter: &DataConverter, payload: &Payload) -> Option<T> {
    match converter.from_payload::<T>(payload) {
        Ok(value) => Some(value),
        Err(error) => {
            let mut source: Option<&dyn std::error::Error> = Some(&error);
            while let Some(error) = source {
                assert!(!error.to_string().is_empty());
                source = error.source();
            }
            None
        }
    }
}
