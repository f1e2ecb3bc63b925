//! `ScheduleHandle::update` against a fake `WorkflowService` whose schedule refuses a write
//! with a stale conflict token (`FAILED_PRECONDITION`), as a scheduler that reports conflicts
//! does: the update reads, applies and writes again, so no concurrent change is lost, and it
//! gives up after ten conflicts in a row. (The dev server's scheduler drops a stale write
//! silently instead; `tests/it/schedules.rs` covers that.)

use std::sync::{Arc, Mutex, PoisonError};

use temporal_client::proto::api::common::v1::{Payload, Payloads, WorkflowType};
use temporal_client::proto::api::schedule::v1::schedule_action::Action;
use temporal_client::proto::api::schedule::v1::{
    Schedule, ScheduleAction, ScheduleSpec, ScheduleState,
};
use temporal_client::proto::api::taskqueue::v1::TaskQueue;
use temporal_client::proto::api::workflow::v1::NewWorkflowExecutionInfo;
use temporal_client::proto::api::workflowservice::v1::{
    DescribeScheduleRequest, DescribeScheduleResponse, UpdateScheduleRequest,
    UpdateScheduleResponse,
};
use temporal_client::{Client, Code, Error};
use tonic::Status;

use crate::fake_server::FakeServer;

/// One schedule, its conflict token (a counter, as the server's), and how many other writers
/// change it right after each of the next reads.
#[derive(Debug)]
struct FakeSchedule {
    schedule: Schedule,
    token: u64,
    concurrent_writes_after_reads: usize,
    writes_refused: usize,
}

/// The fake, scripted as a scheduler that refuses a write with a stale conflict token.
struct FakeScheduler {
    server: FakeServer,
    state: Arc<Mutex<FakeSchedule>>,
}

impl FakeScheduler {
    async fn start(concurrent_writes_after_reads: usize) -> Self {
        let server = FakeServer::start().await;
        let state = Arc::new(Mutex::new(FakeSchedule {
            schedule: initial_schedule(),
            token: 1,
            concurrent_writes_after_reads,
            writes_refused: 0,
        }));
        let shared = Arc::clone(&state);
        server.answer("DescribeSchedule", move |_: DescribeScheduleRequest| {
            let mut state = shared.lock().unwrap_or_else(PoisonError::into_inner);
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
            Ok(response)
        });
        let shared = Arc::clone(&state);
        server.answer("UpdateSchedule", move |update: UpdateScheduleRequest| {
            let mut state = shared.lock().unwrap_or_else(PoisonError::into_inner);
            if update.conflict_token == state.token.to_be_bytes() {
                state.schedule = update.schedule.unwrap_or_default();
                state.token += 1;
                Ok(UpdateScheduleResponse::default())
            } else {
                state.writes_refused += 1;
                Err(Status::failed_precondition("mismatched conflict token"))
            }
        });
        Self { server, state }
    }

    async fn client(&self) -> Client {
        self.server.client().await
    }

    fn state<T>(&self, read: impl FnOnce(&FakeSchedule) -> T) -> T {
        read(&self.state.lock().unwrap_or_else(PoisonError::into_inner))
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
