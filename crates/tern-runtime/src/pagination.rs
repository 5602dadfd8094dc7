//! Pages and auto-paging: offset/limit, cursor, page number and `Link` headers. One page is in
//! memory at a time.
//!
//! A server's pages are not trusted to advance: a listing ends at an empty page, at arithmetic
//! that would overflow, and at a page cap the caller sets ([`Page::max_pages`]); a page the
//! server sent before (a repeated cursor, a `Link` back to the same page, a cycle) ends it with
//! [`Error::Pagination`] after the items received.

use crate::client::Client;
use crate::error::{Error, RequestInfo};
use crate::request::Request;
use crate::response::RawResponse;
use futures_util::Stream;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use std::collections::HashSet;

/// How an operation pages (generated code declares it; the runtime acts on it).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Paginator {
    /// `offset` + `limit` query parameters; the next offset is this one plus the items received.
    Offset {
        /// e.g. `offset`.
        offset_param: String,
        /// e.g. `limit`, when the API has one.
        limit_param: Option<String>,
        /// Path to the total number of items, when the response gives it: no page is asked
        /// for past it.
        total: Option<Vec<String>>,
        /// Path of keys to the items array (empty = the body is the array).
        items: Vec<String>,
    },
    /// A cursor parameter fed from the response.
    Cursor {
        /// e.g. `cursor`, `starting_after`.
        cursor_param: String,
        /// Path to the next cursor; `None` = the last item's `id`.
        next_cursor: Option<Vec<String>>,
        /// Path to a "more pages" boolean, when there is one.
        has_more: Option<Vec<String>>,
        /// Path to the items.
        items: Vec<String>,
    },
    /// A page-number parameter.
    PageNumber {
        /// e.g. `page`, `page_num`.
        page_param: String,
        /// e.g. `limit`, `per_page`.
        size_param: Option<String>,
        /// The first page's number (usually 1).
        first_page: u64,
        /// Path to the items.
        items: Vec<String>,
    },
    /// `Link: <…>; rel="next"` headers.
    Link {
        /// Path to the items.
        items: Vec<String>,
    },
}

impl Paginator {
    fn items_path(&self) -> &[String] {
        match self {
            Paginator::Offset { items, .. }
            | Paginator::Cursor { items, .. }
            | Paginator::PageNumber { items, .. }
            | Paginator::Link { items } => items,
        }
    }
}

/// Where the next page starts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PageInfo {
    /// The next offset.
    Offset(u64),
    /// The next cursor.
    Cursor(String),
    /// The next page number.
    Page(u64),
    /// The next page's URL.
    Url(String),
}

/// What follows a page.
#[derive(Debug)]
pub(crate) enum Next {
    /// Nothing: the last page.
    End,
    /// The next page.
    More(PageInfo, Box<Request>),
    /// The server pointed back to a page it had sent: [`Error::Pagination`] after this page's
    /// items.
    Stalled(Box<(RequestInfo, String)>),
}

/// A listing's progress, carried from page to page: the pages seen and the cap.
#[derive(Debug, Clone, Default)]
pub(crate) struct Progress {
    /// Where the pages received so far started.
    pub(crate) seen: HashSet<PageInfo>,
    /// Pages received so far.
    pub(crate) pages: u64,
    /// The caller's cap on pages ([`Page::max_pages`]).
    pub(crate) max_pages: Option<u64>,
}

/// One page of results: its items, and the whole response body as `B` through
/// [`body`](Page::body) (a generated SDK names the response type there; by default JSON).
pub struct Page<T, B = serde_json::Value> {
    items: Vec<T>,
    next: Next,
    progress: Progress,
    client: Client,
    paginator: Paginator,
    /// The page's response headers.
    pub headers: HeaderMap,
    /// The page's status.
    pub status: reqwest::StatusCode,
    /// The request the page answers.
    pub request: RequestInfo,
    body: bytes::Bytes,
    body_type: std::marker::PhantomData<fn() -> B>,
}

impl<T: std::fmt::Debug, B> std::fmt::Debug for Page<T, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Page")
            .field("items", &self.items)
            .field("next", &self.next)
            .field("status", &self.status)
            .field("request", &self.request)
            .finish_non_exhaustive()
    }
}

impl<T, B: DeserializeOwned> Page<T, B> {
    /// The whole response body of this page, decoded (the items with what the API sends beside
    /// them: totals, cursors, `paging`). Decoded when asked, from the bytes the page keeps.
    pub fn body(&self) -> Result<B, Error> {
        crate::error::decode_json(&self.request, self.status, &self.body).map_err(Error::Decode)
    }

