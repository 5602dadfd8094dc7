//! Pages and auto-paging: offset/limit, cursor, page number and `Link` headers. One page is in
//! memory at a time.

use crate::client::Client;
use crate::error::Error;
use crate::execute::RawResponse;
use crate::request::Request;
use futures_util::Stream;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

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
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// One page of results.
#[derive(Debug)]
pub struct Page<T> {
    items: Vec<T>,
    next: Option<(PageInfo, Request)>,
    client: Client,
    paginator: Paginator,
    /// The page's response headers.
    pub headers: HeaderMap,
}

fn at<'v>(value: &'v serde_json::Value, path: &[String]) -> Option<&'v serde_json::Value> {
    path.iter().try_fold(value, |v, k| v.get(k))
}

/// Parses `Link` headers for `rel="next"`.
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    for value in headers.get_all(reqwest::header::LINK) {
        let Ok(text) = value.to_str() else { continue };
        for link in text.split(',') {
            let mut pieces = link.split(';');
            let target = pieces.next()?.trim();
            let is_next = pieces.any(|p| {
                let p = p.trim();
                p.strip_prefix("rel=").is_some_and(|r| {
                    r.trim_matches('"')
                        .split_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("next"))
                })
            });
            if is_next {
                return target
                    .strip_prefix('<')
                    .and_then(|t| t.strip_suffix('>'))
                    .map(str::to_owned);
            }
        }
    }
    None
}

impl<T: DeserializeOwned + Send + 'static> Page<T> {
    pub(crate) fn from_response(
        client: Client,
        request: Request,
        paginator: Paginator,
        raw: RawResponse,
    ) -> Result<Page<T>, Error> {
        let body: serde_json::Value = raw.json()?;
        let items_value = at(&body, paginator.items_path())
            .cloned()
            .unwrap_or(serde_json::Value::Array(Vec::new()));
        let count = items_value.as_array().map_or(0, Vec::len);
        let last_id = items_value
            .as_array()
            .and_then(|a| a.last())
            .and_then(|l| l.get("id"))
            .map(|id| {
                id.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| id.to_string())
            });
        let items: Vec<T> = crate::error::decode_value(
            &raw.request,
            raw.status,
            &items_value,
            &paginator.items_path().join("."),
        )
        .map_err(Error::Decode)?;
        let next = match &paginator {
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
                let more = count > 0
                    && limit.is_none_or(|l| count >= l)
                    && total.is_none_or(|t| offset + (count as u64) < t);
                more.then(|| {
                    let next = offset + count as u64;
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
            } => {
                let more = has_more
                    .as_ref()
                    .and_then(|p| at(&body, p))
                    .and_then(serde_json::Value::as_bool);
                let cursor = match next_cursor {
                    Some(path) => at(&body, path).and_then(|c| match c {
                        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
                        serde_json::Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    }),
                    None => last_id,
                };
                match (cursor, more) {
                    (Some(c), None | Some(true)) if count > 0 || next_cursor.is_some() => Some((
                        PageInfo::Cursor(c.clone()),
                        request.clone().set_query(cursor_param, c),
                    )),
                    _ => None,
                }
            }
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
                let more = count > 0 && size.is_none_or(|s| count >= s);
                more.then(|| {
                    (
                        PageInfo::Page(page + 1),
                        request.clone().set_query(page_param, page + 1),
                    )
                })
            }
            Paginator::Link { .. } => next_link(&raw.headers).map(|url| {
                let absolute =
                    match url::Url::parse(&raw.request.url).and_then(|base| base.join(&url)) {
                        Ok(u) => u.to_string(),
                        Err(_) => url,
                    };
                let mut next = request.clone();
                next.absolute_url = Some(absolute.clone());
                (PageInfo::Url(absolute), next)
            }),
        };
        Ok(Page {
            items,
            next,
            client,
            paginator,
            headers: raw.headers,
        })
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
        self.next.is_some()
    }

    /// Where the next page starts.
    pub fn next_page_info(&self) -> Option<&PageInfo> {
        self.next.as_ref().map(|(info, _)| info)
    }

    /// Fetches the next page (`None` after the last).
    pub async fn get_next_page(&self) -> Result<Option<Page<T>>, Error> {
        match &self.next {
            None => Ok(None),
            Some((_, request)) => self
                .client
                .get_page(request.clone(), self.paginator.clone())
                .await
                .map(Some),
        }
    }

    /// Every item of this and the following pages, fetched lazily (`Unpin`, so `.next()`
    /// works directly).
    pub fn into_stream(self) -> impl Stream<Item = Result<T, Error>> + Send + Unpin {
        enum State<T> {
            Page(
                std::vec::IntoIter<T>,
                Option<Box<(Request, Client, Paginator)>>,
            ),
            Done,
        }
        let next = self
            .next
            .map(|(_, r)| Box::new((r, self.client, self.paginator)));
        Box::pin(futures_util::stream::unfold(
            State::Page(self.items.into_iter(), next),
            |mut state| async move {
                loop {
                    match state {
                        State::Done => return None,
                        State::Page(mut items, next) => {
                            if let Some(item) = items.next() {
                                return Some((Ok(item), State::Page(items, next)));
                            }
                            let (request, client, paginator) = *next?;
                            match client.get_page::<T>(request, paginator).await {
                                Ok(page) => {
                                    let following = page
                                        .next
                                        .map(|(_, r)| Box::new((r, page.client, page.paginator)));
                                    state = State::Page(page.items.into_iter(), following);
                                }
                                Err(e) => return Some((Err(e), State::Done)),
                            }
                        }
                    }
                }
            },
        ))
    }
}

impl Client {
    /// Executes a list request and returns its first page.
    pub async fn get_page<T: DeserializeOwned + Send + 'static>(
        &self,
        request: Request,
        paginator: Paginator,
    ) -> Result<Page<T>, Error> {
        let raw = self.execute(request.clone()).await?;
        Page::from_response(self.clone(), request, paginator, raw)
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
}
