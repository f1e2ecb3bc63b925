//! Streams over paged RPCs: one page in memory at a time, the next fetched when the stream is
//! read past the current one.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::error::Error;

/// A page's items and the token of the next page (empty after the last).
type Page<T> = Result<(Vec<T>, Vec<u8>), Error>;
type PageFuture<T> = Pin<Box<dyn Future<Output = Page<T>> + Send>>;
type Fetch<T> = Box<dyn FnMut(Vec<u8>) -> PageFuture<T> + Send>;

/// The items of a paged listing, such as [`Client::list`](crate::Client::list) or
/// [`WorkflowHandle::fetch_history`](crate::WorkflowHandle::fetch_history): one page in memory
/// at a time, the next fetched as the stream is read past the current one.
///
/// Read it with [`next`](PagedStream::next), or as any [`Stream`]. It ends after the last
/// item, or after the first error; after an error, [`resume`](PagedStream::resume) fetches
/// the failed page again, so reading continues where it stopped, without duplicates or gaps.
/// [`next_page_token`](PagedStream::next_page_token) says where the listing continues, for
/// another stream to pick it up (see [`ListOptions::next_page_token`]).
///
/// # Examples
///
/// ```no_run
/// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
/// let mut workflows = client.list("ExecutionStatus = 'Running'");
/// while let Some(info) = workflows.next().await {
///     println!("{}", info?.workflow_id);
/// }
/// # Ok(())
/// # }
/// ```
#[must_use = "a stream does nothing until read"]
pub struct PagedStream<T> {
    fetch: Fetch<T>,
    page: VecDeque<T>,
    /// The token of the next page to fetch; `None` after the last page.
    next_token: Option<Vec<u8>>,
    fetching: Option<PageFuture<T>>,
    /// A fetch failed, and the stream has ended until resumed.
    failed: bool,
    /// How many more items may be read; `None`: all.
    remaining: Option<usize>,
}

impl<T> PagedStream<T> {
    /// The next item, fetching the next page when the current one is used up; `None` at the
    /// end.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
    /// let mut events = handle.fetch_history();
    /// let mut count = 0;
    /// while let Some(event) = events.next().await {
    ///     event?;
    ///     count += 1;
    /// }
    /// println!("{count} events");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Where the listing goes on once the items already fetched are read: the token of the
    /// next page (empty for the first), or `None` when there is no next page. After an error
    /// it is the token of the page that failed, and every item before it has been read.
    ///
    /// To continue in another stream (another process, after a restart), pass it to
    /// [`ListOptions::next_page_token`]; to continue in this one, call
    /// [`resume`](PagedStream::resume).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let mut workflows = client.list("ExecutionStatus = 'Running'");
    /// while let Some(info) = workflows.next().await {
    ///     match info {
    ///         Ok(info) => println!("{}", info.workflow_id),
    ///         Err(error) => {
    ///             // Saved, to list the rest later with `ListOptions::next_page_token`.
    ///             let token = workflows.next_page_token().map(<[u8]>::to_vec);
    ///             eprintln!("stopped by {error}; resume from {token:?}");
    ///             break;
    ///         }
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn next_page_token(&self) -> Option<&[u8]> {
        self.next_token.as_deref()
    }

    /// After an error, lets the stream fetch the page that failed again: reading goes on
    /// where it stopped, with no item twice and none skipped. Does nothing otherwise.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use std::time::Duration;
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let mut workflows = client.list("");
    /// let mut failures = 0;
    /// while let Some(info) = workflows.next().await {
    ///     match info {
    ///         Ok(info) => println!("{}", info.workflow_id),
    ///         // The server is restarting: wait, and go on where the listing stopped.
    ///         Err(error) if failures < 3 && error.is_timeout() => {
    ///             failures += 1;
    ///             tokio::time::sleep(Duration::from_secs(5)).await;
    ///             workflows.resume();
    ///         }
    ///         Err(error) => return Err(error),
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn resume(&mut self) {
        self.failed = false;
    }
}

// Items are never pinned: they are moved out of the page as they are read.
impl<T> Unpin for PagedStream<T> {}