    /// The server's request id for this page (see [`Response::request_id`](crate::Response::request_id)).
    pub fn request_id(&self) -> Option<&str> {
        crate::response::request_id(&self.headers)
    }
}

impl<T, B> Page<T, B> {
    /// The same page, its body read as `C` (what a generated SDK's `_pages` methods return).
    pub fn with_body<C>(self) -> Page<T, C> {
        Page {
            items: self.items,
            next: self.next,
            progress: self.progress,
            client: self.client,
            paginator: self.paginator,
            headers: self.headers,
            status: self.status,
            request: self.request,
            body: self.body,
            body_type: std::marker::PhantomData,
        }
    }
}

fn at<'v>(value: &'v serde_json::Value, path: &[String]) -> Option<&'v serde_json::Value> {
    path.iter().try_fold(value, |v, k| v.get(k))
}

/// The target of the first link with `rel="next"` in `Link` headers (RFC 8288).
///
/// A target may hold commas and semicolons (`<https://x.com/users?sort=id,asc&page=2>`), and so
/// may a quoted parameter (`title="a, b"`); parameter names and relation types match in any
/// case, `rel` may list several types (`rel="next last"`), and a malformed link is skipped.
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(next_in_link_value)
        .map(str::to_owned)
}

/// The `rel="next"` target in one `Link` header value: `<target>; param=value, <target>; …`.
fn next_in_link_value(value: &str) -> Option<&str> {
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_ascii_whitespace());
        if rest.is_empty() {
            return None;
        }
        // `<…>` cannot nest and holds no quotes: it ends at the first `>`.
        let target = match rest.strip_prefix('<').and_then(|r| r.split_once('>')) {
            Some((target, after)) => {
                rest = after;
                Some(target)
            }
            None => None,
        };
        let (params, after) = split_unquoted(rest, ',');
        rest = after.unwrap_or("");
        if let Some(target) = target.filter(|_| rel_is_next(params)) {
            return Some(target);
        }
    }
}

/// Splits `text` at the first `sep` outside a quoted string (`"…"`, with `\` escapes).
fn split_unquoted(text: &str, sep: char) -> (&str, Option<&str>) {
    let (mut quoted, mut escaped) = (false, false);
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
        } else if quoted && c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        } else if c == sep && !quoted {
            return (&text[..i], Some(&text[i + c.len_utf8()..]));
        }
    }
    (text, None)
}

/// Whether a link's parameters (`; rel="next"; title="…"`) give it the relation type `next`.
/// Only the first `rel` counts (RFC 8288 §3.3).
fn rel_is_next(params: &str) -> bool {
    let mut rest = Some(params);
    while let Some(text) = rest {
        let (param, after) = split_unquoted(text, ';');
        rest = after;
        let (name, value) = param.split_once('=').unwrap_or((param, ""));
        if !name.trim().eq_ignore_ascii_case("rel") {
            continue;
        }
        let value = value.trim();
        let value = match value.strip_prefix('"') {
            // `\x` stands for `x`; the closing quote and anything after it are not the value.
            Some(quoted) => {
                let mut out = String::with_capacity(quoted.len());
                let mut chars = quoted.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => out.extend(chars.next()),
                        c => out.push(c),
                    }
                }
                out
            }
            None => value.to_owned(),
        };
        return value
            .split_ascii_whitespace()
            .any(|r| r.eq_ignore_ascii_case("next"));
    }
    false
}

