//! The decisions of the client's wait loops, as pure step functions: what a result wait does
//! with a run's close event ([`RunChain`]), and when a long poll that came back without an
//! answer is sent again ([`LongPoll`]). The loops in handle.rs and update.rs only make the
//! calls; what happens next is decided (and unit-tested) here.

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use temporal_proto::api::common::v1::Payloads;
use temporal_proto::api::enums::v1::{RetryState, TimeoutType};
use temporal_proto::api::failure::v1::failure::FailureInfo;
use temporal_proto::api::failure::v1::{
    CanceledFailureInfo, Failure as ProtoFailure, TerminatedFailureInfo, TimeoutFailureInfo,
};
use temporal_proto::api::history::v1::history_event::Attributes;

/// A server answer that the Temporal protocol does not allow, and that the client refuses
/// rather than loop on: a bug in the server, or a proxy or fake that misbehaves.
///
/// Carried by [`Error::ProtocolViolation`](crate::Error::ProtocolViolation).
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{Error, ProtocolViolation};
///
/// # async fn example(handle: temporal_client::WorkflowHandle) {
/// if let Err(Error::ProtocolViolation { violation, .. }) = handle.result::<String>().await {
///     if let ProtocolViolation::RunChainLoop { run_id } = *violation {
///         eprintln!("the server sent the wait back to run {run_id}: report it");
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolViolation {
    /// A run's close event named, as the run that follows it, a run the wait had already
    /// been through (the run itself, or an earlier one): following it would never end.
    #[error("the chain of runs loops: the next run, {run_id}, was already waited on")]
    RunChainLoop {
        /// The run named again.
        run_id: String,
    },
    /// The history's close event is not one of the events that close a run.
    #[error("the close event is a {kind}, which does not close a run")]
    UnexpectedCloseEvent {
        /// The kind of event the server sent.
        kind: String,
    },
}

/// How many of the latest runs of a chain [`RunChain`] remembers to detect a loop: a loop
/// through more runs than this costs one real poll per run, not a spin, and a chain of
/// millions of continue-as-new runs does not hold millions of ids.
const REMEMBERED_RUNS: usize = 1024;

/// What a result wait does with the close event of the run it waited on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CloseStep {
    /// The workflow completed with this result.
    Complete(Option<Payloads>),
    /// The workflow closed without a result: failed, cancelled, terminated or timed out.
    Fail {
        failure: Box<ProtoFailure>,
        retry_state: RetryState,
    },
    /// Another run follows and the wait does not follow runs.
    ContinuedAsNew { new_run_id: String },
    /// Wait on this run next.
    Follow { run_id: String },
    /// The server broke the protocol; the wait ends with this error.
    Violation(ProtocolViolation),
}

/// The run a result wait is on, and the runs it went through to get there.
#[derive(Debug)]
pub(crate) struct RunChain {
    follow_runs: bool,
    current: String,
    recent: VecDeque<String>,
    seen: HashSet<String>,
}

impl RunChain {
    /// A wait that starts on `first_run` (empty: the latest run of the workflow id).
    pub(crate) fn new(first_run: String, follow_runs: bool) -> Self {
        let mut chain = Self {
            follow_runs,
            current: String::new(),
            recent: VecDeque::new(),
            seen: HashSet::new(),
        };
        chain.enter(first_run);
        chain
    }

    /// The run to wait on now (empty: the latest).
    pub(crate) fn current(&self) -> &str {
        &self.current
    }

    fn enter(&mut self, run_id: String) {
        if !run_id.is_empty() {
            if self.recent.len() == REMEMBERED_RUNS
                && let Some(oldest) = self.recent.pop_front()
            {
                self.seen.remove(&oldest);
            }
            self.recent.push_back(run_id.clone());
            self.seen.insert(run_id.clone());
        }
        self.current = run_id;
    }