impl<T> Stream for PagedStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.remaining == Some(0) {
                return Poll::Ready(None);
            }
            if let Some(item) = this.page.pop_front() {
                if let Some(remaining) = &mut this.remaining {
                    *remaining -= 1;
                }
                return Poll::Ready(Some(Ok(item)));
            }
            if this.failed {
                return Poll::Ready(None);
            }
            let fetching = match &mut this.fetching {
                Some(fetching) => fetching,
                None => {
                    // The token is kept until the page arrives, to fetch it again if it fails.
                    let Some(token) = this.next_token.clone() else {
                        return Poll::Ready(None);
                    };
                    this.fetching.insert((this.fetch)(token))
                }
            };
            let page = std::task::ready!(fetching.as_mut().poll(cx));
            this.fetching = None;
            match page {
                Ok((items, next)) => {
                    this.page.extend(items);
                    this.next_token = (!next.is_empty()).then_some(next);
                }
                Err(err) => {
                    this.failed = true;
                    return Poll::Ready(Some(Err(err)));
                }
            }
        }
    }
}

impl<T> fmt::Debug for PagedStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PagedStream")
            .field("buffered", &self.page.len())
            .field("next_page_token", &self.next_token)
            .field("failed", &self.failed)
            .field("remaining", &self.remaining)
            .finish_non_exhaustive()
    }
}

/// The items of every page that `fetch` returns, in order. `fetch` gets the previous page's
/// token (empty for the first page) and returns a page and the next token, empty after the
/// last page. The stream ends after the last page or the first error.
pub(crate) fn pages<T, F, Fut>(fetch: F) -> PagedStream<T>
where
    T: Send + 'static,
    F: FnMut(Vec<u8>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Vec<T>, Vec<u8>), Error>> + Send + 'static,
{
    pages_from(fetch, Vec::new(), None)
}

/// As [`pages`], from the page of `token`, ending after `limit` items if given.
pub(crate) fn pages_from<T, F, Fut>(
    mut fetch: F,
    token: Vec<u8>,
    limit: Option<usize>,
) -> PagedStream<T>
where
    T: Send + 'static,
    F: FnMut(Vec<u8>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Vec<T>, Vec<u8>), Error>> + Send + 'static,
{
    PagedStream {
        fetch: Box::new(move |token| Box::pin(fetch(token))),
        page: VecDeque::new(),
        next_token: Some(token),
        fetching: None,
        failed: false,
        remaining: limit,
    }
}

/// How [`Client::list_with_options`](crate::Client::list_with_options) lists: how many items a
/// page holds, how many to read in all, and where to start.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::ListOptions;
///
/// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
/// // The 20 most recent failures, in pages of 20.
/// let mut failed = client.list_with_options(
///     "ExecutionStatus = 'Failed'",
///     ListOptions::new().page_size(20).limit(20),
/// );
/// while let Some(info) = failed.next().await {
///     println!("{}", info?.workflow_id);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct ListOptions {
    pub(crate) page_size: Option<usize>,
    pub(crate) limit: Option<usize>,
    pub(crate) next_page_token: Vec<u8>,
}

impl ListOptions {
    /// The server's page size, every item, from the first page.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ListOptions;
    ///
    /// let options = ListOptions::new();
    /// # let _ = options;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// How many items one page holds: one call to the server each. Defaults to the server's
    /// (1,000 by default), or to the limit when that is smaller.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ListOptions;
    ///
    /// let options = ListOptions::new().page_size(100);
    /// # let _ = options;
    /// ```
    pub fn page_size(mut self, size: usize) -> Self {
        self.page_size = Some(size);
        self
    }