/// What a page's response says before its items are decoded: the items (as JSON) and what
/// follows. It reads only the request, the response and the listing's progress (which it
/// advances), so the fuzzer reaches it without a client.
pub(crate) fn read_page(
    request: &Request,
    paginator: &Paginator,
    raw: &RawResponse,
    progress: &mut Progress,
) -> Result<(serde_json::Value, Next), Error> {
    let body: serde_json::Value = raw.json()?;
    let items = at(&body, paginator.items_path())
        .cloned()
        .unwrap_or(serde_json::Value::Array(Vec::new()));
    let count = items.as_array().map_or(0, Vec::len);
    let next = match paginator {
        Paginator::Offset {
            offset_param,
            limit_param,
            total,
            ..
        } => {
            let offset: u64 = request
                .query_value(offset_param)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let limit: Option<usize> = limit_param
                .as_deref()
                .and_then(|l| request.query_value(l))
                .and_then(|v| v.parse().ok());
            let total = total
                .as_deref()
                .and_then(|t| at(&body, t))
                .and_then(serde_json::Value::as_u64);
            progress.seen.insert(PageInfo::Offset(offset));
            let next = offset.checked_add(count as u64);
            let more = limit.is_none_or(|l| count >= l)
                && total.is_none_or(|t| next.is_some_and(|n| n < t));
            next.filter(|_| more).map(|next| {
                (
                    PageInfo::Offset(next),
                    request.clone().set_query(offset_param, next),
                )
            })
        }
        Paginator::Cursor {
            cursor_param,
            next_cursor,
            has_more,
            ..
        } => next_cursor_page(
            request,
            &body,
            &items,
            cursor_param,
            next_cursor.as_deref(),
            has_more.as_deref(),
            progress,
        ),
        Paginator::PageNumber {
            page_param,
            size_param,
            first_page,
            ..
        } => {
            let page: u64 = request
                .query_value(page_param)
                .and_then(|v| v.parse().ok())
                .unwrap_or(*first_page);
            let size: Option<usize> = size_param
                .as_deref()
                .and_then(|l| request.query_value(l))
                .and_then(|v| v.parse().ok());
            progress.seen.insert(PageInfo::Page(page));
            let more = size.is_none_or(|s| count >= s);
            page.checked_add(1).filter(|_| more).map(|next| {
                (
                    PageInfo::Page(next),
                    request.clone().set_query(page_param, next),
                )
            })
        }
        Paginator::Link { .. } => next_link(&raw.headers).map(|url| {
            progress.seen.insert(PageInfo::Url(raw.request.url.clone()));
            let absolute = match url::Url::parse(&raw.request.url).and_then(|base| base.join(&url))
            {
                Ok(u) => u.to_string(),
                Err(_) => url,
            };
            let mut next = request.clone();
            next.absolute_url = Some(absolute.clone());
            (PageInfo::Url(absolute), next)
        }),
    };
    progress.pages = progress.pages.saturating_add(1);
    let next = match next {
        // An empty page ends the listing, whatever it points to.
        _ if count == 0 => Next::End,
        None => Next::End,
        Some(_) if progress.max_pages.is_some_and(|m| progress.pages >= m) => Next::End,
        Some((info, next)) => {
            if progress.seen.insert(info.clone()) {
                Next::More(info, Box::new(next))
            } else {
                Next::Stalled(Box::new((
                    raw.request.clone(),
                    format!("the server pointed to a page it had sent before ({info:?})"),
                )))
            }
        }
    };
    Ok((items, next))
}

/// The page after a cursor-paged one: the cursor at `next_cursor` (else the last item's `id`),
/// unless `has_more` says there is none.
fn next_cursor_page(
    request: &Request,
    body: &serde_json::Value,
    items: &serde_json::Value,
    cursor_param: &str,
    next_cursor: Option<&[String]>,
    has_more: Option<&[String]>,
    progress: &mut Progress,
) -> Option<(PageInfo, Request)> {
    let more = has_more
        .and_then(|p| at(body, p))
        .and_then(serde_json::Value::as_bool);
    let cursor = match next_cursor {
        Some(path) => at(body, path).and_then(|c| match c {
            serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }),
        None => items
            .as_array()
            .and_then(|a| a.last())
            .and_then(|l| l.get("id"))
            .map(|id| {
                id.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| id.to_string())
            }),
    };
    if let Some(current) = request.query_value(cursor_param) {
        progress.seen.insert(PageInfo::Cursor(current.to_owned()));
    }
    match (cursor, more) {
        (Some(c), None | Some(true)) => Some((
            PageInfo::Cursor(c.clone()),
            request.clone().set_query(cursor_param, c),
        )),
        _ => None,
    }
}

impl<T: DeserializeOwned + Send + 'static> Page<T> {
    fn from_response(
        client: Client,
        request: Request,
        paginator: Paginator,
        raw: RawResponse,
        mut progress: Progress,
    ) -> Result<Page<T>, Error> {
        let (items, next) = read_page(&request, &paginator, &raw, &mut progress)?;
        let items: Vec<T> = crate::error::decode_value(
            &raw.request,
            raw.status,
            &items,
            &paginator.items_path().join("."),
        )
        .map_err(Error::Decode)?;
        Ok(Page {
            items,
            next,
            progress,
            client,
            paginator,
            headers: raw.headers,
            status: raw.status,
            request: raw.request,
            body: raw.body,
            body_type: std::marker::PhantomData,
        })
    }
}

