//! [`CallOptions`]: a deadline, headers and a retry policy for the calls of one client.

use std::time::Duration;

use tonic::metadata::MetadataMap;

use crate::connection::parse_header;
use crate::error::Error;
use crate::retry::RpcRetryPolicy;

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
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct CallOptions {
    timeout: Option<Duration>,
    headers: Vec<(String, String)>,
    retry_policy: Option<RpcRetryPolicy>,
}

impl CallOptions {
    /// The gRPC deadline of each attempt of each call (sent to the server as `grpc-timeout`).
    /// Long polls, such as the wait of `result()`, keep their own longer deadline.
    ///
    /// Defaults to none: an attempt waits until the server answers or the connection fails.
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
            let (key, value) =
                parse_header(name, value).map_err(|reason| Error::invalid("header", reason))?;
            metadata.insert(key, value);
        }
        Ok(ResolvedCallOptions {
            timeout: self.timeout,
            metadata,
            retry_policy: self.retry_policy,
        })
    }
}

/// [`CallOptions`] with validated headers, as a client keeps them.
#[derive(Debug, Clone, Default)]
pub(crate) struct ResolvedCallOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) metadata: MetadataMap,
    pub(crate) retry_policy: Option<RpcRetryPolicy>,
}

impl ResolvedCallOptions {
    /// Adds the headers and deadline to one attempt; `long_poll` is the deadline a long poll
    /// needs instead.
    pub(crate) fn apply<T>(&self, request: &mut tonic::Request<T>, long_poll: Option<Duration>) {
        if let Some(timeout) = long_poll.or(self.timeout) {
            request.set_timeout(timeout);
        }
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
        resolved.apply(&mut request, None);
        assert_eq!(request.metadata().get("x-origin").expect("set"), "checkout");
        assert_eq!(
            request.metadata().get("grpc-timeout").expect("set"),
            "2000000u"
        );
        let mut poll = tonic::Request::new(());
        resolved.apply(&mut poll, Some(Duration::from_secs(70)));
        assert_eq!(
            poll.metadata().get("grpc-timeout").expect("set"),
            "70000000u"
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
