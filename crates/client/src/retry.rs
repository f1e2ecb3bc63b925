//! Retrying RPCs that failed for transient reasons.
//!
//! Every unary call the client makes goes through [`RpcRetryPolicy`]: `UNAVAILABLE`, `ABORTED`,
//! `INTERNAL`, `UNKNOWN` and `DATA_LOSS` are retried with exponential backoff and jitter, and
//! `RESOURCE_EXHAUSTED` (the server throttling) with a longer first delay, as the official SDKs
//! do. So is a call whose connection closed under it, which tonic reports as `CANCELLED`. Every
//! other code is an answer, not a hiccup, and is returned at once. Retrying is safe
//! because every mutating request carries a `request_id` made once per logical call, so the
//! server deduplicates a retried start, signal or cancel.
//!
//! A failure of the transport that no retry can fix (a refused certificate, a name that does
//! not resolve, a server that does not speak HTTP/2) is returned at once, its reason in the
//! message. The time budget counts from a call's first failure, so the time a server held a
//! healthy long poll is never spent; the throttling of a long poll is retried for as long as
//! the caller waits. When the policy gives up after an attempt whose connection was lost
//! under it, the status says the outcome is unknown ([`OutcomeUnknown`]).
//!
//! Classification and backoff are pure functions of their inputs; the random jitter is passed
//! in, so they are tested without a clock.

use std::time::Duration;

use tonic::Code;

/// How a failed call is retried.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use temporal_client::RpcRetryPolicy;
///
/// let patient = RpcRetryPolicy::default()
///     .max_attempts(20)
///     .max_elapsed(Duration::from_secs(60));
/// let never = RpcRetryPolicy::disabled();
/// # let _ = (patient, never);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct RpcRetryPolicy {
    pub(crate) initial_interval: Duration,
    pub(crate) throttled_initial_interval: Duration,
    pub(crate) multiplier: f64,
    pub(crate) max_interval: Duration,
    pub(crate) jitter: f64,
    pub(crate) max_attempts: u32,
    pub(crate) max_elapsed: Duration,
}

impl Default for RpcRetryPolicy {
    /// 100 ms first delay (1 s when throttled), ×1.7 per attempt up to 5 s, ±20 % jitter, at
    /// most 10 attempts and 10 s after the first failure. The throttling of a long poll (a
    /// result, update or history wait) is retried for as long as the caller waits.
    fn default() -> Self {
        Self {
            initial_interval: Duration::from_millis(100),
            throttled_initial_interval: Duration::from_secs(1),
            multiplier: 1.7,
            max_interval: Duration::from_secs(5),
            jitter: 0.2,
            max_attempts: 10,
            max_elapsed: Duration::from_secs(10),
        }
    }
}

impl RpcRetryPolicy {
    /// A policy that makes every call exactly once.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{CallOptions, RpcRetryPolicy};
    ///
    /// let once = CallOptions::default().retry_policy(RpcRetryPolicy::disabled());
    /// # let _ = once;
    /// ```
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The delay before the first retry. Defaults to 100 ms.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::RpcRetryPolicy;
    ///
    /// let policy = RpcRetryPolicy::default().initial_interval(Duration::from_millis(250));
    /// # let _ = policy;
    /// ```
    pub fn initial_interval(mut self, interval: Duration) -> Self {
        self.initial_interval = interval;
        self
    }

    /// The delay before the first retry of a throttled (`RESOURCE_EXHAUSTED`) call. Defaults to
    /// 1 s.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::RpcRetryPolicy;
    ///
    /// let policy = RpcRetryPolicy::default().throttled_initial_interval(Duration::from_secs(3));
    /// # let _ = policy;
    /// ```
    pub fn throttled_initial_interval(mut self, interval: Duration) -> Self {
        self.throttled_initial_interval = interval;
        self
    }

