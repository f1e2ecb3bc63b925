//! [`Code`]: the gRPC status code of a failed call, as this crate's own type, so that a
//! tonic upgrade does not change it.

use std::fmt;

/// The gRPC status code of a failed call ([`RpcError::code`](crate::RpcError::code)): the
/// codes of the gRPC specification, with their names.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{Code, Error};
///
/// # async fn example(client: temporal_client::Client) {
/// match client.count("NotAnAttribute = 1").await {
///     Err(Error::Rpc(rpc)) if rpc.code() == Code::InvalidArgument => eprintln!("bad query"),
///     Err(Error::Rpc(rpc)) if rpc.code() == Code::PermissionDenied => eprintln!("no access"),
///     other => println!("{other:?}"),
/// }
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    /// Not an error (never the code of an [`RpcError`](crate::RpcError)).
    Ok,
    /// The operation was cancelled, typically by the caller.
    Cancelled,
    /// An unknown error.
    Unknown,
    /// The client sent an invalid argument.
    InvalidArgument,
    /// The deadline passed before the operation completed.
    DeadlineExceeded,
    /// Something asked for was not found.
    NotFound,
    /// Something the client tried to create already exists.
    AlreadyExists,
    /// The caller may not perform the operation.
    PermissionDenied,
    /// A resource (a rate limit, a quota, a message size) is exhausted.
    ResourceExhausted,
    /// The system is not in the state the operation requires.
    FailedPrecondition,
    /// The operation was aborted, typically by a concurrency conflict.
    Aborted,
    /// The operation went past the valid range.
    OutOfRange,
    /// The operation is not implemented or not supported by the server.
    Unimplemented,
    /// An internal error of the server.
    Internal,
    /// The service is unavailable: a transient condition.
    Unavailable,
    /// Data was lost or corrupted.
    DataLoss,
    /// The request does not carry valid credentials.
    Unauthenticated,
}

impl Code {
    /// The code's name in the gRPC specification, such as `INVALID_ARGUMENT`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(temporal_client::Code::InvalidArgument.as_str(), "INVALID_ARGUMENT");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "OK",
            Self::Cancelled => "CANCELLED",
            Self::Unknown => "UNKNOWN",
            Self::InvalidArgument => "INVALID_ARGUMENT",
            Self::DeadlineExceeded => "DEADLINE_EXCEEDED",
            Self::NotFound => "NOT_FOUND",
            Self::AlreadyExists => "ALREADY_EXISTS",
            Self::PermissionDenied => "PERMISSION_DENIED",
            Self::ResourceExhausted => "RESOURCE_EXHAUSTED",
            Self::FailedPrecondition => "FAILED_PRECONDITION",
            Self::Aborted => "ABORTED",
            Self::OutOfRange => "OUT_OF_RANGE",
            Self::Unimplemented => "UNIMPLEMENTED",
            Self::Internal => "INTERNAL",
            Self::Unavailable => "UNAVAILABLE",
            Self::DataLoss => "DATA_LOSS",
            Self::Unauthenticated => "UNAUTHENTICATED",
        }
    }

    pub(crate) fn from_tonic(code: tonic::Code) -> Self {
        match code {
            tonic::Code::Ok => Self::Ok,
            tonic::Code::Cancelled => Self::Cancelled,
            tonic::Code::Unknown => Self::Unknown,
            tonic::Code::InvalidArgument => Self::InvalidArgument,
            tonic::Code::DeadlineExceeded => Self::DeadlineExceeded,
            tonic::Code::NotFound => Self::NotFound,
            tonic::Code::AlreadyExists => Self::AlreadyExists,
            tonic::Code::PermissionDenied => Self::PermissionDenied,
            tonic::Code::ResourceExhausted => Self::ResourceExhausted,
            tonic::Code::FailedPrecondition => Self::FailedPrecondition,
            tonic::Code::Aborted => Self::Aborted,
            tonic::Code::OutOfRange => Self::OutOfRange,
            tonic::Code::Unimplemented => Self::Unimplemented,
            tonic::Code::Internal => Self::Internal,
            tonic::Code::Unavailable => Self::Unavailable,
            tonic::Code::DataLoss => Self::DataLoss,
            tonic::Code::Unauthenticated => Self::Unauthenticated,
        }
    }
}

/// The specification's name, such as `INVALID_ARGUMENT`.
impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tonic_code_maps_to_the_code_of_the_same_number() {
        for number in 0..=16 {
            let tonic = tonic::Code::from_i32(number);
            let ours = Code::from_tonic(tonic);
            assert_eq!(format!("{ours:?}"), format!("{tonic:?}"));
            assert_eq!(ours as i32, number, "{ours:?}");
        }
    }
}