    /// The most items the stream yields; it ends after them.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ListOptions;
    ///
    /// let options = ListOptions::new().limit(10);
    /// # let _ = options;
    /// ```
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Starts from the page of `token`, as [`PagedStream::next_page_token`] gave it: to
    /// continue a listing that stopped, in another stream or process. The query must be the
    /// same.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::ListOptions;
    ///
    /// # async fn example(client: temporal_client::Client, saved: Vec<u8>) -> Result<(), temporal_client::Error> {
    /// let mut rest = client.list_with_options("", ListOptions::new().next_page_token(saved));
    /// while let Some(info) = rest.next().await {
    ///     println!("{}", info?.workflow_id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn next_page_token(mut self, token: impl Into<Vec<u8>>) -> Self {
        self.next_page_token = token.into();
        self
    }

    /// The page size to ask the server for: the one set, else the limit when smaller than
    /// the server's default; 0 for the server's default.
    pub(crate) fn request_page_size(&self) -> i32 {
        const SERVER_DEFAULT: usize = 1000;
        let size = match (self.page_size, self.limit) {
            (Some(size), _) => size,
            (None, Some(limit)) if limit < SERVER_DEFAULT => limit,
            _ => 0,
        };
        i32::try_from(size).unwrap_or(i32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt as _;

    use super::*;

    #[tokio::test]
    async fn pages_are_fetched_in_order_until_the_token_is_empty() {
        let stream = pages(|token: Vec<u8>| async move {
            Ok(match token.as_slice() {
                [] => (vec![1, 2], vec![1]),
                [1] => (vec![], vec![2]),
                [2] => (vec![3], vec![]),
                other => panic!("unexpected token {other:?}"),
            })
        });
        let items: Vec<i32> = stream.map(|item| item.expect("ok")).collect().await;
        assert_eq!(items, [1, 2, 3]);
    }

    #[tokio::test]
    async fn a_resumed_stream_fetches_the_failed_page_again() {
        let failures = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(1));
        let left = std::sync::Arc::clone(&failures);
        let mut stream = pages(move |token: Vec<u8>| {
            let left = std::sync::Arc::clone(&left);
            async move {
                match token.as_slice() {
                    [] => Ok((vec![1, 2], vec![1])),
                    [1] if left.fetch_sub(1, std::sync::atomic::Ordering::SeqCst) > 0 => {
                        Err(Error::invalid("query", "down"))
                    }
                    [1] => Ok((vec![3], vec![])),
                    other => panic!("unexpected token {other:?}"),
                }
            }
        });
        assert_eq!(stream.next().await.map(Result::ok), Some(Some(1)));
        assert_eq!(stream.next().await.map(Result::ok), Some(Some(2)));
        assert!(matches!(stream.next().await, Some(Err(_))));
        assert!(stream.next().await.is_none(), "ended by the error");
        assert_eq!(stream.next_page_token(), Some(&[1][..]));
        stream.resume();
        assert_eq!(stream.next().await.map(Result::ok), Some(Some(3)));
        assert!(stream.next().await.is_none());
        assert_eq!(stream.next_page_token(), None);
    }

    #[tokio::test]
    async fn a_limit_ends_the_stream_without_fetching_more() {
        let stream = pages_from(
            |token: Vec<u8>| async move {
                match token.as_slice() {
                    [7] => Ok((vec![1, 2], vec![8])),
                    [8] => Ok((vec![3, 4], vec![9])),
                    other => panic!("unexpected token {other:?}"),
                }
            },
            vec![7],
            Some(3),
        );
        let items: Vec<i32> = stream.map(|item| item.expect("ok")).collect().await;
        assert_eq!(items, [1, 2, 3]);
    }

    #[test]
    fn the_page_size_follows_a_small_limit() {
        assert_eq!(ListOptions::new().request_page_size(), 0);
        assert_eq!(ListOptions::new().limit(5).request_page_size(), 5);
        assert_eq!(ListOptions::new().limit(5000).request_page_size(), 0);
        assert_eq!(
            ListOptions::new().limit(5).page_size(2).request_page_size(),
            2
        );
    }

    #[tokio::test]
    async fn the_stream_ends_after_an_error() {
        let stream = pages(|_token: Vec<u8>| async move {
            Err::<(Vec<i32>, Vec<u8>), _>(Error::invalid("query", "bad"))
        });
        let items: Vec<_> = stream.collect().await;
        assert_eq!(items.len(), 1);
        assert!(items[0].is_err());
    }
}
