//! Streams over paged RPCs: one page in memory at a time, the next fetched when the stream is
//! read past the current one.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::error::Error;

/// The items of a paged listing, such as [`Client::list`](crate::Client::list) or
/// [`WorkflowHandle::fetch_history`](crate::WorkflowHandle::fetch_history): one page in memory
/// at a time, the next fetched as the stream is read past the current one.
///
/// Read it with [`next`](PagedStream::next), or as any [`Stream`]. It ends after the last
/// item or the first error.
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
    inner: Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>,
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
        std::future::poll_fn(|cx| self.inner.as_mut().poll_next(cx)).await
    }
}

impl<T> Stream for PagedStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T> fmt::Debug for PagedStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PagedStream").finish_non_exhaustive()
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
    let state = (fetch, VecDeque::new(), Some(Vec::new()));
    // One allocation per listing, not per item: the box makes the stream nameable and Unpin.
    let stream =
        futures_util::stream::unfold(state, |(mut fetch, mut page, mut token)| async move {
            loop {
                if let Some(item) = page.pop_front() {
                    return Some((Ok(item), (fetch, page, token)));
                }
                match fetch(token.take()?).await {
                    Ok((items, next)) => {
                        page.extend(items);
                        token = (!next.is_empty()).then_some(next);
                    }
                    Err(err) => return Some((Err(err), (fetch, page, None))),
                }
            }
        });
    PagedStream {
        inner: Box::pin(stream),
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
    async fn the_stream_ends_after_an_error() {
        let stream = pages(|_token: Vec<u8>| async move {
            Err::<(Vec<i32>, Vec<u8>), _>(Error::invalid("query", "bad"))
        });
        let items: Vec<_> = stream.collect().await;
        assert_eq!(items.len(), 1);
        assert!(items[0].is_err());
    }
}
