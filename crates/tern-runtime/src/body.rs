//! Request bodies encoded once per call (so every attempt sends the same bytes), and response
//! bodies read chunk by chunk within a size bound.

use crate::error::Error;
use crate::prepare::header_value;
use crate::request::Body;
use bytes::{Bytes, BytesMut};
use reqwest::header::HeaderValue;

pub(crate) enum PreparedBody {
    None,
    Bytes(Bytes, HeaderValue),
}

/// Encodes a request body once, with any extra fields from the options, so that every attempt
/// sends the same bytes. Kept out of line: a body-less call never runs it.
#[inline(never)]
pub(crate) fn encode_body<'a>(
    body: Body,
    extra: impl Iterator<Item = &'a (String, serde_json::Value)> + Clone,
) -> Result<PreparedBody, Error> {
    let has_extra = extra.clone().next().is_some();
    Ok(match body {
        Body::JsonBytes(bytes) if !has_extra => {
            PreparedBody::Bytes(bytes, HeaderValue::from_static("application/json"))
        }
        Body::JsonBytes(bytes) => {
            // Extra fields are merged into the value (rare: only with `body_field` options).
            let value = serde_json::from_slice(&bytes)
                .map_err(|e| Error::invalid(format!("the JSON body does not parse: {e}")))?;
            return encode_body(Body::Json(value), extra);
        }
        Body::Empty | Body::Json(_) => {
            let mut value = match body {
                Body::Json(v) => v,
                _ => serde_json::Value::Object(serde_json::Map::new()),
            };
            if has_extra {
                let serde_json::Value::Object(map) = &mut value else {
                    return Err(Error::invalid("extra body fields need a JSON object body"));
                };
                for (k, v) in extra {
                    map.insert(k.clone(), v.clone());
                }
            }
            let bytes = serde_json::to_vec(&value)
                .map_err(|e| Error::invalid(format!("the body cannot be serialised: {e}")))?;
            PreparedBody::Bytes(
                Bytes::from(bytes),
                HeaderValue::from_static("application/json"),
            )
        }
        Body::Form(mut fields) => {
            for (k, v) in extra {
                fields.push((
                    k.clone(),
                    v.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string()),
                ));
            }
            let encoded = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&fields)
                .finish();
            PreparedBody::Bytes(
                Bytes::from(encoded),
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            )
        }
        Body::Multipart(parts) => {
            let boundary = format!("tern-{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
            let bytes = crate::request::encode_multipart(&parts, &boundary)?;
            PreparedBody::Bytes(
                bytes,
                header_value(
                    "content-type",
                    &format!("multipart/form-data; boundary={boundary}"),
                )?,
            )
        }
        Body::Bytes { data, content_type } => {
            PreparedBody::Bytes(data, header_value("content-type", &content_type)?)
        }
    })
}

pub(crate) enum BodyError {
    TooLarge(usize),
    Transport(reqwest::Error),
}

/// Reads a whole body (failing past `limit` bytes, when given). Chunk by chunk rather than
/// through `Response::bytes`: this future is a fraction of that one's size, and a body that
/// arrives in one chunk (most JSON responses) is kept without a copy.
pub(crate) async fn read_body(
    resp: &mut reqwest::Response,
    limit: Option<usize>,
) -> Result<Bytes, BodyError> {
    let too_large = |n: usize| limit.is_some_and(|limit| n > limit);
    if resp
        .content_length()
        .is_some_and(|n| too_large(usize::try_from(n).unwrap_or(usize::MAX)))
    {
        return Err(BodyError::TooLarge(limit.unwrap_or_default()));
    }
    let mut first = Bytes::new();
    let mut rest = BytesMut::new();
    while let Some(chunk) = resp.chunk().await.map_err(BodyError::Transport)? {
        if too_large(first.len() + rest.len() + chunk.len()) {
            return Err(BodyError::TooLarge(limit.unwrap_or_default()));
        }
        if first.is_empty() && rest.is_empty() {
            first = chunk;
        } else {
            if rest.is_empty() {
                rest.extend_from_slice(&first);
            }
            rest.extend_from_slice(&chunk);
        }
    }
    Ok(if rest.is_empty() {
        first
    } else {
        rest.freeze()
    })
}
