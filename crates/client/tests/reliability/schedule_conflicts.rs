//! `ScheduleHandle::update` against a fake `WorkflowService` whose schedule refuses a write
//! with a stale conflict token (`FAILED_PRECONDITION`), as a scheduler that reports conflicts
//! does: the update reads, applies and writes again, so no concurrent change is lost, and it
//! gives up after ten conflicts in a row. (The dev server's scheduler drops a stale write
//! silently instead; `tests/it/schedules.rs` covers that.)

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::{Buf, BufMut, Bytes};
use prost::Message;
use temporal_client::proto::api::common::v1::{Payload, Payloads, WorkflowType};
use temporal_client::proto::api::schedule::v1::schedule_action::Action;
use temporal_client::proto::api::schedule::v1::{
    Schedule, ScheduleAction, ScheduleSpec, ScheduleState,
};
use temporal_client::proto::api::taskqueue::v1::TaskQueue;
use temporal_client::proto::api::workflow::v1::NewWorkflowExecutionInfo;
use temporal_client::proto::api::workflowservice::v1::{
    DescribeScheduleResponse, UpdateScheduleRequest,
};
use temporal_client::{Client, Code, Connection, ConnectionOptions, Error};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::{BoxFuture, Context, Poll, Service, http};
use tonic::server::{Grpc, UnaryService};
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tonic::{Request, Response, Status};

/// One schedule, its conflict token (a counter, as the server's), and how many other writers
/// change it right after each of the next reads.
#[derive(Debug)]
struct FakeSchedule {
    schedule: Schedule,
    token: u64,
    concurrent_writes_after_reads: usize,
    writes_refused: usize,
}

struct FakeScheduler {
    address: SocketAddr,
    state: Arc<Mutex<FakeSchedule>>,
    task: JoinHandle<()>,
}

