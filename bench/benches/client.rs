//! What temporal-client does per call without the network: payload encoding and decoding,
//! failure decoding, request building, and typed (macro-generated) calls against untyped
//! ones. `cargo bench -p temporal-bench` (criterion).

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use futures_util::FutureExt;
use prost::Message;
use temporal_client::proto::api::common::v1::{Payload, Payloads, WorkflowType};
use temporal_client::proto::api::enums::v1::RetryState;
use temporal_client::proto::api::failure::v1::failure::FailureInfo;
use temporal_client::proto::api::failure::v1::{
    ActivityFailureInfo, ApplicationFailureInfo, Failure as ProtoFailure,
};
use temporal_client::proto::api::taskqueue::v1::TaskQueue;
use temporal_client::proto::api::workflowservice::v1::StartWorkflowExecutionRequest;
use temporal_client::{
    ByName, DataConverter, Failure, QueryCall, RawBytes, SignalCall, StartWorkflow, Untyped,
    by_name, workflow,
};

/// The contract the typed calls go through.
#[workflow(name = "counter")]
trait Counter {
    #[run]
    async fn run(&mut self, start: i64) -> i64;
    #[signal]
    fn increment(&mut self, amount: i64);
    #[query(name = "value")]
    fn value(&self) -> i64;
}

const SIZES: [(&str, usize); 3] = [("small", 16), ("1MiB", 1 << 20), ("4MiB", 4 << 20)];

fn payloads(c: &mut Criterion) {
    let converter = DataConverter::default();
    let mut group = c.benchmark_group("payload");
    for (name, size) in SIZES {
        group.throughput(Throughput::Bytes(size as u64));
        let text = "x".repeat(size);
        let json = converter.to_payload(&text).expect("encodes");
        group.bench_with_input(
            BenchmarkId::new("encode_json_string", name),
            &text,
            |b, text| b.iter(|| converter.to_payload(black_box(text)).expect("encodes")),
        );
        group.bench_with_input(
            BenchmarkId::new("decode_json_string", name),
            &json,
            |b, payload| {
                b.iter(|| {
                    converter
                        .from_payload::<String>(black_box(payload))
                        .expect("decodes")
                })
            },
        );
        let bytes = RawBytes::from(vec![7_u8; size]);
        let binary = converter.to_payload(&bytes).expect("encodes");
        group.bench_with_input(
            BenchmarkId::new("encode_raw_bytes", name),
            &bytes,
            |b, bytes| b.iter(|| converter.to_payload(black_box(bytes)).expect("encodes")),
        );
        group.bench_with_input(
            BenchmarkId::new("decode_raw_bytes", name),
            &binary,
            |b, payload| {
                b.iter(|| {
                    converter
                        .from_payload::<RawBytes>(black_box(payload))
                        .expect("decodes")
                })
            },
        );
    }
    group.finish();
}

fn json_payload(converter: &DataConverter, value: &str) -> Payload {
    converter
        .to_payload(value)
        .expect("encodes")
        .into_raw_proto()
}

/// An activity failure caused by an application failure with two details, as a Python worker
/// reports a failed activity.
fn activity_failure(converter: &DataConverter) -> ProtoFailure {
    ProtoFailure {
        message: "activity task failed".to_owned(),
        failure_info: Some(FailureInfo::ActivityFailureInfo(ActivityFailureInfo {
            activity_id: "1".to_owned(),
            retry_state: RetryState::MaximumAttemptsReached.into(),
            ..Default::default()
        })),
        cause: Some(Box::new(ProtoFailure {
            message: "card declined".to_owned(),
            source: "PythonSDK".to_owned(),
            stack_trace: "Traceback (most recent call last): ...".to_owned(),
            failure_info: Some(FailureInfo::ApplicationFailureInfo(
                ApplicationFailureInfo {
                    r#type: "CardDeclined".to_owned(),
                    non_retryable: true,
                    details: Some(Payloads {
                        payloads: vec![
                            json_payload(converter, "retry later"),
                            json_payload(converter, "code 51"),
                        ],
                    }),
                    ..Default::default()
                },
            )),
            ..Default::default()
        })),
        ..Default::default()
    }
}

