//! `tracing` spans for each operation and each of its attempts (the `tracing` feature).
//!
//! Spans are at `DEBUG` level under the `temporal_client` target, so that they are quiet
//! unless a subscriber asks for them: `temporal_client=debug`.

use std::future::Future;

use tracing::{Instrument, Span, field};

/// The span of one operation: `temporal.call`, with its operation (gRPC method),
/// namespace, workflow id, and the workflow type when the operation starts a workflow (a
/// start, signal-with-start, update-with-start, or a schedule's create or update); its
/// outcome's gRPC code is recorded when it ends.
pub(crate) fn operation_span(
    operation: &'static str,
    namespace: &str,
    workflow_id: &str,
    workflow_type: Option<&str>,
) -> Span {
    tracing::debug_span!(
        target: "temporal_client",
        "temporal.call",
        operation,
        namespace,
        workflow_id,
        workflow_type,
        code = field::Empty,
    )
}

/// Records the operation's outcome: `Ok`, or its failure's gRPC code.
pub(crate) fn record_outcome(span: &Span, failure: Option<&tonic::Status>) {
    if span.is_disabled() {
        return;
    }
    match failure {
        None => span.record("code", "Ok"),
        Some(status) => span.record("code", field::debug(status.code())),
    };
}

/// The span of one attempt of `operation`, numbered from 1.
pub(crate) fn attempt_span(operation: &Span, attempt: u32) -> Span {
    tracing::debug_span!(
        target: "temporal_client",
        parent: operation,
        "temporal.attempt",
        attempt,
        code = field::Empty,
    )
}

/// Runs an attempt in its span, and records its gRPC code there.
pub(crate) async fn instrument_attempt<T>(
    attempt: impl Future<Output = Result<T, tonic::Status>>,
    span: Span,
) -> Result<T, tonic::Status> {
    let outcome = attempt.instrument(span.clone()).await;
    record_outcome(&span, outcome.as_ref().err());
    outcome
}