impl<T: DeserializeOwned + Send + 'static> Page<T> {
    fn item_stream(self) -> impl Stream<Item = Result<T, Error>> + Send {
        /// What comes after the items in hand.
        enum After {
            Fetch(Box<(Request, Client, Paginator, Progress)>),
            Fail(Box<(RequestInfo, String)>),
            End,
        }
        fn after<T>(page: Page<T>) -> (std::vec::IntoIter<T>, After) {
            let then = match page.next {
                Next::End => After::End,
                Next::Stalled(e) => After::Fail(e),
                Next::More(_, request) => After::Fetch(Box::new((
                    *request,
                    page.client,
                    page.paginator,
                    page.progress,
                ))),
            };
            (page.items.into_iter(), then)
        }
        futures_util::stream::unfold(Some(after(self)), |state| async move {
            let (mut items, then) = state?;
            if let Some(item) = items.next() {
                return Some((Ok(item), Some((items, then))));
            }
            match then {
                After::End => None,
                After::Fail(stalled) => Some((Err(stalled_error(*stalled)), None)),
                After::Fetch(next) => {
                    let (request, client, paginator, progress) = *next;
                    match client.fetch_page::<T>(request, paginator, progress).await {
                        Ok(page) => {
                            let (mut items, then) = after(page);
                            match items.next() {
                                Some(item) => Some((Ok(item), Some((items, then)))),
                                // An empty page ends the listing (see `from_response`).
                                None => match then {
                                    After::Fail(stalled) => {
                                        Some((Err(stalled_error(*stalled)), None))
                                    }
                                    _ => None,
                                },
                            }
                        }
                        Err(e) => Some((Err(e), None)),
                    }
                }
            }
        })
    }
}

impl<T: DeserializeOwned + Send + 'static, B> Page<T, B> {
    /// Stops the listing after `pages` pages in all (this one included): `into_stream` and
    /// `get_next_page` end there. A cap for servers that page forever.
    #[must_use]
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.progress.max_pages = Some(pages);
        if self.progress.pages >= pages {
            self.next = Next::End;
        }
        self
    }

    /// The items of this page.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// Takes the items.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// Whether another page follows.
    pub fn has_next_page(&self) -> bool {
        matches!(self.next, Next::More(..))
    }

    /// Where the next page starts.
    pub fn next_page_info(&self) -> Option<&PageInfo> {
        match &self.next {
            Next::More(info, _) => Some(info),
            _ => None,
        }
    }

    /// Fetches the next page (`None` after the last; [`Error::Pagination`] when the server
    /// pointed back to a page it had sent).
    pub async fn get_next_page(&self) -> Result<Option<Page<T, B>>, Error> {
        match &self.next {
            Next::End => Ok(None),
            Next::Stalled(stalled) => Err(stalled_error(stalled.as_ref().clone())),
            Next::More(_, request) => self
                .client
                .fetch_page(
                    request.as_ref().clone(),
                    self.paginator.clone(),
                    self.progress.clone(),
                )
                .await
                .map(|page| Some(page.with_body())),
        }
    }

    /// Every item of this and the following pages, fetched lazily: `items.next().await`
    /// needs no trait import, and [`Items`] is a [`Stream`] for combinators.
    pub fn into_stream(self) -> Items<T> {
        Items(Box::pin(
            self.with_body::<serde_json::Value>().item_stream(),
        ))
    }
}

/// Every item of a listing, fetching further pages as needed ([`Page::into_stream`]).
pub struct Items<T>(std::pin::Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>);

impl<T> Items<T> {
    /// The next item: `None` once the listing ends; an error ends it too.
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        futures_util::StreamExt::next(&mut self.0).await
    }
}

impl<T> std::fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Items")
    }
}

impl<T> Stream for Items<T> {
    type Item = Result<T, Error>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0.as_mut().poll_next(cx)
    }
}

/// The first page of a list method, not fetched yet: `.await` it for the [`Page`] (whose
/// items are `T` and whose body reads as `B`). What a generated SDK's `…_pages` methods return:
/// one future type in the runtime rather than an `async fn` (and its future) per method.
#[must_use = "a PagesCall does nothing until it is awaited"]
pub struct PagesCall<'c, T, B = serde_json::Value> {
    client: &'c Client,
    request: Result<Request, Error>,
    paginator: Paginator,
    types: std::marker::PhantomData<fn() -> (T, B)>,
}

