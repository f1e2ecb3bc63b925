//! What every client's workload child shares, whichever client it drives: the names of what
//! the parent prepared on the server, the argument, the warm-up, and the loop that makes `ops`
//! operations at a concurrency and measures them.
//!
//! The official client's driver (`bench/official`, its own workspace) includes this module,
//! `measure.rs`, `spec.rs` and `operation.rs` by path, so that both children measure alike.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use crate::Error;
use crate::measure::{Sample, process_usage};

/// The namespace every workload works in.
pub(crate) const NAMESPACE: &str = "default";
/// The workflow type of workflows that wait on the idle queue.
pub(crate) const WAITING_TYPE: &str = "benchNoop";
/// The workflow type the worker completes at once.
pub(crate) const QUICK_TYPE: &str = "benchQuick";
/// The signal every signal operation sends.
pub(crate) const SIGNAL_NAME: &str = "benchSignal";
/// The query the worker answers, with the answer it gives.
pub(crate) const QUERY_NAME: &str = "benchQuery";
pub(crate) const QUERY_ANSWER: &str = "bench";
/// How many workflows the list operation lists.
pub(crate) const LISTED_WORKFLOWS: usize = 10;
/// Operations made before measuring, so that the connection is warm in every mode.
pub(crate) const WARMUP_OPS: usize = 16;

/// A JSON string whose encoding (quotes included) is `len` bytes, or a short one for 0.
pub(crate) fn json_string_of_encoded_len(len: usize) -> String {
    if len == 0 {
        "bench".to_owned()
    } else {
        "x".repeat(len.saturating_sub(2))
    }
}

/// One client's way of making operation `i` of a workload.
pub(crate) trait Operate: Send + Sync + 'static {
    fn run_one(&self, i: usize) -> impl Future<Output = Result<(), Error>> + Send;
}

/// Makes [`WARMUP_OPS`] unmeasured operations, then `ops` measured ones with `concurrency` in
/// flight (tasks on the caller's runtime), and returns what they cost the process.
pub(crate) async fn run_operations<O: Operate>(
    operator: Arc<O>,
    ops: usize,
    concurrency: usize,
) -> Result<Sample, Error> {
    for i in 0..WARMUP_OPS {
        operator.run_one(usize::MAX - i).await?;
    }
    let next = Arc::new(AtomicUsize::new(0));
    let track_heap = crate::memory::enabled();
    let usage = process_usage();
    let started = Instant::now();
    // `concurrency` tasks even when there are fewer operations: the per-operation counts are a
    // run of `ops` less a run of none (`per_op_counts`), so both must spawn alike, or the
    // spawning (each task's future copied into its cell) is counted as the operations' cost.
    let tasks: Vec<_> = (0..concurrency.max(1))
        .map(|_| {
            let operator = Arc::clone(&operator);
            let next = Arc::clone(&next);
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(ops / concurrency + 1);
                let mut errors = 0;
                let mut first_error = None;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= ops {
                        break;
                    }
                    let op_started = Instant::now();
                    let outcome = operator.run_one(i).await;
                    if track_heap {
                        crate::memory::note_live_heap();
                    }
                    match outcome {
                        Ok(()) => latencies.push(op_started.elapsed()),
                        Err(err) => {
                            errors += 1;
                            first_error.get_or_insert_with(|| err.to_string());
                        }
                    }
                }
                (latencies, errors, first_error)
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(ops);
    let mut errors = 0;
    let mut first_error = None;
    for task in tasks {
        let (task_latencies, task_errors, task_error) = task.await?;
        latencies.extend(task_latencies);
        errors += task_errors;
        first_error = first_error.or(task_error);
    }
    let wall = started.elapsed();
    let usage = process_usage() - usage;
    crate::memory::report_if_enabled();
    Ok(Sample::from_latencies(
        latencies,
        errors,
        first_error,
        wall,
        usage,
    ))
}

/// An answer that is not the one the workload expects is an error, not a fast operation.
pub(crate) fn check_answer(answer: &str, expected: &str) -> Result<(), Error> {
    if answer == expected {
        Ok(())
    } else {
        Err(format!(
            "unexpected answer of {} bytes (expected {})",
            answer.len(),
            expected.len()
        )
        .into())
    }
}

/// A list that does not hold every listed workflow is an error.
pub(crate) fn check_listed(listed: usize) -> Result<(), Error> {
    if listed == LISTED_WORKFLOWS {
        Ok(())
    } else {
        Err(format!("listed {listed} workflows, expected {LISTED_WORKFLOWS}").into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_values_encode_to_the_asked_size() {
        for len in [2, 1024, 1024 * 1024] {
            let value = json_string_of_encoded_len(len);
            assert_eq!(serde_json::to_vec(&value).expect("json").len(), len);
        }
        assert_eq!(json_string_of_encoded_len(0), "bench");
    }

    /// Fails the measured operations whose index is a multiple of 3 (warm-up indices are
    /// counted down from `usize::MAX`, far above any workload's).
    struct FailEveryThird;

    impl Operate for FailEveryThird {
        async fn run_one(&self, i: usize) -> Result<(), Error> {
            if i < 1_000 && i.is_multiple_of(3) {
                Err(format!("operation {i} failed").into())
            } else {
                Ok(())
            }
        }
    }

    #[test]
    fn every_operation_is_made_once_and_failures_are_counted() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let sample = runtime
            .block_on(run_operations(Arc::new(FailEveryThird), 10, 4))
            .expect("runs");
        // 0, 3, 6 and 9 fail; the other six succeed.
        assert_eq!((sample.ops, sample.errors), (6, 4));
        assert!(
            sample
                .first_error
                .as_deref()
                .is_some_and(|e| e.ends_with("failed")),
            "{sample:?}"
        );
        assert_eq!(check_answer("bench", QUERY_ANSWER).ok(), Some(()));
        assert!(check_answer("x", "bench").is_err());
        assert!(check_listed(LISTED_WORKFLOWS).is_ok() && check_listed(9).is_err());
    }
}
