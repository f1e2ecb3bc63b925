//! Every call a [`Client`] makes: its deadline, headers and retries ([`CallOptions`]), and
//! the bound on the long polls it holds open.
//!
//! Each attempt of a call is bounded twice: the server is told the deadline (`grpc-timeout`),
//! and the client stops waiting when it passes, whether the attempt is waiting for a
//! connection, for a TLS handshake or for the answer. So no server, however broken, holds a
//! caller longer than its deadline (times the retry policy's attempts).

use std::fmt;
use std::future::Future;
use std::time::Duration;

use tokio::sync::Semaphore;
use tonic::metadata::MetadataMap;

use crate::client::Client;
use crate::connection::{RedactedHeaders, RedactedMetadata, WorkflowService, parse_header};
use crate::error::Error;
use crate::retry::{CallKind, RpcRetryPolicy, with_retries};

/// The deadline of each attempt of a call that is not a long poll, unless
/// [`CallOptions::timeout`] sets another: 30 s, as the official Rust SDK's client.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use temporal_client::DEFAULT_CALL_TIMEOUT;
///
/// assert_eq!(DEFAULT_CALL_TIMEOUT, Duration::from_secs(30));
/// ```
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// The deadline of one long poll (a result, update or history wait): longer than the server
/// holds one (about 20 s), so a poll ends with an answer, not a timeout.
pub(crate) const LONG_POLL_TIMEOUT: Duration = Duration::from_secs(70);

/// How many long polls a client holds open at once by default: below the server's default
/// limit per namespace (about 1,200, workers' task polls included).
pub(crate) const DEFAULT_MAX_CONCURRENT_LONG_POLLS: usize = 500;

/// Settings for each call a client makes: a deadline, extra headers and a retry policy. Apply
/// them with [`Client::with_call_options`](crate::Client::with_call_options); handles from that
/// client use them too.
///
/// # Examples
///
/// ```no_run
/// use std::time::Duration;
/// use temporal_client::{CallOptions, RpcRetryPolicy};
///
/// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
/// let urgent = client.with_call_options(
///     CallOptions::default()
///         .timeout(Duration::from_secs(2))
///         .header("x-request-origin", "checkout")
///         .retry_policy(RpcRetryPolicy::disabled()),
/// )?;
/// urgent.get_handle::<temporal_client::Untyped>("order-1234").signal("cancelOrder").await?;
/// # Ok(())
/// # }
/// ```
///
/// `Debug` shows header names only: a header value may be a credential.
#[derive(Clone, Default)]
#[must_use]
pub struct CallOptions {
    timeout: Option<Duration>,
    headers: Vec<(String, String)>,
    retry_policy: Option<RpcRetryPolicy>,
}

impl CallOptions {
    /// The deadline of each attempt of each call: sent to the server as `grpc-timeout`, and
    /// kept by the client too, so that it also bounds the wait for a connection (and its TLS
    /// handshake). Long polls, such as the wait of `result()`, keep their own longer deadline
    /// (70 s per poll, re-issued until the workflow closes).
    ///
    /// Defaults to [`DEFAULT_CALL_TIMEOUT`] (30 s).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::CallOptions;
    ///
    /// let options = CallOptions::default().timeout(Duration::from_secs(5));
    /// # let _ = options;
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends this header with each call, besides the connection's.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::CallOptions;
    ///
    /// let options = CallOptions::default().header("x-request-origin", "checkout");
    /// # let _ = options;
    /// ```
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Retries calls with this policy instead of the connection's.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{CallOptions, RpcRetryPolicy};
    ///
    /// let options = CallOptions::default().retry_policy(RpcRetryPolicy::disabled());
    /// # let _ = options;
    /// ```
    pub fn retry_policy(mut self, policy: RpcRetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    pub(crate) fn resolve(self) -> Result<ResolvedCallOptions, Error> {
        let mut metadata = MetadataMap::with_capacity(self.headers.len());
        for (name, value) in &self.headers {
            let (key, mut value) =
                parse_header(name, value).map_err(|reason| Error::invalid("header", reason))?;
            if name.eq_ignore_ascii_case("authorization") {
                value.set_sensitive(true);
            }
            metadata.insert(key, value);
        }
        Ok(ResolvedCallOptions {
            timeout: self.timeout,
            metadata,
            retry_policy: self.retry_policy,
        })
    }
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallOptions")
            .field("timeout", &self.timeout)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("retry_policy", &self.retry_policy)
            .finish()
    }
}