    /// How much each delay grows over the previous one. Defaults to 1.7; values below 1 are
    /// taken as 1.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::RpcRetryPolicy;
    ///
    /// let policy = RpcRetryPolicy::default().multiplier(2.0);
    /// # let _ = policy;
    /// ```
    pub fn multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = multiplier;
        self
    }

    /// The longest delay between two attempts. Defaults to 5 s.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::RpcRetryPolicy;
    ///
    /// let policy = RpcRetryPolicy::default().max_interval(Duration::from_secs(2));
    /// # let _ = policy;
    /// ```
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    /// The fraction by which each delay is randomly lengthened or shortened, so that clients
    /// that failed together do not retry together. Defaults to 0.2; clamped to `0.0..=1.0`.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::RpcRetryPolicy;
    ///
    /// let policy = RpcRetryPolicy::default().jitter(0.5);
    /// # let _ = policy;
    /// ```
    pub fn jitter(mut self, jitter: f64) -> Self {
        self.jitter = jitter;
        self
    }

    /// The most attempts a call makes, the first included. Defaults to 10; 0 is taken as 1.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::RpcRetryPolicy;
    ///
    /// let policy = RpcRetryPolicy::default().max_attempts(3);
    /// # let _ = policy;
    /// ```
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// How long after the first failure of a call no new attempt starts. Defaults to 10 s.
    ///
    /// Counted from the first failure, not from the call's start: a long poll the server held
    /// for a minute before a restart ended it still gets the whole budget to reconnect.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::RpcRetryPolicy;
    ///
    /// let policy = RpcRetryPolicy::default().max_elapsed(Duration::from_secs(60));
    /// # let _ = policy;
    /// ```
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// What to do after attempt number `attempt` (1-based) failed with `code`, `elapsed` after
    /// the first attempt began; `random` is uniform in `0.0..1.0`.
    pub(crate) fn next_step(
        &self,
        code: Code,
        attempt: u32,
        elapsed: Duration,
        random: f64,
    ) -> RetryStep {
        let throttled = match classify(code) {
            Classification::Final => return RetryStep::GiveUp,
            Classification::Transient => false,
            Classification::Throttled => true,
        };
        if attempt >= self.max_attempts.max(1) {
            return RetryStep::GiveUp;
        }
        let delay = self.backoff(attempt, throttled, random);
        if elapsed + delay > self.max_elapsed {
            return RetryStep::GiveUp;
        }
        RetryStep::RetryAfter(delay)
    }

    /// The delay after failed attempt number `attempt` (1-based).
    pub(crate) fn backoff(&self, attempt: u32, throttled: bool, random: f64) -> Duration {
        let initial = if throttled {
            self.throttled_initial_interval
        } else {
            self.initial_interval
        };
        let exponent = i32::try_from(attempt.saturating_sub(1)).unwrap_or(i32::MAX);
        let base = initial.as_secs_f64() * self.multiplier.max(1.0).powi(exponent);
        let capped = base.min(self.max_interval.as_secs_f64().max(initial.as_secs_f64()));
        let jitter = self.jitter.clamp(0.0, 1.0);
        let factor = 1.0 + jitter * (2.0 * random.clamp(0.0, 1.0) - 1.0);
        Duration::try_from_secs_f64(capped * factor).unwrap_or(self.max_interval)
    }
}

/// Whether and when to try a failed call again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum RetryStep {
    RetryAfter(Duration),
    GiveUp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Classification {
    /// The server or network hiccuped; the same request may well succeed.
    Transient,
    /// The server asked the client to slow down.
    Throttled,
    /// An answer about the request itself, or the caller's own deadline or cancellation.
    Final,
}

fn classify(code: Code) -> Classification {
    match code {
        Code::Unavailable | Code::Aborted | Code::Internal | Code::Unknown | Code::DataLoss => {
            Classification::Transient
        }
        Code::ResourceExhausted => Classification::Throttled,
        _ => Classification::Final,
    }
}

/// How a call's failures are retried, besides its policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallKind {
    /// A call the server answers at once.
    Unary,
    /// A call the server holds until it has news (a result, history or update wait): its
    /// throttling is retried for as long as the caller waits, since the caller asked to wait.
    LongPoll,
}

