//! What describe and list hold in memory for a workflow with a large memo: each value once,
//! not decoded and again in the raw message. A test binary of its own, with one test, because
//! it reads the process's resident memory (`VmRSS`) and peak (`VmHWM`, reset through
//! `/proc/self/clear_refs`): nothing else may run beside it. The fake server's answer is
//! encoded before the measurement, so that what grows is the client's.

use prost::Message as _;
use std::future::Future;
use std::pin::Pin;

use temporal_client::proto::api::common::v1::{Memo, Payload as ProtoPayload, WorkflowExecution};
use temporal_client::proto::api::workflow::v1::WorkflowExecutionInfo;
use temporal_client::proto::api::workflowservice::v1::{
    DescribeWorkflowExecutionResponse, ListWorkflowExecutionsResponse,
};
use temporal_client::{
    Client, ClientOptions, CodecError, DataConverter, Payload, PayloadCodec, Untyped,
};

#[path = "reliability/fake_server.rs"]
#[allow(dead_code)]
mod fake_server;

use fake_server::FakeServer;

const MIB: f64 = 1024.0 * 1024.0;
/// The memo of the measurement: 70 MB.
const MEMO_BYTES: usize = 70_000_000;

/// A running execution whose memo holds one JSON string of [`MEMO_BYTES`].
fn execution_with_large_memo(run_id: &str) -> WorkflowExecutionInfo {
    let mut data = Vec::with_capacity(MEMO_BYTES + 2);
    data.push(b'"');
    data.resize(MEMO_BYTES + 1, b'x');
    data.push(b'"');
    WorkflowExecutionInfo {
        execution: Some(WorkflowExecution {
            workflow_id: "large-memo".to_owned(),
            run_id: run_id.to_owned(),
        }),
        memo: Some(Memo {
            fields: [(
                "blob".to_owned(),
                ProtoPayload {
                    metadata: [("encoding".to_owned(), b"json/plain".to_vec())].into(),
                    data: data.into(),
                    ..Default::default()
                },
            )]
            .into(),
        }),
        ..Default::default()
    }
}

/// A field of `/proc/self/status`, in MiB.
fn status_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("the field is there");
    kib / 1024.0
}

/// Runs `work`; returns its result, the peak resident memory above what was resident before,
/// and how much more is resident after.
async fn measured<T>(work: impl std::future::Future<Output = T>) -> (T, f64, f64) {
    // Writing 5 resets the peak to what is resident now.
    std::fs::write("/proc/self/clear_refs", "5").expect("resets VmHWM");
    let before = status_mib("VmRSS:");
    let value = work.await;
    let peak = status_mib("VmHWM:") - before;
    let held = status_mib("VmRSS:") - before;
    (value, peak, held)
}

/// A codec whose decoding makes new buffers, as decompression or decryption does: the decoded
/// memo cannot share the received message's memory.
struct CopyingCodec;

type Coded<'a> = Pin<Box<dyn Future<Output = Result<Vec<Payload>, CodecError>> + Send + 'a>>;

impl PayloadCodec for CopyingCodec {
    fn encode(&self, payloads: Vec<Payload>) -> Coded<'_> {
        Box::pin(async move { Ok(payloads) })
    }

    fn decode(&self, payloads: Vec<Payload>) -> Coded<'_> {
        Box::pin(async move {
            Ok(payloads
                .into_iter()
                .map(|mut payload| {
                    let copy = payload.data().to_vec();
                    payload.set_data(copy);
                    payload
                })
                .collect())
        })
    }
}

/// Describes and lists the workflow with the large memo through `client`, and checks what each
/// holds.
async fn describe_and_list(client: &Client, label: &str) {
    let memo_mib = MEMO_BYTES as f64 / MIB;
    let handle = client.get_handle::<Untyped>("large-memo");
    let (description, peak, held) = measured(handle.describe()).await;
    let description = description.expect("described");
    eprintln!(
        "describe {label}, {memo_mib:.0} MiB memo: peak {peak:.0} MiB while describing, {held:.0} MiB held by the description"
    );
    // Once: the memo. Twice (the raw message's and the decoded one) would be 2 memos.
    assert!(held < 1.5 * memo_mib, "held {held:.0} MiB");
    assert!(peak < 3.5 * memo_mib, "peak {peak:.0} MiB");
    let blob: String = description
        .info
        .memo
        .get("blob")
        .expect("decodes")
        .expect("a memo value");
    assert_eq!(blob.len(), MEMO_BYTES);
    drop((blob, description));

    let mut listing = client.list("");
    let (item, peak, held) = measured(listing.next()).await;
    let item = item.expect("one item").expect("listed");
    assert_eq!(item.memo.len(), 1);
    eprintln!(
        "list {label}, {memo_mib:.0} MiB memo: peak {peak:.0} MiB while listing, {held:.0} MiB held by the item"
    );
    assert!(held < 1.5 * memo_mib, "held {held:.0} MiB");
    assert!(peak < 3.5 * memo_mib, "peak {peak:.0} MiB");
}

#[tokio::test(flavor = "current_thread")]
async fn describe_and_list_hold_a_large_memo_once() {
    let server = FakeServer::start_strict().await;
    let describe = DescribeWorkflowExecutionResponse {
        workflow_execution_info: Some(execution_with_large_memo("run-1")),
        ..Default::default()
    };
    server.answer_encoded("DescribeWorkflowExecution", describe.encode_to_vec().into());
    drop(describe);
    let list = ListWorkflowExecutionsResponse {
        executions: vec![execution_with_large_memo("run-1")],
        next_page_token: Vec::new(),
    };
    server.answer_encoded("ListWorkflowExecutions", list.encode_to_vec().into());
    drop(list);
    describe_and_list(&server.client().await, "without a codec").await;
    let with_codec = Client::with_options(
        server.connection().await,
        ClientOptions::default().data_converter(DataConverter::default().with_codec(CopyingCodec)),
    )
    .expect("a client");
    describe_and_list(&with_codec, "with a codec").await;
}