/// [`CallOptions`] with validated headers, as a client keeps them.
#[derive(Clone, Default)]
pub(crate) struct ResolvedCallOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) metadata: MetadataMap,
    pub(crate) retry_policy: Option<RpcRetryPolicy>,
}

impl fmt::Debug for ResolvedCallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolvedCallOptions")
            .field("timeout", &self.timeout)
            .field("metadata", &RedactedMetadata(&self.metadata))
            .field("retry_policy", &self.retry_policy)
            .finish()
    }
}

impl ResolvedCallOptions {
    /// The deadline of each attempt: `long_poll`'s for a long poll, else the options'.
    fn deadline(&self, long_poll: Option<Duration>) -> Duration {
        long_poll.or(self.timeout).unwrap_or(DEFAULT_CALL_TIMEOUT)
    }

    /// Adds the headers and the deadline to one attempt.
    fn apply<T>(&self, request: &mut tonic::Request<T>, deadline: Duration) {
        request.set_timeout(deadline);
        if !self.metadata.is_empty() {
            let metadata = request.metadata_mut();
            for entry in self.metadata.iter() {
                if let tonic::metadata::KeyAndValueRef::Ascii(key, value) = entry {
                    metadata.insert(key.clone(), value.clone());
                }
            }
        }
    }
}

/// The slots for the long polls of a client (and of the clients derived from it): a wait
/// beyond the bound queues, first come first served, instead of being refused by the server.
#[derive(Debug)]
pub(crate) struct LongPollSlots(Semaphore);

impl LongPollSlots {
    pub(crate) fn new(slots: usize) -> Self {
        Self(Semaphore::new(slots.clamp(1, Semaphore::MAX_PERMITS)))
    }
}

/// What a call needs of its [`Client`].
#[derive(Debug)]
pub(crate) struct CallContext<'a> {
    pub(crate) service: &'a WorkflowService,
    pub(crate) options: &'a ResolvedCallOptions,
    /// The connection's policy, used unless the call options set one.
    pub(crate) retry_policy: &'a crate::retry::RpcRetryPolicy,
    pub(crate) namespace: &'a str,
    pub(crate) long_polls: &'a LongPollSlots,
}

impl Client {
    /// Makes a unary call with the client's deadline and retry policy; every attempt sends
    /// the same request (and so the same request id). Errors name `workflow_id`.
    pub(crate) async fn call<Req, Resp, F, Fut>(
        &self,
        request: Req,
        workflow_id: &str,
        send: F,
    ) -> Result<Resp, Error>
    where
        Req: Clone,
        F: Fn(WorkflowService, tonic::Request<Req>) -> Fut,
        Fut: Future<Output = Result<tonic::Response<Resp>, tonic::Status>>,
    {
        self.call_with_timeout(request, workflow_id, None, send)
            .await
    }

    /// As [`call`](Client::call); `long_poll_timeout`, when set, makes the call a long poll
    /// with that deadline (see [`LONG_POLL_TIMEOUT`]).
    pub(crate) async fn call_with_timeout<Req, Resp, F, Fut>(
        &self,
        request: Req,
        workflow_id: &str,
        long_poll_timeout: Option<Duration>,
        send: F,
    ) -> Result<Resp, Error>
    where
        Req: Clone,
        F: Fn(WorkflowService, tonic::Request<Req>) -> Fut,
        Fut: Future<Output = Result<tonic::Response<Resp>, tonic::Status>>,
    {
        self.call_raw_with_timeout(request, long_poll_timeout, send)
            .await
            .map_err(|status| {
                Error::from_status(status, workflow_id, self.call_context().namespace)
            })
    }

