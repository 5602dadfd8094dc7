//! The blocking client (feature `blocking`): the same features, driven on one shared
//! background runtime — not a runtime per call. Do not use it from inside an async runtime.

use crate::{Error, Paginator, RawResponse, Request, RequestOptions, Response};
use serde::de::DeserializeOwned;
use std::sync::OnceLock;

fn runtime() -> Result<&'static tokio::runtime::Runtime, Error> {
    static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("tern-blocking")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| Error::invalid(format!("cannot start the blocking client's runtime: {e}")))
}

/// A blocking client; wraps an async [`crate::Client`].
#[derive(Debug, Clone)]
pub struct Client {
    inner: crate::Client,
}

impl From<crate::Client> for Client {
    fn from(inner: crate::Client) -> Self {
        Client { inner }
    }
}

impl Client {
    /// The async client underneath.
    pub fn inner(&self) -> &crate::Client {
        &self.inner
    }
    /// A cheap copy with options applied to every call.
    pub fn with_options(&self, options: RequestOptions) -> Client {
        Client {
            inner: self.inner.with_options(options),
        }
    }
    /// Executes a request and reads the whole response.
    pub fn execute(&self, req: Request) -> Result<RawResponse, Error> {
        runtime()?.block_on(self.inner.execute(req))
    }
    /// Executes a request and decodes the JSON response.
    pub fn send<T: DeserializeOwned>(&self, req: Request) -> Result<T, Error> {
        runtime()?.block_on(self.inner.send(req))
    }
    /// Executes a request and decodes it, keeping status and headers.
    pub fn send_with_response<T: DeserializeOwned>(
        &self,
        req: Request,
    ) -> Result<Response<T>, Error> {
        runtime()?.block_on(self.inner.send_with_response(req))
    }
    /// Executes a list request and returns its first page.
    pub fn get_page<T: DeserializeOwned + Send + 'static>(
        &self,
        req: Request,
        paginator: Paginator,
    ) -> Result<Page<T>, Error> {
        Ok(Page {
            inner: runtime()?.block_on(self.inner.get_page(req, paginator))?,
        })
    }
}

/// One page of results (blocking): its items, and the whole body as `B` through
/// [`body`](Page::body).
#[derive(Debug)]
pub struct Page<T, B = serde_json::Value> {
    inner: crate::Page<T, B>,
}

impl<T, B: DeserializeOwned> Page<T, B> {
    /// The whole response body of this page, decoded (see [`crate::Page::body`]).
    pub fn body(&self) -> Result<B, Error> {
        self.inner.body()
    }
    /// The page's response headers.
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.inner.headers
    }
    /// The server's request id for this page.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id()
    }
}

impl<T, B> Page<T, B> {
    /// The same page, its body read as `C` (what a generated SDK's `_pages` methods return).
    pub fn with_body<C>(self) -> Page<T, C> {
        Page {
            inner: self.inner.with_body(),
        }
    }
}

impl<T: DeserializeOwned + Send + 'static, B> Page<T, B> {
    /// The items of this page.
    pub fn items(&self) -> &[T] {
        self.inner.items()
    }
    /// Whether another page follows.
    pub fn has_next_page(&self) -> bool {
        self.inner.has_next_page()
    }
    /// Where the next page starts.
    pub fn next_page_info(&self) -> Option<&crate::PageInfo> {
        self.inner.next_page_info()
    }
    /// Fetches the next page.
    pub fn get_next_page(&self) -> Result<Option<Page<T, B>>, Error> {
        Ok(runtime()?
            .block_on(self.inner.get_next_page())?
            .map(|inner| Page { inner }))
    }
}

impl<T: DeserializeOwned + Send + 'static, B> IntoIterator for Page<T, B> {
    type Item = Result<T, Error>;
    type IntoIter = Iter<T>;

    /// Every item of this and the following pages, fetched lazily.
    fn into_iter(self) -> Iter<T> {
        Iter {
            stream: Box::pin(self.inner.into_stream()),
        }
    }
}

/// Iterator over all items across pages.
pub struct Iter<T> {
    stream: std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<T, Error>> + Send>>,
}

impl<T> std::fmt::Debug for Iter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Iter")
    }
}

impl<T> Iterator for Iter<T> {
    type Item = Result<T, Error>;
    fn next(&mut self) -> Option<Result<T, Error>> {
        use futures_util::StreamExt;
        match runtime() {
            Ok(rt) => rt.block_on(self.stream.next()),
            Err(e) => Some(Err(e)),
        }
    }
}
