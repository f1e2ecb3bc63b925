//! The `tracing` feature: a span for each operation and each attempt, with the operation,
//! namespace, workflow id, workflow type (where the operation starts a workflow), attempt
//! number and gRPC code, seen by a capturing subscriber.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use temporal_client::{
    CalendarSpec, CreateScheduleOptions, Schedule, ScheduleAction, ScheduleRange, ScheduleSpec,
    StartOptions, Untyped, by_name,
};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

use crate::support::{TestEnv, unique};

/// A span as captured: its name, its parent's index, its fields as text.
#[derive(Debug, Clone)]
struct Captured {
    name: &'static str,
    parent: Option<u64>,
    fields: BTreeMap<&'static str, String>,
}

/// Captures every span, with the fields recorded on it later, and its parent: the one named
/// when it was created, or else the one current on this thread.
#[derive(Default, Clone)]
struct Capture {
    spans: Arc<Mutex<Vec<Captured>>>,
    stack: Arc<Mutex<Vec<u64>>>,
}

struct Fields<'a>(&'a mut BTreeMap<&'static str, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name(), value.to_owned());
    }
}

impl Subscriber for Capture {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("temporal_client")
    }
    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let mut fields = BTreeMap::new();
        attributes.record(&mut Fields(&mut fields));
        // An explicit parent, as tracing-subscriber's registry takes it, or else the span
        // current on this thread.
        let parent = match attributes.parent() {
            Some(parent) => Some(parent.into_u64()),
            None if attributes.is_contextual() => self.stack.lock().expect("lock").last().copied(),
            None => None,
        };
        let mut spans = self.spans.lock().expect("lock");
        spans.push(Captured {
            name: attributes.metadata().name(),
            parent,
            fields,
        });
        Id::from_u64(spans.len() as u64)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.spans.lock().expect("lock");
        let captured = &mut spans[span.into_u64() as usize - 1];
        values.record(&mut Fields(&mut captured.fields));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, _: &Event<'_>) {}
    fn enter(&self, span: &Id) {
        self.stack.lock().expect("lock").push(span.into_u64());
    }
    fn exit(&self, span: &Id) {
        let mut stack = self.stack.lock().expect("lock");
        if let Some(position) = stack.iter().rposition(|id| *id == span.into_u64()) {
            stack.remove(position);
        }
    }
}

#[tokio::test]
async fn each_operation_and_attempt_has_a_span_with_its_outcome() {
    let env = TestEnv::start().await;
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());

    let handle = env
        .client
        .start("waitForever", (), env.options("traced"))
        .await
        .expect("started");
    let missing = env.client.get_handle::<Untyped>(unique("missing"));
    missing.describe().await.expect_err("no such workflow");
    handle.terminate("traced").await.expect("terminated");
    let signaled = env
        .client
        .signal_with_start(
            "waitForever",
            (),
            env.options("traced-sws"),
            by_name("anySignal"),
        )
        .await
        .expect("signal with start");
    signaled.terminate("traced").await.expect("terminated");
    let schedule_id = unique("traced-schedule");
    let schedule = env
        .client
        .create_schedule(
            &schedule_id,
            Schedule::new(
                ScheduleAction::start_workflow_by_name(
                    "example",
                    ("traced",),
                    StartOptions::new("traced-scheduled", env.task_queue.clone()),
                ),
                ScheduleSpec::default()
                    .calendar(CalendarSpec::default().hour([ScheduleRange::new(3)])),
            )
            .paused("traced"),
            CreateScheduleOptions::default(),
        )
        .await
        .expect("created");
    schedule.delete().await.expect("deleted");

    let spans = capture.spans.lock().expect("lock").clone();
    let calls: Vec<&Captured> = spans.iter().filter(|s| s.name == "temporal.call").collect();
    let find = |operation: &str| {
        calls
            .iter()
            .find(|s| s.fields.get("operation").map(String::as_str) == Some(operation))
            .unwrap_or_else(|| panic!("a span for {operation}: {spans:#?}"))
    };
    let start = find("StartWorkflowExecution");
    assert_eq!(start.fields["namespace"], "default");
    assert_eq!(start.fields["workflow_id"], handle.workflow_id());
    assert_eq!(start.fields["code"], "Ok");
    assert_eq!(start.fields["workflow_type"], "waitForever");
    let signal_with_start = find("SignalWithStartWorkflowExecution");
    assert_eq!(signal_with_start.fields["workflow_type"], "waitForever");
    assert_eq!(
        signal_with_start.fields["workflow_id"],
        signaled.workflow_id()
    );
    let create_schedule = find("CreateSchedule");
    assert_eq!(create_schedule.fields["workflow_id"], schedule_id);
    assert_eq!(create_schedule.fields["workflow_type"], "example");
    // Where the operation knows no type, the span has none.
    assert!(!find("DeleteSchedule").fields.contains_key("workflow_type"));
    let describe = find("DescribeWorkflowExecution");
    assert_eq!(describe.fields["workflow_id"], missing.workflow_id());
    assert_eq!(describe.fields["code"], "NotFound");
    assert!(
        !describe.fields.contains_key("workflow_type"),
        "{describe:?}"
    );
    assert_eq!(find("TerminateWorkflowExecution").fields["code"], "Ok");

    // Each attempt is a child span of its operation's, numbered, with its own code.
    let describe_index = spans
        .iter()
        .position(|s| std::ptr::eq(s, *describe))
        .expect("present") as u64
        + 1;
    let attempts: Vec<&Captured> = spans
        .iter()
        .filter(|s| s.name == "temporal.attempt" && s.parent == Some(describe_index))
        .collect();
    assert_eq!(attempts.len(), 1, "NOT_FOUND is not retried: {spans:#?}");
    assert_eq!(attempts[0].fields["attempt"], "1");
    assert_eq!(attempts[0].fields["code"], "NotFound");
}
