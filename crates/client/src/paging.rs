//! Streams over paged RPCs: one page in memory at a time, the next fetched when the stream is
//! read past the current one.

use std::collections::VecDeque;
use std::future::Future;

use futures_core::Stream;

use crate::error::Error;

/// The items of every page that `fetch` returns, in order. `fetch` gets the previous page's
/// token (empty for the first page) and returns a page and the next token, empty after the
/// last page. The stream ends after the last page or the first error.
pub(crate) fn pages<T, F, Fut>(fetch: F) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    T: Send + 'static,
    F: FnMut(Vec<u8>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Vec<T>, Vec<u8>), Error>> + Send + 'static,
{
    let state = (fetch, VecDeque::new(), Some(Vec::new()));
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
    })
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