/// Makes a call with `attempt` until it succeeds, fails for good, or `policy` gives up; returns
/// the last status then. Each attempt must carry the same request id. `attempt` is told
/// whether it is surely the last one (no retry can follow it), so that it may give up its
/// request instead of a copy.
///
/// The policy's `max_elapsed` counts from the first failure, so the time a server held a
/// healthy long poll never uses up the budget of the outage that ended it. When the policy gives
/// up after an attempt that may have reached the server (its connection was lost under it),
/// the status says the outcome is unknown: see [`OutcomeUnknown`].
pub(crate) async fn with_retries<T, F, Fut>(
    policy: &RpcRetryPolicy,
    kind: CallKind,
    mut attempt: F,
) -> Result<T, tonic::Status>
where
    F: FnMut(bool) -> Fut,
    Fut: std::future::Future<Output = Result<T, tonic::Status>>,
{
    // A throttled long poll is retried past the policy's attempts: none of its is the last.
    let max_attempts = match kind {
        CallKind::Unary => policy.max_attempts.max(1),
        CallKind::LongPoll => u32::MAX,
    };
    let mut failing_since: Option<tokio::time::Instant> = None;
    let mut maybe_sent = false;
    let mut number = 1;
    loop {
        let status = match attempt(number >= max_attempts).await {
            Ok(value) => return Ok(value),
            Err(status) => status,
        };
        maybe_sent |= may_have_been_sent(&status);
        let failing_since = *failing_since.get_or_insert_with(tokio::time::Instant::now);
        let code = effective_code(&status);
        let step = match (kind, classify(code)) {
            // A throttled wait is retried as long as its caller waits, at the policy's pace.
            (CallKind::LongPoll, Classification::Throttled) => {
                RetryStep::RetryAfter(policy.backoff(number, true, random_unit()))
            }
            _ => policy.next_step(code, number, failing_since.elapsed(), random_unit()),
        };
        match step {
            RetryStep::GiveUp if maybe_sent && is_retryable(&status) => {
                return Err(OutcomeUnknown::status(status));
            }
            RetryStep::GiveUp => return Err(with_reason(status)),
            RetryStep::RetryAfter(delay) => {
                tokio::time::sleep(delay).await;
                number = number.saturating_add(1);
            }
        }
    }
}

/// The source of a status that says a request may have reached the server but its outcome
/// is unknown: its connection was lost during an attempt, and the retries that followed
/// failed too. Making the same call again (with the same request id) is the way to learn the
/// outcome.
#[derive(Debug)]
pub(crate) struct OutcomeUnknown {
    last: tonic::Status,
}

impl OutcomeUnknown {
    /// `last` (the final failure) as an `UNAVAILABLE` status whose source says the outcome is
    /// unknown.
    fn status(last: tonic::Status) -> tonic::Status {
        let message = format!(
            "the request may have reached the server, but its outcome is unknown: the \
             connection was lost during an attempt and the retries failed too (last: {:?}: {})",
            last.code(),
            last.message()
        );
        let mut status = tonic::Status::unavailable(message);
        status.set_source(std::sync::Arc::new(Self { last }));
        status
    }

    /// Whether `status` is one [`OutcomeUnknown::status`] made.
    pub(crate) fn is_in(status: &tonic::Status) -> bool {
        let mut source = std::error::Error::source(status);
        while let Some(error) = source {
            if error.is::<Self>() {
                return true;
            }
            source = error.source();
        }
        false
    }
}

impl std::fmt::Display for OutcomeUnknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "outcome unknown after {:?}", self.last.code())
    }
}

impl std::error::Error for OutcomeUnknown {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.last)
    }
}

/// `status` with the reason of its transport failure in its message, when it has one: tonic
/// reports every failure to connect as "transport error", which hides whether the name did
/// not resolve or the certificate was refused.
pub(crate) fn with_reason(status: tonic::Status) -> tonic::Status {
    let Some(reason) = permanent_failure(&status) else {
        return status;
    };
    let mut explained = tonic::Status::new(
        status.code(),
        format!("{reason} (not retried: the same attempt would fail the same way)"),
    );
    explained.set_source(std::sync::Arc::new(status));
    explained
}

/// Why `status` is a failure of the transport that no retry can fix, if it is one: the
/// certificate was refused (or TLS failed otherwise), the name does not exist, or the server
/// does not speak HTTP/2 (it answered HTTP/1.1 or garbage, or refused the connection with a
/// GOAWAY that names a protocol error).
fn permanent_failure(status: &tonic::Status) -> Option<String> {
    let mut source = std::error::Error::source(status);
    while let Some(error) = source {
        if let Some(h2) = error.downcast_ref::<h2::Error>()
            && h2.is_go_away()
        {
            let reason = h2.reason().unwrap_or(h2::Reason::NO_ERROR);
            if h2.is_library() {
                return Some(format!(
                    "the server does not speak HTTP/2 (gRPC): {h2}; is the address a Temporal \
                     frontend, and is TLS set as the server expects?"
                ));
            }
            if is_protocol_refusal(reason) {
                return Some(format!(
                    "the server refused the connection with GOAWAY {reason:?}: {h2}"
                ));
            }
        }
        if let Some(io) = error.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::InvalidData
        {
            // How rustls reports a refused certificate or a failed handshake.
            return Some(format!("the TLS handshake failed: {io}"));
        }
        if error.to_string() == "dns error"
            && let Some(mut cause) = error.source()
        {
            // hyper-util nests its "dns error"; the resolver's own words are at the root.
            while let Some(deeper) = cause.source() {
                cause = deeper;
            }
            let cause = cause.to_string();
            // "Temporary failure in name resolution" (EAI_AGAIN) may pass; a name that does
            // not exist will not.
            if !cause.contains("Temporary") && !cause.contains("try again") {
                return Some(format!("the server's name did not resolve: {cause}"));
            }
        }
        source = error.source();
    }
    None
}