fn failures(c: &mut Criterion) {
    let converter = DataConverter::default();
    let failure = activity_failure(&converter);
    c.bench_function("failure/decode_activity_chain", |b| {
        b.iter(|| {
            Failure::from_raw_proto(black_box(failure.clone()), &converter)
                .now_or_never()
                .expect("no codec: ready at once")
                .expect("decodes")
        })
    });
    c.bench_function("failure/clone_only", |b| {
        b.iter(|| black_box(failure.clone()))
    });
}

/// A start request as the client builds it: the arguments through the converter, the
/// message, and its protobuf encoding (what tonic's codec then writes).
fn requests(c: &mut Criterion) {
    let converter = DataConverter::default();
    c.bench_function("request/start_build_and_encode", |b| {
        b.iter(|| {
            let input =
                StartWorkflow::<_, ByName>::encode_args(&"example", ("Temporal",), &converter)
                    .expect("encodes");
            let request = StartWorkflowExecutionRequest {
                namespace: "default".to_owned(),
                workflow_id: black_box("order-1234").to_owned(),
                workflow_type: Some(WorkflowType {
                    name: "example".to_owned(),
                }),
                task_queue: Some(TaskQueue {
                    name: "orders".to_owned(),
                    ..Default::default()
                }),
                input: Some(Payloads {
                    payloads: input
                        .into_iter()
                        .map(temporal_client::Payload::into_raw_proto)
                        .collect(),
                }),
                identity: "1234@bench".to_owned(),
                request_id: "5f0c6f0e-7d6a-4a54-9b7e-2f4b4f7d3e21".to_owned(),
                ..Default::default()
            };
            request.encode_to_vec()
        })
    });
    c.bench_function("request/payload_by_hand", |b| {
        b.iter(|| Payload {
            metadata: HashMap::from([("encoding".to_owned(), b"json/plain".to_vec())]),
            data: serde_json::to_vec(black_box("Temporal"))
                .expect("json")
                .into(),
            ..Default::default()
        })
    });
}

/// The same arguments through a `#[workflow]` contract's markers and by name.
fn typed_vs_untyped(c: &mut Criterion) {
    let converter = DataConverter::default();
    let mut group = c.benchmark_group("contract");
    group.bench_function("start_args/typed", |b| {
        b.iter(|| StartWorkflow::encode_args(&Counter, black_box(5_i64), &converter))
    });
    group.bench_function("start_args/untyped", |b| {
        b.iter(|| {
            StartWorkflow::<_, ByName>::encode_args(&"counter", black_box((5_i64,)), &converter)
        })
    });
    group.bench_function("signal_args/typed", |b| {
        b.iter(|| {
            SignalCall::<Counter, _>::encode(Counter::increment(black_box(5_i64)), &converter)
        })
    });
    group.bench_function("signal_args/untyped", |b| {
        b.iter(|| {
            SignalCall::<Untyped, _>::encode(by_name("increment").arg(black_box(5_i64)), &converter)
        })
    });
    let answer = converter.to_payload(&42_i64).expect("encodes");
    group.bench_function("query_result/typed", |b| {
        b.iter(|| {
            let name = QueryCall::<Counter, i64, _>::name(&Counter::value);
            (
                name.len(),
                converter.from_payload::<i64>(black_box(&answer)),
            )
        })
    });
    group.bench_function("query_result/untyped", |b| {
        b.iter(|| {
            let name = QueryCall::<Untyped, i64, _>::name(&"value");
            (
                name.len(),
                converter.from_payload::<i64>(black_box(&answer)),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, payloads, failures, requests, typed_vs_untyped);
criterion_main!(benches);