impl FakeScheduler {
    async fn start(concurrent_writes_after_reads: usize) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("a loopback port");
        let address = listener.local_addr().expect("an address");
        let state = Arc::new(Mutex::new(FakeSchedule {
            schedule: initial_schedule(),
            token: 1,
            concurrent_writes_after_reads,
            writes_refused: 0,
        }));
        let service = FakeService(Arc::clone(&state));
        let task = tokio::spawn(async move {
            let _ = Server::builder()
                .serve_with_incoming(service, TcpIncoming::from(listener))
                .await;
        });
        Self {
            address,
            state,
            task,
        }
    }

    async fn client(&self) -> Client {
        let connection = Connection::connect(ConnectionOptions::new(self.address.to_string()))
            .await
            .expect("connects to the fake");
        Client::new(connection)
    }

    fn state<T>(&self, read: impl FnOnce(&FakeSchedule) -> T) -> T {
        read(&self.state.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Drop for FakeScheduler {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn initial_schedule() -> Schedule {
    let argument = Payload {
        metadata: [("encoding".to_owned(), b"json/plain".to_vec())].into(),
        data: b"\"schedule\"".to_vec().into(),
        ..Default::default()
    };
    Schedule {
        spec: Some(ScheduleSpec {
            cron_string: vec!["@hourly".to_owned()],
            ..Default::default()
        }),
        action: Some(ScheduleAction {
            action: Some(Action::StartWorkflow(NewWorkflowExecutionInfo {
                workflow_id: "greeting".to_owned(),
                workflow_type: Some(WorkflowType {
                    name: "example".to_owned(),
                }),
                task_queue: Some(TaskQueue {
                    name: "schedules".to_owned(),
                    ..Default::default()
                }),
                input: Some(Payloads {
                    payloads: vec![argument],
                }),
                ..Default::default()
            })),
        }),
        policies: None,
        state: Some(ScheduleState {
            notes: "initial".to_owned(),
            ..Default::default()
        }),
    }
}

#[derive(Clone)]
struct FakeService(Arc<Mutex<FakeSchedule>>);

impl Service<http::Request<tonic::body::Body>> for FakeService {
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        let method = request
            .uri()
            .path()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let handler = Handler {
            state: Arc::clone(&self.0),
            method,
        };
        Box::pin(async move { Ok(Grpc::new(RawCodec).unary(handler, request).await) })
    }
}

struct Handler {
    state: Arc<Mutex<FakeSchedule>>,
    method: String,
}

impl UnaryService<Bytes> for Handler {
    type Response = Bytes;
    type Future = BoxFuture<Response<Bytes>, Status>;

    fn call(&mut self, request: Request<Bytes>) -> Self::Future {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let answer = match self.method.as_str() {
            "DescribeSchedule" => {
                let response = DescribeScheduleResponse {
                    schedule: Some(state.schedule.clone()),
                    conflict_token: state.token.to_be_bytes().to_vec(),
                    ..Default::default()
                };
                if state.concurrent_writes_after_reads > 0 {
                    // Another writer changes the schedule between this read and its write.
                    state.concurrent_writes_after_reads -= 1;
                    state.token += 1;
                    if let Some(schedule_state) = state.schedule.state.as_mut() {
                        schedule_state.notes.push_str(" +concurrent");
                    }
                }
                Ok(Bytes::from(response.encode_to_vec()))
            }
            "UpdateSchedule" => {
                let update =
                    UpdateScheduleRequest::decode(request.into_inner()).expect("an update request");
                if update.conflict_token == state.token.to_be_bytes() {
                    state.schedule = update.schedule.unwrap_or_default();
                    state.token += 1;
                    Ok(Bytes::new())
                } else {
                    state.writes_refused += 1;
                    Err(Status::failed_precondition("mismatched conflict token"))
                }
            }
            // GetSystemInfo, at connect: its default answer.
            _ => Ok(Bytes::new()),
        };
        Box::pin(async move { answer.map(Response::new) })
    }
}

/// Passes messages through as bytes, so that one service answers every method.
#[derive(Debug, Clone, Copy)]
struct RawCodec;

impl Codec for RawCodec {
    type Encode = Bytes;
    type Decode = Bytes;
    type Encoder = RawCodec;
    type Decoder = RawCodec;

    fn encoder(&mut self) -> Self::Encoder {
        RawCodec
    }

    fn decoder(&mut self) -> Self::Decoder {
        RawCodec
    }
}

impl Encoder for RawCodec {
    type Item = Bytes;
    type Error = Status;

    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawCodec {
    type Item = Bytes;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Bytes>, Status> {
        Ok(Some(src.copy_to_bytes(src.remaining())))
    }
}

#[tokio::test]
async fn a_conflicting_update_is_read_applied_and_written_again() {
    let fake = FakeScheduler::start(2).await;
    let client = fake.client().await;
    let mut notes_seen = Vec::new();
    client
        .get_schedule_handle("hourly")
        .update(|mut description| {
            notes_seen.push(description.schedule.state.note.clone());
            description.schedule.state.note.push_str(" +ours");
            Some(description.schedule.into())
        })
        .await
        .expect("updated after the conflicts");
    // Two writes refused, each followed by a fresh read; the third write is based on the
    // latest state, so both concurrent changes survive.
    assert_eq!(
        notes_seen,
        [
            "initial",
            "initial +concurrent",
            "initial +concurrent +concurrent"
        ]
    );
    assert_eq!(fake.state(|state| state.writes_refused), 2);
    let note = fake.state(|state| state.schedule.state.clone().unwrap_or_default().notes);
    assert_eq!(note, "initial +concurrent +concurrent +ours");
    // The arguments were written back as they were read.
    let input = fake.state(|state| match &state.schedule.action {
        Some(ScheduleAction {
            action: Some(Action::StartWorkflow(info)),
        }) => info.input.clone().unwrap_or_default().payloads,
        other => panic!("{other:?}"),
    });
    assert_eq!(&input[0].data[..], b"\"schedule\"");
}

#[tokio::test]
async fn an_update_that_keeps_conflicting_gives_up_after_ten_attempts() {
    let fake = FakeScheduler::start(usize::MAX).await;
    let client = fake.client().await;
    let mut attempts = 0;
    let error = client
        .get_schedule_handle("hourly")
        .update(|description| {
            attempts += 1;
            Some(description.schedule.into())
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Rpc(rpc) if rpc.code() == Code::FailedPrecondition),
        "{error:?}"
    );
    assert_eq!(attempts, 10);
    assert_eq!(fake.state(|state| state.writes_refused), 10);
}
