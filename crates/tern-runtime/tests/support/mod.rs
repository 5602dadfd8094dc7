//! Shared test helpers: a sleeper that records waits instead of sleeping, and client setup.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tern_runtime::{BoxFuture, Client, ClientBuilder, Sleeper};

/// Records every requested wait and returns at once: retries are tested without real sleeps.
#[derive(Debug, Default, Clone)]
pub struct RecordingSleeper {
    pub waits: Arc<Mutex<Vec<Duration>>>,
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, d: Duration) -> BoxFuture<'static, ()> {
        self.waits.lock().unwrap().push(d);
        Box::pin(async {})
    }
}

impl RecordingSleeper {
    pub fn waits(&self) -> Vec<Duration> {
        self.waits.lock().unwrap().clone()
    }
}

/// A builder for `base` with a recording sleeper.
pub fn builder(base: &str) -> (ClientBuilder, RecordingSleeper) {
    let sleeper = RecordingSleeper::default();
    (
        Client::builder(base).sleeper(Arc::new(sleeper.clone())),
        sleeper,
    )
}

pub fn client(base: &str) -> (Client, RecordingSleeper) {
    let (b, s) = builder(base);
    (b.build().unwrap(), s)
}

/// A mock server answering 200 (no body) on `path`.
pub async fn ok_server(path: &str) -> wiremock::MockServer {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::path(path))
        .respond_with(wiremock::ResponseTemplate::new(200))
        .mount(&server)
        .await;
    server
}