/// Whether a peer's GOAWAY says the connection itself is wrong, as opposed to a restart
/// (`NO_ERROR`), overload or a passing fault.
fn is_protocol_refusal(reason: h2::Reason) -> bool {
    [
        h2::Reason::PROTOCOL_ERROR,
        h2::Reason::FLOW_CONTROL_ERROR,
        h2::Reason::FRAME_SIZE_ERROR,
        h2::Reason::COMPRESSION_ERROR,
        h2::Reason::INADEQUATE_SECURITY,
        h2::Reason::HTTP_1_1_REQUIRED,
    ]
    .contains(&reason)
}

/// The code that decides whether `status` is retried: its own, except where gRPC's code
/// misleads.
fn effective_code(status: &tonic::Status) -> Code {
    if is_message_too_large(status) || is_undecodable(status) || permanent_failure(status).is_some()
    {
        // Sending the same oversized message again cannot succeed, nor can decoding the
        // same answer.
        Code::InvalidArgument
    } else if is_connection_lost(status) {
        Code::Unavailable
    } else {
        status.code()
    }
}

/// Whether the client's transport ended the call because its connection closed under it
/// (hyper's "operation was canceled", or an HTTP/2 stream reset), which tonic reports as
/// `CANCELLED` as though the caller had cancelled. A caller that cancels drops the future and
/// sees no status at all; a `CANCELLED` the server sent carries no source error; and a passed
/// deadline is told apart by [`is_deadline_expired`]. What remains is a lost connection: the
/// request may not have reached the server, and making it again is as safe as after
/// `UNAVAILABLE`, since a retried request keeps its request id.
fn is_connection_lost(status: &tonic::Status) -> bool {
    status.code() == Code::Cancelled
        && std::error::Error::source(status).is_some()
        && !is_deadline_expired(status)
}

/// Whether the attempt that failed with `status` may have reached the server: its transport
/// failed (the status has a source) after the connection was made, as opposed to a failure to
/// connect, a deadline, or an answer from the server.
fn may_have_been_sent(status: &tonic::Status) -> bool {
    let Some(mut source) = std::error::Error::source(status) else {
        return false;
    };
    if is_deadline_expired(status) {
        return false;
    }
    loop {
        if source.is::<tonic::ConnectError>() || source.is::<OutcomeUnknown>() {
            return false;
        }
        match source.source() {
            Some(next) => source = next,
            None => return true,
        }
    }
}

/// Whether the client stopped waiting because the call's deadline passed: tonic reports that
/// as `CANCELLED` caused by [`tonic::TimeoutExpired`].
pub(crate) fn is_deadline_expired(status: &tonic::Status) -> bool {
    if status.code() != Code::Cancelled {
        return false;
    }
    let mut source = std::error::Error::source(status);
    while let Some(error) = source {
        if error.is::<tonic::TimeoutExpired>() {
            return true;
        }
        source = error.source();
    }
    false
}

/// Whether a `RESOURCE_EXHAUSTED` is gRPC refusing a message over its size limit rather than
/// the server throttling. gRPC says so only in the message ("received message larger than max",
/// "... after decompression larger than max"); throttling by the Temporal server carries a
/// `ResourceExhaustedFailure` detail and never this text.
fn is_message_too_large(status: &tonic::Status) -> bool {
    status.code() == Code::ResourceExhausted && status.message().contains("larger than max")
}

/// Whether the client could not decode the server's answer, such as one nested deeper than
/// prost's recursion limit of 100: `INTERNAL` caused by prost's error (`unary::decode`), and
/// the same answer would fail the same way.
fn is_undecodable(status: &tonic::Status) -> bool {
    status.code() == Code::Internal
        && std::error::Error::source(status).is_some_and(|source| source.is::<prost::DecodeError>())
}

