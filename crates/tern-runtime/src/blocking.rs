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

/// One page of results (blocking).
#[derive(Debug)]
pub struct Page<T> {
    inner: crate::Page<T>,
}

impl<T: DeserializeOwned + Send + 'static> Page<T> {
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
    pub fn get_next_page(&self) -> Result<Option<Page<T>>, Error> {
        Ok(runtime()?
            .block_on(self.inner.get_next_page())?
            .map(|inner| Page { inner }))
    }
}

impl<T: DeserializeOwned + Send + 'static> IntoIterator for Page<T> {
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
