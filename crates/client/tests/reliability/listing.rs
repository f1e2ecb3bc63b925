//! A listing that fails mid-way (the server down for longer than the retry budget) can go
//! on where it stopped, in the same stream or from its token in another, without duplicates
//! or gaps; and a listing honours its page size and limit.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use temporal_client::proto::api::common::v1::WorkflowExecution;
use temporal_client::proto::api::workflow::v1::WorkflowExecutionInfo;
use temporal_client::proto::api::workflowservice::v1::{
    ListWorkflowExecutionsRequest, ListWorkflowExecutionsResponse,
};
use temporal_client::{CallOptions, Client, ListOptions, PagedStream, RpcRetryPolicy};
use tonic::Status;

use crate::fake_server::FakeServer;

const LIST: &str = "ListWorkflowExecutions";
/// How many workflows the fake lists.
const WORKFLOWS: usize = 10;

fn execution(index: usize) -> WorkflowExecutionInfo {
    WorkflowExecutionInfo {
        execution: Some(WorkflowExecution {
            workflow_id: format!("wf-{index}"),
            run_id: format!("run-{index}"),
        }),
        ..Default::default()
    }
}

/// Lists `wf-0` to `wf-9` in pages of the requested size (3 when unset), the token being the
/// index of the page's first item; fails with `UNAVAILABLE` while `down` is set, for every
/// page but the first. Records the page sizes asked for.
fn serve_listing(
    server: &FakeServer,
    down: Arc<AtomicBool>,
    sizes: Arc<std::sync::Mutex<Vec<i32>>>,
) {
    server.answer(LIST, move |request: ListWorkflowExecutionsRequest| {
        sizes.lock().expect("not poisoned").push(request.page_size);
        let start: usize = if request.next_page_token.is_empty() {
            0
        } else {
            String::from_utf8(request.next_page_token)
                .ok()
                .and_then(|token| token.parse().ok())
                .ok_or_else(|| Status::invalid_argument("bad token"))?
        };
        if start > 0 && down.load(Ordering::SeqCst) {
            return Err(Status::unavailable("the server is restarting"));
        }
        let size = if request.page_size > 0 {
            request.page_size as usize
        } else {
            3
        };
        let end = (start + size).min(WORKFLOWS);
        Ok(ListWorkflowExecutionsResponse {
            executions: (start..end).map(execution).collect(),
            next_page_token: if end < WORKFLOWS {
                end.to_string().into_bytes()
            } else {
                Vec::new()
            },
        })
    });
}

/// A client whose retry budget is short, so that an outage outlasts it quickly.
async fn impatient_client(server: &FakeServer) -> Client {
    server
        .client()
        .await
        .with_call_options(
            CallOptions::default().retry_policy(
                RpcRetryPolicy::default()
                    .max_elapsed(Duration::from_millis(300))
                    .max_attempts(3),
            ),
        )
        .expect("valid options")
}

/// Reads `stream` until it ends, returning the workflow ids and whether it ended by an error.
async fn read(
    stream: &mut PagedStream<temporal_client::WorkflowExecutionInfo>,
) -> (Vec<String>, bool) {
    let mut ids = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(info) => ids.push(info.workflow_id),
            Err(error) => {
                assert!(
                    matches!(&error, temporal_client::Error::Rpc(rpc) if rpc.code() == temporal_client::Code::Unavailable),
                    "{error:?}"
                );
                assert!(stream.next().await.is_none(), "an error ends the stream");
                return (ids, true);
            }
        }
    }
    (ids, false)
}

fn all_ids() -> Vec<String> {
    (0..WORKFLOWS).map(|i| format!("wf-{i}")).collect()
}

#[tokio::test]
async fn a_listing_that_failed_mid_way_resumes_without_duplicates_or_gaps() {
    let server = FakeServer::start_strict().await;
    let down = Arc::new(AtomicBool::new(true));
    serve_listing(&server, Arc::clone(&down), Arc::default());
    let client = impatient_client(&server).await;

    let mut stream = client.list("");
    let (mut ids, failed) = read(&mut stream).await;
    assert!(failed, "the outage outlasted the retry budget");
    assert_eq!(ids, ["wf-0", "wf-1", "wf-2"], "the first page");
    assert_eq!(stream.next_page_token(), Some(&b"3"[..]));

    // Still down: resuming fails again, and loses nothing.
    stream.resume();
    let (more, failed) = read(&mut stream).await;
    assert!(failed && more.is_empty());

    down.store(false, Ordering::SeqCst);
    stream.resume();
    let (rest, failed) = read(&mut stream).await;
    assert!(!failed);
    ids.extend(rest);
    assert_eq!(ids, all_ids());
    assert_eq!(stream.next_page_token(), None);
}

#[tokio::test]
async fn a_listing_continues_from_its_token_in_another_stream() {
    let server = FakeServer::start_strict().await;
    let down = Arc::new(AtomicBool::new(true));
    serve_listing(&server, Arc::clone(&down), Arc::default());
    let client = impatient_client(&server).await;

    let mut stream = client.list("");
    let (mut ids, failed) = read(&mut stream).await;
    assert!(failed);
    let token = stream
        .next_page_token()
        .expect("a page to continue from")
        .to_vec();
    drop(stream);

    down.store(false, Ordering::SeqCst);
    let mut rest = client.list_with_options("", ListOptions::new().next_page_token(token));
    let (more, failed) = read(&mut rest).await;
    assert!(!failed);
    ids.extend(more);
    assert_eq!(ids, all_ids());
}

#[tokio::test]
async fn a_listing_honours_its_page_size_and_limit() {
    let server = FakeServer::start_strict().await;
    let sizes = Arc::new(std::sync::Mutex::new(Vec::new()));
    serve_listing(
        &server,
        Arc::new(AtomicBool::new(false)),
        Arc::clone(&sizes),
    );
    let client = server.client().await;

    let mut stream = client.list_with_options("", ListOptions::new().page_size(2).limit(5));
    let (ids, failed) = read(&mut stream).await;
    assert!(!failed);
    assert_eq!(ids, ["wf-0", "wf-1", "wf-2", "wf-3", "wf-4"]);
    assert_eq!(
        *sizes.lock().expect("not poisoned"),
        [2, 2, 2],
        "three pages of two, no fourth"
    );

    // A limit alone asks for pages of its size.
    sizes.lock().expect("not poisoned").clear();
    let mut stream = client.list_with_options("", ListOptions::new().limit(4));
    let (ids, _) = read(&mut stream).await;
    assert_eq!(ids.len(), 4);
    assert_eq!(*sizes.lock().expect("not poisoned"), [4]);
}
