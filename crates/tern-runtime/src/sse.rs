//! `text/event-stream` → a stream of [`Event`]s (the WHATWG server-sent events format).

use crate::error::Error;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use std::time::Duration;

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Event {
    /// The `event:` type (`message` when not given).
    pub event: String,
    /// The `data:` lines joined with `\n`.
    pub data: String,
    /// The `id:`, if given.
    pub id: Option<String>,
    /// The `retry:` reconnection time, if given.
    pub retry: Option<Duration>,
}

impl Event {
    /// Decodes `data` as JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.data)
    }
}

/// Incremental parser: feed bytes, take complete events.
#[derive(Debug, Default)]
pub(crate) struct Parser {
    buffer: Vec<u8>,
    current: Event,
    has_data: bool,
    saw_cr: bool,
}

impl Parser {
    /// Feeds a chunk; returns the events it completes.
    pub(crate) fn feed(&mut self, chunk: &[u8]) -> Vec<Event> {
        let mut out = Vec::new();
        for &b in chunk {
            // A line ends at CR, LF or CRLF.
            if self.saw_cr {
                self.saw_cr = false;
                if b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\r' | b'\n' => {
                    self.saw_cr = b == b'\r';
                    let line = std::mem::take(&mut self.buffer);
                    if let Some(e) = self.line(&line) {
                        out.push(e);
                    }
                }
                _ => self.buffer.push(b),
            }
        }
        out
    }

    fn line(&mut self, line: &[u8]) -> Option<Event> {
        if line.is_empty() {
            // Dispatch.
            let mut e = std::mem::take(&mut self.current);
            let had = std::mem::take(&mut self.has_data);
            if !had {
                return None;
            }
            if e.event.is_empty() {
                e.event = "message".into();
            }
            return Some(e);
        }
        if line[0] == b':' {
            return None;
        }
        let text = String::from_utf8_lossy(line);
        let (field, value) = match text.find(':') {
            Some(i) => (
                &text[..i],
                text[i + 1..].strip_prefix(' ').unwrap_or(&text[i + 1..]),
            ),
            None => (&text[..], ""),
        };
        match field {
            "event" => self.current.event = value.to_owned(),
            "data" => {
                if self.has_data {
                    self.current.data.push('\n');
                }
                self.current.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.current.id = Some(value.to_owned()),
            "retry" => {
                if let Ok(ms) = value.parse::<u64>() {
                    self.current.retry = Some(Duration::from_millis(ms));
                }
            }
            _ => {}
        }
        None
    }
}

/// Turns a byte stream into an event stream.
pub(crate) fn events<S>(bytes: S) -> impl Stream<Item = Result<Event, Error>> + Send
where
    S: Stream<Item = Result<Bytes, Error>> + Send,
{
    let mut parser = Parser::default();
    bytes
        .map(move |chunk| match chunk {
            Ok(b) => {
                futures_util::stream::iter(parser.feed(&b).into_iter().map(Ok).collect::<Vec<_>>())
            }
            Err(e) => futures_util::stream::iter(vec![Err(e)]),
        })
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_events_across_chunks_and_line_endings() {
        let mut p = Parser::default();
        let mut all = Vec::new();
        for chunk in [
            &b"event: up\r\ndata: {\"a\":"[..],
            b"1}\r\n\r\n: comment\n",
            b"data: one\ndata:two\nid: 7\nretry: 1500\n\n",
            b"data\r\rdata: x",
        ] {
            all.extend(p.feed(chunk));
        }
        assert_eq!(all.len(), 3);
        assert_eq!(
            (all[0].event.as_str(), all[0].data.as_str()),
            ("up", "{\"a\":1}")
        );
        assert_eq!(all[0].json::<serde_json::Value>().unwrap()["a"], 1);
        assert_eq!(
            (
                all[1].event.as_str(),
                all[1].data.as_str(),
                all[1].id.as_deref()
            ),
            ("message", "one\ntwo", Some("7"))
        );
        assert_eq!(all[1].retry, Some(Duration::from_millis(1500)));
        assert_eq!(all[2].data, "");
    }

    /// A CRLF cut between two chunks is one line ending, not a CR line ending and an empty line
    /// (which would dispatch the event early); the `sse` fuzz target checks every cut.
    #[test]
    fn a_crlf_across_chunks_is_one_line_ending() {
        let mut p = Parser::default();
        let mut all = p.feed(b"data: a\r");
        all.extend(p.feed(b"\ndata: b\r"));
        all.extend(p.feed(b"\n"));
        assert!(all.is_empty(), "{all:?}");
        all.extend(p.feed(b"\r"));
        all.extend(p.feed(b"\n"));
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].data, "a\nb");
    }
}
