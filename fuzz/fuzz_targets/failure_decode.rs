//! Bytes as a protobuf `Failure`, decoded into the client's `Failure`: no panic, no link of
//! the chain lost, and every detail readable or a typed error.

#![no_main]

use futures_util::FutureExt as _;
use libfuzzer_sys::fuzz_target;
use prost::Message as _;
use temporal_client::proto::api::failure::v1::Failure as ProtoFailure;
use temporal_client::{DataConverter, EncodedValues, FailureKind};

fuzz_target!(|data: &[u8]| {
    let Ok(proto) = ProtoFailure::decode(data) else {
        return;
    };
    let mut depth = 0;
    let mut link = Some(&proto);
    while let Some(failure) = link {
        depth += 1;
        link = failure.cause.as_deref();
    }
    let converter = DataConverter::new();
    let failure = temporal_client::Failure::from_raw_proto(proto, &converter)
        .now_or_never()
        .expect("without a codec, decoding never waits")
        .expect("without a codec, decoding cannot fail");
    assert_eq!(failure.chain().count(), depth, "every link is kept");
    let _ = format!("{failure:?}");
    let mut sources = 0;
    let mut source: Option<&dyn std::error::Error> = Some(&failure);
    while let Some(error) = source {
        let _ = error.to_string();
        sources += 1;
        source = error.source();
    }
    assert_eq!(sources, depth, "error reporters see every link");
    for link in failure.chain() {
        let _ = (link.message(), link.origin(), link.stack_trace());
        match link.kind() {
            FailureKind::Application(application) => read_all(&application.details),
            FailureKind::Cancelled { details, .. } => read_all(details),
            FailureKind::Timeout {
                last_heartbeat_details,
                ..
            }
            | FailureKind::ResetWorkflow {
                last_heartbeat_details,
            } => read_all(last_heartbeat_details),
            _ => {}
        }
    }
    assert_eq!(failure.root_cause().cause().map(|_| ()), None);
});

fn read_all(values: &EncodedValues) {
    for index in 0..=values.len() {
        if let Err(error) = values.get::<serde_json::Value>(index) {
            let _ = error.to_string();
        }
        let _ = values.get::<String>(index);
    }
}
