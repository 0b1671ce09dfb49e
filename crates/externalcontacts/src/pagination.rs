//! Streams over paged listings, driven by the generated `pages` methods.

use std::collections::HashSet;
use std::future::Future;

use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use url::Url;

use crate::error::{PageError, PaginationError};
use crate::request::OperationInfo;
use crate::Error;

/// Maximum number of records a page-number listing returns: `pageNumber * pageSize` must not
/// exceed it.
pub const MAX_PAGE_NUMBER_RECORDS: i64 = 1000;

/// Start of a page-number stream, and the suggestion for when it reaches the record limit.
pub(crate) struct PageWindow {
    pub(crate) first_page: i32,
    pub(crate) page_size: i32,
    /// The operation that lists every record, for the limit error's message.
    pub(crate) scan_hint: Option<&'static str>,
}

/// Facts a page-number stream needs about a page it received.
pub(crate) struct PageProgress {
    pub(crate) items: usize,
    pub(crate) page_count: Option<i32>,
}

/// Facts a cursor stream needs about a page it received.
pub(crate) struct CursorProgress {
    pub(crate) items: usize,
    /// The cursor of the next page; `None` or empty on the last page.
    pub(crate) next: Option<String>,
}

/// Streams pages `first_page`, `first_page + 1`... until the last page (by `pageCount`) or an
/// empty one. A page beyond the record limit is never requested: when more pages exist past
/// it, the stream ends with [`PaginationError::PageLimit`].
pub(crate) fn page_number_pages<P, F, Fut>(
    operation: &'static OperationInfo,
    window: PageWindow,
    fetch: F,
    progress: fn(&P) -> PageProgress,
) -> BoxStream<'static, Result<P, Error>>
where
    P: Send + 'static,
    F: FnMut(i32) -> Fut + Send + 'static,
    Fut: Future<Output = Result<P, Error>> + Send + 'static,
{
    struct State<F> {
        fetch: F,
        next_page: Option<i32>,
    }

    let PageWindow {
        first_page,
        page_size,
        scan_hint,
    } = window;
    let state = State {
        fetch,
        next_page: Some(first_page),
    };
    let pages = stream::unfold(state, move |mut state| async move {
        let page = state.next_page.take()?;
        if i64::from(page) * i64::from(page_size) > MAX_PAGE_NUMBER_RECORDS {
            let error = PaginationError::PageLimit {
                operation: operation.id,
                page,
                page_size,
                scan_hint,
            };
            tracing::debug!(
                operation = operation.id,
                page,
                page_size,
                "page-number listing reached its record limit"
            );
            return Some((Err(Error::Pagination(error)), state));
        }
        match (state.fetch)(page).await {
            Err(source) => {
                let error = PageError {
                    operation: operation.id,
                    position: format!("page {page}"),
                    source,
                };
                Some((Err(Error::Page(Box::new(error))), state))
            }
            Ok(listing) => {
                let PageProgress { items, page_count } = progress(&listing);
                let has_more = items > 0 && page_count.is_none_or(|count| page < count);
                state.next_page = if has_more { page.checked_add(1) } else { None };
                Some((Ok(listing), state))
            }
        }
    });
    pages.boxed()
}

/// Streams pages from `first_cursor` on, passing each page's next cursor to the next request,
/// until a page without a next cursor or an empty page. A cursor the server sends twice ends
/// the stream with [`PaginationError::RepeatedCursor`] instead of looping.
pub(crate) fn cursor_pages<P, F, Fut>(
    operation: &'static OperationInfo,
    first_cursor: Option<String>,
    fetch: F,
    progress: fn(&P) -> CursorProgress,
) -> BoxStream<'static, Result<P, Error>>
where
    P: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<P, Error>> + Send + 'static,
{
    enum Next {
        Fetch(Option<String>),
        Fail(Error),
        Done,
    }

    struct State<F> {
        fetch: F,
        next: Next,
        seen: HashSet<String>,
    }

    let mut seen = HashSet::new();
    seen.extend(first_cursor.clone());
    let state = State {
        fetch,
        next: Next::Fetch(first_cursor),
        seen,
    };
    let pages = stream::unfold(state, move |mut state| async move {
        let cursor = match std::mem::replace(&mut state.next, Next::Done) {
            Next::Done => return None,
            Next::Fail(error) => return Some((Err(error), state)),
            Next::Fetch(cursor) => cursor,
        };
        let listing = match (state.fetch)(cursor.clone()).await {
            Ok(listing) => listing,
            Err(source) => {
                let position = match &cursor {
                    Some(cursor) => format!("the page after cursor `{cursor}`"),
                    None => "the first page".to_owned(),
                };
                let error = PageError {
                    operation: operation.id,
                    position,
                    source,
                };
                return Some((Err(Error::Page(Box::new(error))), state));
            }
        };
        let CursorProgress { items, next } = progress(&listing);
        state.next = match next.filter(|next| !next.is_empty()) {
            _ if items == 0 => Next::Done,
            None => Next::Done,
            Some(next) if !state.seen.insert(next.clone()) => {
                tracing::debug!(operation = operation.id, cursor = %next, "the server repeated a cursor");
                Next::Fail(Error::Pagination(PaginationError::RepeatedCursor {
                    operation: operation.id,
                    cursor: next,
                }))
            }
            Some(next) => Next::Fetch(Some(next)),
        };
        Some((Ok(listing), state))
    });
    pages.boxed()
}

/// Flattens a stream of pages into a stream of their entries.
pub(crate) fn entries<P, T>(
    pages: BoxStream<'static, Result<P, Error>>,
    into_entries: fn(P) -> Vec<T>,
) -> BoxStream<'static, Result<T, Error>>
where
    P: Send + 'static,
    T: Send + 'static,
{
    pages
        .map_ok(move |page| stream::iter(into_entries(page).into_iter().map(Ok)))
        .try_flatten()
        .boxed()
}

/// Collects at most `max_items` entries; no page is requested once that many have arrived.
pub(crate) async fn collect<T>(
    entries: BoxStream<'static, Result<T, Error>>,
    max_items: usize,
) -> Result<Vec<T>, Error> {
    entries.take(max_items).try_collect().await
}

/// Reads the query parameter `name` of a URI such as `nextUri`, which may be relative.
pub(crate) fn query_value(uri: &str, name: &str) -> Option<String> {
    let base = Url::parse("https://api.invalid/").ok()?;
    let url = base.join(uri).ok()?;
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_value_reads_relative_uris() {
        let uri =
            "/api/v2/externalcontacts/contacts/c-1/journey/sessions?pageSize=2&after=abc%3D%3D";
        assert_eq!(query_value(uri, "after").as_deref(), Some("abc=="));
        assert_eq!(query_value(uri, "cursor"), None);
        assert_eq!(query_value("", "after"), None);
    }
}