    /// Decides what follows the close event of the current run.
    pub(crate) fn on_close(&mut self, event: Attributes) -> CloseStep {
        let (next_run, closed) = match event {
            Attributes::WorkflowExecutionCompletedEventAttributes(completed) => (
                completed.new_execution_run_id,
                CloseStep::Complete(completed.result),
            ),
            Attributes::WorkflowExecutionFailedEventAttributes(failed) => {
                let retry_state = failed.retry_state();
                (
                    failed.new_execution_run_id,
                    CloseStep::Fail {
                        failure: Box::new(failed.failure.unwrap_or_default()),
                        retry_state,
                    },
                )
            }
            Attributes::WorkflowExecutionTimedOutEventAttributes(timed_out) => {
                let retry_state = timed_out.retry_state();
                let failure = synthetic_failure(
                    "Workflow execution timed out",
                    FailureInfo::TimeoutFailureInfo(TimeoutFailureInfo {
                        timeout_type: TimeoutType::StartToClose.into(),
                        last_heartbeat_details: None,
                    }),
                );
                (
                    timed_out.new_execution_run_id,
                    CloseStep::Fail {
                        failure: Box::new(failure),
                        retry_state,
                    },
                )
            }
            Attributes::WorkflowExecutionCanceledEventAttributes(canceled) => {
                let failure = synthetic_failure(
                    "Workflow canceled",
                    FailureInfo::CanceledFailureInfo(CanceledFailureInfo {
                        details: canceled.details,
                        identity: String::new(),
                    }),
                );
                return CloseStep::Fail {
                    failure: Box::new(failure),
                    retry_state: RetryState::NonRetryableFailure,
                };
            }
            Attributes::WorkflowExecutionTerminatedEventAttributes(terminated) => {
                let failure = synthetic_failure(
                    &terminated.reason,
                    FailureInfo::TerminatedFailureInfo(TerminatedFailureInfo {
                        identity: terminated.identity,
                    }),
                );
                return CloseStep::Fail {
                    failure: Box::new(failure),
                    retry_state: RetryState::NonRetryableFailure,
                };
            }
            Attributes::WorkflowExecutionContinuedAsNewEventAttributes(continued) => {
                if !self.follow_runs {
                    return CloseStep::ContinuedAsNew {
                        new_run_id: continued.new_execution_run_id,
                    };
                }
                let next = continued.new_execution_run_id;
                if next.is_empty() {
                    // Continued as new, to no run: nothing to follow, nothing to return.
                    return CloseStep::Violation(ProtocolViolation::UnexpectedCloseEvent {
                        kind: "WorkflowExecutionContinuedAsNew without a new run".to_owned(),
                    });
                }
                return self.follow(next);
            }
            other => {
                return CloseStep::Violation(ProtocolViolation::UnexpectedCloseEvent {
                    kind: event_kind(&other),
                });
            }
        };
        if !self.follow_runs || next_run.is_empty() {
            return closed;
        }
        self.follow(next_run)
    }

    fn follow(&mut self, run_id: String) -> CloseStep {
        if self.seen.contains(&run_id) {
            return CloseStep::Violation(ProtocolViolation::RunChainLoop { run_id });
        }
        self.enter(run_id.clone());
        CloseStep::Follow { run_id }
    }
}

/// The name of an event's kind, such as `WorkflowExecutionSignaled`.
fn event_kind(event: &Attributes) -> String {
    let debug = format!("{event:?}");
    let name = debug.split('(').next().unwrap_or_default();
    name.strip_suffix("EventAttributes")
        .unwrap_or(name)
        .to_owned()
}

/// A failure the client makes for a close event that carries none (cancelled, terminated,
/// timed out), so that every unsuccessful close reads the same way.
fn synthetic_failure(message: &str, info: FailureInfo) -> ProtoFailure {
    ProtoFailure {
        message: message.to_owned(),
        failure_info: Some(info),
        ..Default::default()
    }
}

/// A long poll that lasted at least this long before it came back empty was held by the
/// server, as a healthy one is (about 20 s): it is sent again at once. One that came back
/// sooner is a server that answers without waiting, and is sent again after a delay.
pub(crate) const HELD_POLL: Duration = Duration::from_secs(1);
/// The delay after the first quick empty answer.
const FIRST_DELAY: Duration = Duration::from_millis(100);
/// The longest delay: at most one poll per this much against a server that never waits.
const MAX_DELAY: Duration = Duration::from_secs(5);

/// What a long-poll loop does after an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PollStep {
    /// The answer is what the loop waited for.
    Done,
    /// Poll again after this delay (zero: at once).
    PollAgain(Duration),
}

