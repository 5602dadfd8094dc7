//! Payloads: request bodies (3.x `requestBody`, Swagger 2.0 `body` and form parameters, with
//! `consumes`/`produces`) and responses with their contents and headers.

use super::parameters::ParamNode;
use super::{strings, OperationReader};
use crate::model::*;
use crate::types::description;
use tern_spec::{pointer, FileId, Value};

impl<'s> OperationReader<'_, 's> {
    fn content(
        &mut self,
        media_type: &str,
        file: FileId,
        sptr: &str,
        schema: Option<&'s Value>,
        hint: &str,
    ) -> Content {
        let ty = schema.map(|s| self.tb.schema(file, sptr, s, hint, 0));
        let mut kind = BodyKind::of(media_type);
        if kind == BodyKind::Other && matches!(ty, Some(TypeRef::String(StringFormat::Binary))) {
            kind = BodyKind::Binary;
        }
        Content {
            media_type: media_type.to_owned(),
            kind,
            ty,
            schema_source: schema.map(|_| Source {
                file,
                pointer: sptr.to_owned(),
            }),
        }
    }

    pub(super) fn v3_body(
        &mut self,
        file: FileId,
        ptr: &str,
        body: &'s Value,
        base: &str,
    ) -> Option<RequestBody> {
        let (file, ptr, body) = self.tb.deref(file, ptr, body)?;
        let mut contents = Vec::new();
        match body.get("content").and_then(Value::as_object) {
            Some(map) => {
                for (mt, media) in map {
                    let sptr = pointer::push(
                        &pointer::push(&pointer::push(&ptr, "content"), mt),
                        "schema",
                    );
                    contents.push(self.content(
                        mt,
                        file,
                        &sptr,
                        media.get("schema"),
                        &format!("{base} Body"),
                    ));
                }
            }
            None => self.tb.warn(
                "body-without-content",
                "`requestBody` has no `content`",
                file,
                &ptr,
            ),
        }
        Some(RequestBody {
            description: description(body),
            required: body
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            contents,
        })
    }

    fn v2_media(&mut self, op: &Value, key: &str) -> Vec<String> {
        let own = strings(op.get(key));
        if !own.is_empty() {
            return own;
        }
        let global = if key == "consumes" {
            &self.consumes
        } else {
            &self.produces
        };
        if !global.is_empty() {
            return global.clone();
        }
        if key == "consumes" && !self.warned_consumes {
            self.warned_consumes = true;
            self.tb.warn("missing-consumes", "request bodies are declared but no `consumes` says their media type; application/json is assumed (reported once)", FileId::ROOT, "");
        }
        vec!["application/json".to_owned()]
    }

    pub(super) fn v2_body(&mut self, node: &ParamNode<'s>, op: &Value, base: &str) -> RequestBody {
        let sptr = pointer::push(&node.ptr, "schema");
        let schema = node.value.get("schema");
        if schema.is_none() {
            self.tb.warn(
                "body-without-schema",
                "a `body` parameter needs a `schema`; read as any JSON",
                node.file,
                &node.ptr,
            );
        }
        let mut contents = Vec::new();
        let mut ty = None;
        for mt in self.v2_media(op, "consumes") {
            let mut c = match &ty {
                None => {
                    let c = self.content(&mt, node.file, &sptr, schema, &format!("{base} Body"));
                    ty = Some(c.ty.clone());
                    c
                }
                Some(t) => Content {
                    media_type: mt.clone(),
                    kind: BodyKind::of(&mt),
                    ty: t.clone(),
                    schema_source: schema.map(|_| Source {
                        file: node.file,
                        pointer: sptr.clone(),
                    }),
                },
            };
            if c.ty.is_none() {
                c.ty = Some(TypeRef::Any);
            }
            contents.push(c);
        }
        RequestBody {
            description: description(node.value),
            required: node
                .value
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            contents,
        }
    }

    pub(super) fn v2_form_body(
        &mut self,
        params: &[&ParamNode<'s>],
        op: &Value,
        optr: &str,
        file: FileId,
        base: &str,
    ) -> RequestBody {
        let mut properties = tern_spec::Map::new();
        let mut required = Vec::new();
        let mut has_file = false;
        for p in params {
            let Some(name) = p.value.get("name").and_then(Value::scalar_text) else {
                continue;
            };
            let mut schema = p.value.clone();
            if let Value::Object(m) = &mut schema {
                for k in [
                    "name",
                    "in",
                    "required",
                    "collectionFormat",
                    "allowEmptyValue",
                ] {
                    m.shift_remove(k);
                }
            }
            has_file |= p.value.get("type").and_then(Value::as_str) == Some("file");
            if p.value.get("required").and_then(Value::as_bool) == Some(true) {
                required.push(Value::String(name.clone()));
            }
            properties.insert(name, schema);
        }
        let mut object = tern_spec::Map::new();
        object.insert("type".into(), Value::String("object".into()));
        object.insert("properties".into(), Value::Object(Box::new(properties)));
        object.insert("required".into(), Value::Array(required.clone()));
        let ptr = pointer::push(optr, "parameters");
        let ty = self.tb.synthetic_object(
            Value::Object(Box::new(object)),
            file,
            &ptr,
            &format!("{base} Form"),
        );
        let mut media = self.v2_media(op, "consumes");
        media.retain(|m| matches!(BodyKind::of(m), BodyKind::Form | BodyKind::Multipart));
        if media.is_empty() {
            media.push(
                if has_file {
                    "multipart/form-data"
                } else {
                    "application/x-www-form-urlencoded"
                }
                .to_owned(),
            );
        }
        RequestBody {
            description: None,
            required: !required.is_empty(),
            contents: media
                .into_iter()
                .map(|mt| Content {
                    kind: BodyKind::of(&mt),
                    media_type: mt,
                    ty: Some(ty.clone()),
                    schema_source: None,
                })
                .collect(),
        }
    }

    pub(super) fn responses(
        &mut self,
        file: FileId,
        optr: &str,
        op: &'s Value,
        base: &str,
    ) -> Vec<Response> {
        let mut out = Vec::new();
        let rptr = pointer::push(optr, "responses");
        let Some(map) = op.get("responses").and_then(Value::as_object) else {
            if op.get("responses").is_none() {
                self.tb.warn(
                    "no-responses",
                    "the operation declares no responses",
                    file,
                    optr,
                );
            }
            return out;
        };
        let success_count = map.keys().filter(|k| k.starts_with('2')).count();
        for (code, resp) in map {
            if code.starts_with("x-") {
                continue;
            }
            let ptr = pointer::push(&rptr, code);
            let status = match parse_status(code) {
                Some(s) => s,
                None => {
                    self.tb.warn(
                        "bad-status",
                        format!("`{code}` is not a status code, range or `default`; ignored"),
                        file,
                        &ptr,
                    );
                    continue;
                }
            };
            let Some((rfile, rp, resp)) = self.tb.deref(file, &ptr, resp) else {
                continue;
            };
            let hint = match status {
                StatusCode::Code(200..=299) | StatusCode::Range(2) if success_count <= 1 => {
                    format!("{base} Response")
                }
                other => format!("{base} Response {other}"),
            };
            let contents = self.response_contents(op, rfile, &rp, resp, &hint);
            let headers = self.response_headers(rfile, &rp, resp, &hint);
            out.push(Response {
                status,
                description: description(resp),
                headers,
                contents,
            });
        }
        out
    }

    /// A response's payloads: 2.0 `schema` in every `produces` media type, 3.x `content`.
    fn response_contents(
        &mut self,
        op: &'s Value,
        rfile: FileId,
        rp: &str,
        resp: &'s Value,
        hint: &str,
    ) -> Vec<Content> {
        let mut contents = Vec::new();
        if self.v2 {
            if let Some(schema) = resp.get("schema") {
                let sptr = pointer::push(rp, "schema");
                let first = self.content("application/json", rfile, &sptr, Some(schema), hint);
                for mt in self.v2_media(op, "produces") {
                    let mut c = first.clone();
                    c.kind = BodyKind::of(&mt);
                    if c.kind == BodyKind::Other
                        && matches!(c.ty, Some(TypeRef::String(StringFormat::Binary)))
                    {
                        c.kind = BodyKind::Binary;
                    }
                    c.media_type = mt;
                    contents.push(c);
                }
            }
        } else if let Some(content) = resp.get("content").and_then(Value::as_object) {
            for (mt, media) in content {
                let sptr =
                    pointer::push(&pointer::push(&pointer::push(rp, "content"), mt), "schema");
                contents.push(self.content(mt, rfile, &sptr, media.get("schema"), hint));
            }
        }
        contents
    }

    /// A response's declared headers (after `$ref`s).
    fn response_headers(
        &mut self,
        rfile: FileId,
        rp: &str,
        resp: &'s Value,
        hint: &str,
    ) -> Vec<ResponseHeader> {
        let mut headers = Vec::new();
        if let Some(hs) = resp.get("headers").and_then(Value::as_object) {
            for (name, h) in hs {
                let hptr = pointer::push(&pointer::push(rp, "headers"), name);
                let Some((hfile, hp, h)) = self.tb.deref(rfile, &hptr, h) else {
                    continue;
                };
                let ty = if self.v2 {
                    self.tb.schema(hfile, &hp, h, &format!("{hint} {name}"), 0)
                } else {
                    match h.get("schema") {
                        Some(s) => self.tb.schema(
                            hfile,
                            &pointer::push(&hp, "schema"),
                            s,
                            &format!("{hint} {name}"),
                            0,
                        ),
                        None => TypeRef::String(StringFormat::Plain),
                    }
                };
                headers.push(ResponseHeader {
                    name: name.clone(),
                    description: description(h),
                    required: h.get("required").and_then(Value::as_bool).unwrap_or(false),
                    ty,
                });
            }
        }
        headers
    }
}

fn parse_status(code: &str) -> Option<StatusCode> {
    if code.eq_ignore_ascii_case("default") {
        return Some(StatusCode::Default);
    }
    let b = code.as_bytes();
    if b.len() == 3 && b[0].is_ascii_digit() && b[1..].eq_ignore_ascii_case(b"XX") {
        return Some(StatusCode::Range(b[0] - b'0'));
    }
    code.parse::<u16>()
        .ok()
        .filter(|c| (100..=599).contains(c))
        .map(StatusCode::Code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(parse_status("200"), Some(StatusCode::Code(200)));
        assert_eq!(parse_status("4XX"), Some(StatusCode::Range(4)));
        assert_eq!(parse_status("5xx"), Some(StatusCode::Range(5)));
        assert_eq!(parse_status("default"), Some(StatusCode::Default));
        assert_eq!(parse_status("abc"), None);
        assert_eq!(parse_status("999"), None);
    }
}