    /// As [`call`](Client::call), leaving the failed status to the caller to interpret.
    pub(crate) async fn call_raw<Req, Resp, F, Fut>(
        &self,
        request: Req,
        send: F,
    ) -> Result<Resp, tonic::Status>
    where
        Req: Clone,
        F: Fn(WorkflowService, tonic::Request<Req>) -> Fut,
        Fut: Future<Output = Result<tonic::Response<Resp>, tonic::Status>>,
    {
        self.call_raw_with_timeout(request, None, send).await
    }

    async fn call_raw_with_timeout<Req, Resp, F, Fut>(
        &self,
        request: Req,
        long_poll_timeout: Option<Duration>,
        send: F,
    ) -> Result<Resp, tonic::Status>
    where
        Req: Clone,
        F: Fn(WorkflowService, tonic::Request<Req>) -> Fut,
        Fut: Future<Output = Result<tonic::Response<Resp>, tonic::Status>>,
    {
        let context = self.call_context();
        let options = context.options;
        let policy = options
            .retry_policy
            .as_ref()
            .unwrap_or(context.retry_policy);
        let deadline = options.deadline(long_poll_timeout);
        let kind = match long_poll_timeout {
            Some(_) => CallKind::LongPoll,
            None => CallKind::Unary,
        };
        let send = &send;
        // Copied for each attempt that may be followed by another; the last one takes it.
        let mut request = Some(request);
        with_retries(policy, kind, |last| {
            let attempt = if last {
                request.take()
            } else {
                request.clone()
            };
            async move {
                let Some(attempt) = attempt else {
                    return Err(tonic::Status::internal(
                        "a call was attempted after its last attempt",
                    ));
                };
                // Held for the attempt only, never across a backoff: a queued wait costs the
                // server nothing.
                let _slot = match kind {
                    CallKind::LongPoll => Some(
                        context
                            .long_polls
                            .0
                            .acquire()
                            .await
                            .map_err(|_| tonic::Status::cancelled("the client is closing"))?,
                    ),
                    CallKind::Unary => None,
                };
                let mut attempt = tonic::Request::new(attempt);
                options.apply(&mut attempt, deadline);
                match tokio::time::timeout(deadline, send(context.service.clone(), attempt)).await {
                    Ok(outcome) => outcome.map(tonic::Response::into_inner),
                    Err(_) => Err(deadline_passed(deadline)),
                }
            }
        })
        .await
    }
}

/// The status of an attempt the client stopped waiting for at its deadline: no answer, or no
/// connection to send it on, in time.
fn deadline_passed(deadline: Duration) -> tonic::Status {
    tonic::Status::deadline_exceeded(format!(
        "no answer within the call's deadline of {deadline:?} (the client stopped waiting; \
         the server may have been unreachable, or slow to answer)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_deadline_are_applied_and_long_polls_keep_theirs() {
        let resolved = CallOptions::default()
            .timeout(Duration::from_secs(2))
            .header("x-origin", "checkout")
            .resolve()
            .expect("valid");
        let mut request = tonic::Request::new(());
        resolved.apply(&mut request, resolved.deadline(None));
        assert_eq!(request.metadata().get("x-origin").expect("set"), "checkout");
        assert_eq!(
            request.metadata().get("grpc-timeout").expect("set"),
            "2000000u"
        );
        let mut poll = tonic::Request::new(());
        resolved.apply(&mut poll, resolved.deadline(Some(LONG_POLL_TIMEOUT)));
        assert_eq!(
            poll.metadata().get("grpc-timeout").expect("set"),
            "70000000u"
        );
    }

    #[test]
    fn every_call_has_a_deadline_by_default() {
        let resolved = CallOptions::default().resolve().expect("valid");
        assert_eq!(resolved.deadline(None), DEFAULT_CALL_TIMEOUT);
        let mut request = tonic::Request::new(());
        resolved.apply(&mut request, resolved.deadline(None));
        assert_eq!(
            request.metadata().get("grpc-timeout").expect("set"),
            "30000000u"
        );
    }

    #[test]
    fn an_invalid_header_is_an_invalid_argument() {
        let err = CallOptions::default()
            .header("Not Valid", "x")
            .resolve()
            .expect_err("refused");
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    field: "header",
                    ..
                }
            ),
            "{err:?}"
        );
    }
}
