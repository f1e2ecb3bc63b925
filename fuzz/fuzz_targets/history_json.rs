//! Bytes as the history JSON `temporal workflow show --output json` prints (and
//! `WorkflowHandle::write_history_json` writes), read with the proto types' serde: no panic,
//! and a history that was read writes back to JSON and protobuf that read as the same.

#![no_main]

use libfuzzer_sys::fuzz_target;
use prost::Message as _;
use temporal_client::proto::api::history::v1::History;

fuzz_target!(|data: &[u8]| {
    let Ok(history) = serde_json::from_slice::<History>(data) else {
        return;
    };
    let json = serde_json::to_vec(&history).expect("a history that was read can be written");
    let again: History = serde_json::from_slice(&json).expect("what was written can be read");
    assert_eq!(again, history, "a JSON round trip keeps the history");
    match History::decode(history.encode_to_vec().as_slice()) {
        Ok(decoded) => assert_eq!(decoded, history, "a protobuf round trip keeps it"),
        // JSON nests up to serde_json's limit of 128, protobuf decoding up to prost's 100.
        Err(error) => assert!(
            error.to_string().contains("recursion limit reached"),
            "{error}"
        ),
    }
});
