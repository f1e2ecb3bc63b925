//! Request metrics through the `metrics` facade (the `metrics` feature), named as the other
//! SDKs name them: `temporal_request`, `temporal_request_failure` and
//! `temporal_request_latency` for each attempt of an ordinary call, `temporal_long_request*`
//! for each attempt of a long poll; labelled with `operation` (the gRPC method) and
//! `namespace`, and failures with `status_code` too. Latency is in seconds.

use std::time::Duration;

/// Records one attempt of `operation`.
pub(crate) fn record_attempt(
    operation: &'static str,
    namespace: &str,
    long_poll: bool,
    elapsed: Duration,
    failure: Option<&tonic::Status>,
) {
    let (requests, failures, latency) = if long_poll {
        (
            "temporal_long_request",
            "temporal_long_request_failure",
            "temporal_long_request_latency",
        )
    } else {
        (
            "temporal_request",
            "temporal_request_failure",
            "temporal_request_latency",
        )
    };
    let namespace = namespace.to_owned();
    ::metrics::counter!(requests, "operation" => operation, "namespace" => namespace.clone())
        .increment(1);
    if let Some(status) = failure {
        ::metrics::counter!(
            failures,
            "operation" => operation,
            "namespace" => namespace.clone(),
            "status_code" => code_name(status.code()),
        )
        .increment(1);
    }
    ::metrics::histogram!(latency, "operation" => operation, "namespace" => namespace)
        .record(elapsed.as_secs_f64());
}

/// The gRPC code as the other SDKs label it: `NOT_FOUND`, `UNAVAILABLE`, ...
fn code_name(code: tonic::Code) -> &'static str {
    use tonic::Code;
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}