/// Paces a long-poll loop: answers without what the loop waits for (no event, no outcome, or
/// a deadline that passed) are polled again at once after a poll the server held, and after a
/// growing delay (100 ms, doubling, at most 5 s) while the server answers without holding.
#[derive(Debug)]
pub(crate) struct LongPoll {
    next_delay: Duration,
}

impl Default for LongPoll {
    fn default() -> Self {
        Self {
            next_delay: FIRST_DELAY,
        }
    }
}

impl LongPoll {
    /// What follows an answer that came after `elapsed`; `answered` says whether it has what
    /// the loop waits for.
    pub(crate) fn step(&mut self, answered: bool, elapsed: Duration) -> PollStep {
        if answered {
            return PollStep::Done;
        }
        if elapsed >= HELD_POLL {
            self.next_delay = FIRST_DELAY;
            return PollStep::PollAgain(Duration::ZERO);
        }
        let delay = self.next_delay;
        self.next_delay = (delay * 2).min(MAX_DELAY);
        PollStep::PollAgain(delay)
    }

    /// Sleeps before polling again after an answer without what the loop waits for, which
    /// came after `elapsed`.
    pub(crate) async fn before_next_poll(&mut self, elapsed: Duration) {
        if let PollStep::PollAgain(delay) = self.step(false, elapsed)
            && !delay.is_zero()
        {
            tokio::time::sleep(delay).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use temporal_proto::api::common::v1::Payload;
    use temporal_proto::api::history::v1::{
        WorkflowExecutionCanceledEventAttributes, WorkflowExecutionCompletedEventAttributes,
        WorkflowExecutionContinuedAsNewEventAttributes, WorkflowExecutionFailedEventAttributes,
        WorkflowExecutionSignaledEventAttributes, WorkflowExecutionTimedOutEventAttributes,
    };

    use super::*;

    fn completed(new_run: &str) -> Attributes {
        Attributes::WorkflowExecutionCompletedEventAttributes(
            WorkflowExecutionCompletedEventAttributes {
                result: Some(Payloads {
                    payloads: vec![Payload::default()],
                }),
                new_execution_run_id: new_run.to_owned(),
                ..Default::default()
            },
        )
    }

    fn failed(new_run: &str) -> Attributes {
        Attributes::WorkflowExecutionFailedEventAttributes(WorkflowExecutionFailedEventAttributes {
            failure: Some(ProtoFailure {
                message: "boom".to_owned(),
                ..Default::default()
            }),
            retry_state: RetryState::MaximumAttemptsReached.into(),
            new_execution_run_id: new_run.to_owned(),
            ..Default::default()
        })
    }

    fn continued(new_run: &str) -> Attributes {
        Attributes::WorkflowExecutionContinuedAsNewEventAttributes(
            WorkflowExecutionContinuedAsNewEventAttributes {
                new_execution_run_id: new_run.to_owned(),
                ..Default::default()
            },
        )
    }

    #[test]
    fn a_completion_without_a_next_run_returns_its_result() {
        let mut chain = RunChain::new("a".to_owned(), true);
        assert!(matches!(
            chain.on_close(completed("")),
            CloseStep::Complete(Some(_))
        ));
    }

    #[test]
    fn a_chain_is_followed_run_by_run() {
        let mut chain = RunChain::new(String::new(), true);
        assert_eq!(
            chain.on_close(continued("b")),
            CloseStep::Follow {
                run_id: "b".to_owned()
            }
        );
        assert_eq!(chain.current(), "b");
        assert_eq!(
            chain.on_close(failed("c")),
            CloseStep::Follow {
                run_id: "c".to_owned()
            }
        );
        assert_eq!(
            chain.on_close(completed("d")),
            CloseStep::Follow {
                run_id: "d".to_owned()
            }
        );
        assert!(matches!(
            chain.on_close(failed("")),
            CloseStep::Fail {
                retry_state: RetryState::MaximumAttemptsReached,
                ..
            }
        ));
    }

    #[test]
    fn a_run_that_names_itself_next_is_a_protocol_violation() {
        let mut chain = RunChain::new("a".to_owned(), true);
        assert_eq!(
            chain.on_close(completed("a")),
            CloseStep::Violation(ProtocolViolation::RunChainLoop {
                run_id: "a".to_owned()
            })
        );
    }

    #[test]
    fn a_loop_through_earlier_runs_is_a_protocol_violation() {
        let mut chain = RunChain::new(String::new(), true);
        assert!(matches!(
            chain.on_close(continued("a")),
            CloseStep::Follow { .. }
        ));
        assert!(matches!(
            chain.on_close(timed_out("b")),
            CloseStep::Follow { .. }
        ));
        assert_eq!(
            chain.on_close(continued("a")),
            CloseStep::Violation(ProtocolViolation::RunChainLoop {
                run_id: "a".to_owned()
            })
        );
    }

    fn timed_out(new_run: &str) -> Attributes {
        Attributes::WorkflowExecutionTimedOutEventAttributes(
            WorkflowExecutionTimedOutEventAttributes {
                new_execution_run_id: new_run.to_owned(),
                ..Default::default()
            },
        )
    }

    #[test]
    fn a_long_chain_forgets_its_oldest_runs_but_not_its_latest() {
        let mut chain = RunChain::new("run-0".to_owned(), true);
        for i in 1..=2 * REMEMBERED_RUNS {
            assert!(matches!(
                chain.on_close(continued(&format!("run-{i}"))),
                CloseStep::Follow { .. }
            ));
        }
        assert_eq!(chain.seen.len(), REMEMBERED_RUNS);
        let latest = format!("run-{}", 2 * REMEMBERED_RUNS);
        assert!(matches!(
            chain.on_close(continued(&latest)),
            CloseStep::Violation(_)
        ));
    }

    #[test]
    fn without_following_runs_a_next_run_ends_the_wait() {
        let mut chain = RunChain::new("a".to_owned(), false);
        assert_eq!(
            chain.on_close(continued("a")),
            CloseStep::ContinuedAsNew {
                new_run_id: "a".to_owned()
            }
        );
        // A completion that names a next run is the cron case: its own result is returned.
        let mut chain = RunChain::new("a".to_owned(), false);
        assert!(matches!(
            chain.on_close(completed("b")),
            CloseStep::Complete(_)
        ));
    }

    #[test]
    fn cancellation_is_a_failure_with_the_details() {
        let mut chain = RunChain::new("a".to_owned(), true);
        let step = chain.on_close(Attributes::WorkflowExecutionCanceledEventAttributes(
            WorkflowExecutionCanceledEventAttributes::default(),
        ));
        let CloseStep::Fail { failure, .. } = step else {
            panic!("{step:?}");
        };
        assert!(matches!(
            failure.failure_info,
            Some(FailureInfo::CanceledFailureInfo(_))
        ));
    }

    #[test]
    fn an_event_that_closes_nothing_is_a_protocol_violation() {
        let mut chain = RunChain::new("a".to_owned(), true);
        assert_eq!(
            chain.on_close(Attributes::WorkflowExecutionSignaledEventAttributes(
                WorkflowExecutionSignaledEventAttributes::default()
            )),
            CloseStep::Violation(ProtocolViolation::UnexpectedCloseEvent {
                kind: "WorkflowExecutionSignaled".to_owned()
            })
        );
        assert!(matches!(
            chain.on_close(continued("")),
            CloseStep::Violation(ProtocolViolation::UnexpectedCloseEvent { .. })
        ));
    }

    #[test]
    fn a_held_poll_is_sent_again_at_once() {
        let mut poll = LongPoll::default();
        assert_eq!(
            poll.step(false, Duration::from_secs(20)),
            PollStep::PollAgain(Duration::ZERO)
        );
        assert_eq!(poll.step(true, Duration::ZERO), PollStep::Done);
    }

    #[test]
    fn quick_empty_answers_back_off_to_a_cap_and_a_held_poll_resets() {
        let mut poll = LongPoll::default();
        let delays: Vec<_> = (0..8)
            .map(|_| match poll.step(false, Duration::from_millis(2)) {
                PollStep::PollAgain(delay) => delay.as_millis(),
                PollStep::Done => panic!("not answered"),
            })
            .collect();
        assert_eq!(delays, [100, 200, 400, 800, 1600, 3200, 5000, 5000]);
        assert_eq!(
            poll.step(false, HELD_POLL),
            PollStep::PollAgain(Duration::ZERO)
        );
        assert_eq!(
            poll.step(false, Duration::ZERO),
            PollStep::PollAgain(FIRST_DELAY)
        );
    }
}