impl<'c, T, B> PagesCall<'c, T, B> {
    /// The first page of `request`, paged by `paginator` (an argument error, if building the
    /// request failed: it is returned when the call is awaited, before anything is sent).
    pub fn new(client: &'c Client, request: Result<Request, Error>, paginator: Paginator) -> Self {
        PagesCall {
            client,
            request,
            paginator,
            types: std::marker::PhantomData,
        }
    }

    /// Overrides the client's options for the first page's request (timeout, retries,
    /// headers, …); the following pages are requested with the same options.
    pub fn options(mut self, options: crate::RequestOptions) -> Self {
        self.request = self.request.map(|request| request.options(options));
        self
    }
}

impl<T, B> std::fmt::Debug for PagesCall<'_, T, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PagesCall")
            .field("request", &self.request)
            .finish_non_exhaustive()
    }
}

impl<'c, T: DeserializeOwned + Send + 'static, B: 'c> std::future::IntoFuture
    for PagesCall<'c, T, B>
{
    type Output = Result<Page<T, B>, Error>;
    type IntoFuture = crate::BoxFuture<'c, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let page: Page<T> = self.client.get_page(self.request?, self.paginator).await?;
            Ok(page.with_body())
        })
    }
}

fn stalled_error((request, message): (RequestInfo, String)) -> Error {
    Error::Pagination { request, message }
}

impl Client {
    /// Executes a list request and returns its first page.
    pub async fn get_page<T: DeserializeOwned + Send + 'static>(
        &self,
        request: Request,
        paginator: Paginator,
    ) -> Result<Page<T>, Error> {
        self.fetch_page(request, paginator, Progress::default())
            .await
    }

    /// A page of a listing in progress.
    async fn fetch_page<T: DeserializeOwned + Send + 'static>(
        &self,
        request: Request,
        paginator: Paginator,
        progress: Progress,
    ) -> Result<Page<T>, Error> {
        let raw = self.execute(request.clone()).await?;
        Page::from_response(self.clone(), request, paginator, raw, progress)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn link_headers() {
        let mut h = HeaderMap::new();
        h.insert(
            reqwest::header::LINK,
            HeaderValue::from_static(
                "<https://a.com/x?page=1>; rel=\"prev\", <https://a.com/x?page=3>; rel=\"next\"",
            ),
        );
        assert_eq!(next_link(&h).as_deref(), Some("https://a.com/x?page=3"));
        h.insert(
            reqwest::header::LINK,
            HeaderValue::from_static("<https://a.com/x?page=1>; rel=\"prev first\""),
        );
        assert_eq!(next_link(&h), None);
    }

    /// A target holding a comma (`sort=id,asc`, as Spring and JHipster APIs write them) or a
    /// semicolon was once cut there, and the listing ended after the first page (the `link`
    /// fuzz target checks that any target comes back whole).
    #[test]
    fn link_targets_and_parameters_may_hold_commas_and_semicolons() {
        let next = |values: &[&'static str]| {
            let mut h = HeaderMap::new();
            for v in values {
                h.append(reqwest::header::LINK, HeaderValue::from_static(v));
            }
            next_link(&h)
        };
        assert_eq!(
            next(&["<https://a.com/u?page=0&sort=id,asc>; rel=\"prev\", <https://a.com/u?page=2&sort=id,asc>; rel=\"next\""])
                .as_deref(),
            Some("https://a.com/u?page=2&sort=id,asc")
        );
        assert_eq!(
            next(&["<https://a.com/u;v=1?p=2>; rel=next"]).as_deref(),
            Some("https://a.com/u;v=1?p=2")
        );
        // A quoted parameter's comma or semicolon does not end the link or the parameter.
        assert_eq!(
            next(&["<https://a.com/1>; title=\"a, b; rel=next\"; rel=\"prev\", <https://a.com/3>; title=\"x\\\", y\"; REL = \"last NEXT\""])
                .as_deref(),
            Some("https://a.com/3")
        );
        // Only the first `rel` counts; a malformed link is skipped; later header lines are read.
        assert_eq!(next(&["<https://a.com/1>; rel=prev; rel=next"]), None);
        assert_eq!(
            next(&["https://a.com/1; rel=next, <https://a.com/2>; rel=next"]).as_deref(),
            Some("https://a.com/2")
        );
        assert_eq!(
            next(&[
                "<https://a.com/1>; rel=first",
                "<https://a.com/2>; rel=\"next\""
            ])
            .as_deref(),
            Some("https://a.com/2")
        );
        assert_eq!(next(&["<https://a.com/1", ";;,,", ""]), None);
    }
}