/// Whether a call that failed with `status` may succeed if made again.
pub(crate) fn is_retryable(status: &tonic::Status) -> bool {
    classify(effective_code(status)) != Classification::Final
}

/// A number uniform in `0.0..1.0`, for jitter: good enough to spread retries, not for secrets.
pub(crate) fn random_unit() -> f64 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    // The top 53 bits fill an f64 mantissa exactly.
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_that_does_not_decode_is_not_retried() {
        use temporal_proto::api::workflowservice::v1::GetWorkflowExecutionHistoryRequest;
        let status = crate::unary::decode::<GetWorkflowExecutionHistoryRequest>(
            bytes::Bytes::from_static(&[0x0a, 0x05]),
        )
        .expect_err("truncated");
        assert!(status.message().contains("failed to decode"), "{status:?}");
        assert!(super::is_undecodable(&status), "{status:?}");
        assert!(!is_retryable(&status));
        // The same words from elsewhere (a server's own INTERNAL) are not the client's
        // failure to decode.
        let servers = tonic::Status::internal(status.message().to_owned());
        assert!(!super::is_undecodable(&servers));
        assert!(!super::is_undecodable(&tonic::Status::internal("boom")));
    }

    const MID: f64 = 0.5; // no jitter either way

    #[test]
    fn transient_codes_are_retried_and_answers_are_not() {
        let policy = RpcRetryPolicy::default();
        for code in [
            Code::Unavailable,
            Code::Aborted,
            Code::Internal,
            Code::Unknown,
            Code::DataLoss,
        ] {
            assert!(
                matches!(
                    policy.next_step(code, 1, Duration::ZERO, MID),
                    RetryStep::RetryAfter(_)
                ),
                "{code:?}"
            );
        }
        for code in [
            Code::InvalidArgument,
            Code::NotFound,
            Code::AlreadyExists,
            Code::PermissionDenied,
            Code::FailedPrecondition,
            Code::Unauthenticated,
            Code::Unimplemented,
            Code::OutOfRange,
            Code::Cancelled,
            Code::DeadlineExceeded,
        ] {
            assert_eq!(
                policy.next_step(code, 1, Duration::ZERO, MID),
                RetryStep::GiveUp,
                "{code:?}"
            );
        }
    }

    #[test]
    fn delays_grow_exponentially_up_to_the_cap() {
        let policy = RpcRetryPolicy::default();
        let delays: Vec<Duration> = (1..=12)
            .map(|attempt| policy.backoff(attempt, false, MID))
            .collect();
        assert_eq!(delays[0], Duration::from_millis(100));
        assert_eq!(delays[1], Duration::from_millis(170));
        assert_eq!(delays[2], Duration::from_secs_f64(0.1 * 1.7 * 1.7));
        assert!(delays.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(delays[11], Duration::from_secs(5), "capped at max_interval");
    }

    #[test]
    fn throttling_starts_with_the_longer_delay() {
        let policy = RpcRetryPolicy::default();
        assert_eq!(
            policy.next_step(Code::ResourceExhausted, 1, Duration::ZERO, MID),
            RetryStep::RetryAfter(Duration::from_secs(1))
        );
        assert_eq!(
            policy.next_step(Code::ResourceExhausted, 2, Duration::ZERO, MID),
            RetryStep::RetryAfter(Duration::from_secs_f64(1.7))
        );
    }

    #[test]
    fn jitter_stays_within_its_fraction() {
        let policy = RpcRetryPolicy::default();
        assert_eq!(policy.backoff(1, false, 0.0), Duration::from_millis(80));
        assert_eq!(policy.backoff(1, false, 1.0), Duration::from_millis(120));
        let no_jitter = RpcRetryPolicy::default().jitter(0.0);
        assert_eq!(no_jitter.backoff(1, false, 0.0), Duration::from_millis(100));
    }

    #[test]
    fn attempts_and_elapsed_time_are_bounded() {
        let policy = RpcRetryPolicy::default().max_attempts(3);
        assert!(matches!(
            policy.next_step(Code::Unavailable, 2, Duration::ZERO, MID),
            RetryStep::RetryAfter(_)
        ));
        assert_eq!(
            policy.next_step(Code::Unavailable, 3, Duration::ZERO, MID),
            RetryStep::GiveUp
        );

        let policy = RpcRetryPolicy::default().max_elapsed(Duration::from_secs(1));
        assert_eq!(
            policy.next_step(Code::Unavailable, 1, Duration::from_millis(950), MID),
            RetryStep::GiveUp,
            "a retry that would start after max_elapsed is not made"
        );
        assert_eq!(
            RpcRetryPolicy::disabled().next_step(Code::Unavailable, 1, Duration::ZERO, MID),
            RetryStep::GiveUp
        );
    }

    #[test]
    fn odd_settings_do_not_panic() {
        let policy = RpcRetryPolicy::default()
            .multiplier(-3.0)
            .jitter(7.0)
            .max_attempts(0)
            .initial_interval(Duration::MAX)
            .max_interval(Duration::ZERO);
        assert_eq!(
            policy.next_step(Code::Unavailable, 1, Duration::ZERO, 2.0),
            RetryStep::GiveUp
        );
        let _ = policy.backoff(u32::MAX, true, -1.0);
    }

    #[tokio::test(start_paused = true)]
    async fn with_retries_retries_transient_failures_then_succeeds() {
        let mut calls = 0;
        let result = with_retries(&RpcRetryPolicy::default(), CallKind::Unary, |_| {
            calls += 1;
            let outcome = if calls < 3 {
                Err(tonic::Status::unavailable("blip"))
            } else {
                Ok(calls)
            };
            async move { outcome }
        })
        .await;
        assert_eq!(result.expect("the third attempt succeeds"), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn with_retries_returns_final_answers_at_once() {
        let mut calls = 0;
        let result: Result<(), _> =
            with_retries(&RpcRetryPolicy::default(), CallKind::Unary, |_| {
                calls += 1;
                async { Err(tonic::Status::invalid_argument("bad")) }
            })
            .await;
        assert_eq!(result.expect_err("fails").code(), Code::InvalidArgument);
        assert_eq!(calls, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn an_oversized_message_is_not_retried_as_throttling() {
        let mut calls = 0;
        let result: Result<(), _> =
            with_retries(&RpcRetryPolicy::default(), CallKind::Unary, |_| {
                calls += 1;
                async {
                    Err(tonic::Status::resource_exhausted(
                        "grpc: received message after decompression larger than max 4194304",
                    ))
                }
            })
            .await;
        assert_eq!(result.expect_err("fails").code(), Code::ResourceExhausted);
        assert_eq!(calls, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn with_retries_gives_up_within_the_elapsed_budget() {
        let started = tokio::time::Instant::now();
        let policy = RpcRetryPolicy::default().max_attempts(1000);
        let result: Result<(), _> = with_retries(&policy, CallKind::Unary, |_| async {
            Err(tonic::Status::unavailable("down"))
        })
        .await;
        assert_eq!(result.expect_err("gives up").code(), Code::Unavailable);
        assert!(
            started.elapsed() <= Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_poll_the_server_held_past_the_budget_still_gets_the_whole_budget_when_it_fails() {
        // The server held the first poll for 60 s (healthy), then a restart ended it; the
        // next attempts find the server back after 3 s of failing.
        for kind in [CallKind::LongPoll, CallKind::Unary] {
            let started = tokio::time::Instant::now();
            let mut calls = 0;
            let result = with_retries(&RpcRetryPolicy::default(), kind, |_| {
                calls += 1;
                let call = calls;
                async move {
                    if call == 1 {
                        tokio::time::sleep(Duration::from_secs(60)).await;
                        return Err(tonic::Status::unavailable("frontend restarting"));
                    }
                    if started.elapsed() < Duration::from_secs(63) {
                        return Err(tonic::Status::unavailable("frontend restarting"));
                    }
                    Ok(call)
                }
            })
            .await;
            assert!(result.is_ok(), "{kind:?}: {result:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_throttled_long_poll_is_retried_for_as_long_as_its_caller_waits() {
        let throttled = || {
            let mut calls = 0;
            move |_| {
                calls += 1;
                let outcome = if calls <= 50 {
                    Err(tonic::Status::resource_exhausted(
                        "namespace concurrent poller limit exceeded",
                    ))
                } else {
                    Ok(calls)
                };
                async move { outcome }
            }
        };
        let result =
            with_retries(&RpcRetryPolicy::default(), CallKind::LongPoll, throttled()).await;
        assert_eq!(result.expect("retried until the server has room"), 51);
        let result = with_retries(&RpcRetryPolicy::default(), CallKind::Unary, throttled()).await;
        assert_eq!(
            result.expect_err("a unary call keeps its budget").code(),
            Code::ResourceExhausted
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_outage_after_a_lost_connection_is_outcome_unknown_and_a_refusal_is_not() {
        let mut calls = 0;
        let result: Result<(), _> =
            with_retries(&RpcRetryPolicy::default(), CallKind::Unary, |_| {
                calls += 1;
                let status = if calls == 1 {
                    transport_cancelled()
                } else {
                    tonic::Status::unavailable("connection refused")
                };
                async move { Err(status) }
            })
            .await;
        let status = result.expect_err("the outage outlasts the budget");
        assert!(OutcomeUnknown::is_in(&status), "{status:?}");
        assert_eq!(status.code(), Code::Unavailable);

        let result: Result<(), _> =
            with_retries(&RpcRetryPolicy::default(), CallKind::Unary, |_| async {
                Err(tonic::Status::unavailable("connection refused"))
            })
            .await;
        assert!(!OutcomeUnknown::is_in(&result.expect_err("gives up")));
    }

    #[tokio::test(start_paused = true)]
    async fn only_an_attempt_no_retry_can_follow_is_told_it_is_the_last() {
        let mut lasts = Vec::new();
        let _: Result<(), _> = with_retries(&RpcRetryPolicy::disabled(), CallKind::Unary, |last| {
            lasts.push(last);
            async { Err(tonic::Status::unavailable("down")) }
        })
        .await;
        assert_eq!(
            lasts,
            [true],
            "retries disabled: the first attempt is the last"
        );

        let mut lasts = Vec::new();
        let policy = RpcRetryPolicy::default().max_attempts(3);
        let _: Result<(), _> = with_retries(&policy, CallKind::Unary, |last| {
            lasts.push(last);
            async { Err(tonic::Status::unavailable("down")) }
        })
        .await;
        assert_eq!(lasts, [false, false, true]);

        let mut lasts = Vec::new();
        let _: Result<(), _> = with_retries(&policy, CallKind::LongPoll, |last| {
            lasts.push(last);
            async { Err(tonic::Status::unavailable("down")) }
        })
        .await;
        assert_eq!(
            lasts,
            [false, false, false],
            "a long poll's throttling may outlast them"
        );
    }

    /// A `CANCELLED` status made by the transport, as tonic makes one from hyper's "operation
    /// was canceled": the status found in an error's source chain, with that error as source.
    fn transport_cancelled() -> tonic::Status {
        #[derive(Debug)]
        struct ConnectionClosed(tonic::Status);
        impl std::fmt::Display for ConnectionClosed {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("connection closed")
            }
        }
        impl std::error::Error for ConnectionClosed {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        tonic::Status::from_error(Box::new(ConnectionClosed(tonic::Status::cancelled(
            "operation was canceled",
        ))))
    }

    #[tokio::test(start_paused = true)]
    async fn a_call_whose_connection_closed_is_retried_but_a_cancelled_answer_is_not() {
        let lost = transport_cancelled();
        assert_eq!(lost.code(), Code::Cancelled);
        assert!(is_retryable(&lost));
        assert!(!is_deadline_expired(&lost));
        let mut calls = 0;
        let result = with_retries(&RpcRetryPolicy::default(), CallKind::Unary, |_| {
            calls += 1;
            let outcome = if calls == 1 {
                Err(transport_cancelled())
            } else {
                Ok(calls)
            };
            async move { outcome }
        })
        .await;
        assert_eq!(result.expect("the retry succeeds"), 2);

        let answered = tonic::Status::cancelled("the server cancelled it");
        assert!(!is_retryable(&answered));
        let mut calls = 0;
        let result: Result<(), _> =
            with_retries(&RpcRetryPolicy::default(), CallKind::Unary, |_| {
                calls += 1;
                async { Err(tonic::Status::cancelled("the server cancelled it")) }
            })
            .await;
        assert_eq!(result.expect_err("final").code(), Code::Cancelled);
        assert_eq!(calls, 1);
    }

    #[test]
    fn random_unit_is_in_range_and_varies() {
        let samples: Vec<f64> = (0..100).map(|_| random_unit()).collect();
        assert!(samples.iter().all(|x| (0.0..1.0).contains(x)));
        assert!(samples.windows(2).any(|w| w[0] != w[1]));
    }
}
