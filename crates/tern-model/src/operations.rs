//! Paths → operations: parameters, bodies and responses for 3.x and Swagger 2.0, security and
//! servers. Names, arguments and pagination are filled in afterwards by `lib.rs`.

use crate::model::*;
use crate::types::{description, example, extensions, TypeBuilder};
use heck::ToPascalCase;
use tern_spec::{pointer, FileId, SpecVersion, Value};

const METHOD_KEYS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const PATH_ITEM_KEYS: &[&str] = &["$ref", "summary", "description", "servers", "parameters"];

/// A parameter node with its address, after `$ref`s.
struct ParamNode<'v> {
    file: FileId,
    ptr: String,
    value: &'v Value,
}

pub(crate) struct OperationReader<'a, 's> {
    pub(crate) tb: &'a mut TypeBuilder<'s>,
    v2: bool,
    warned_consumes: bool,
    consumes: Vec<String>,
    produces: Vec<String>,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::scalar_text)
        .filter(|s| !s.trim().is_empty())
}

impl<'a, 's> OperationReader<'a, 's> {
    pub(crate) fn new(tb: &'a mut TypeBuilder<'s>) -> Self {
        let root = tb.spec.root();
        OperationReader {
            v2: tb.spec.version() == SpecVersion::Swagger2,
            warned_consumes: false,
            consumes: strings(root.get("consumes")),
            produces: strings(root.get("produces")),
            tb,
        }
    }

    pub(crate) fn operations(&mut self) -> Vec<Operation> {
        let spec = self.tb.spec;
        let mut out = Vec::new();
        let Some(paths) = spec.root().get("paths") else {
            return out;
        };
        let Some(paths) = paths.as_object() else {
            self.tb.error(
                "bad-paths",
                "`paths` must be an object",
                FileId::ROOT,
                "/paths",
            );
            return out;
        };
        for (path, item) in paths {
            let item_ptr = pointer::push("/paths", path);
            if path.starts_with("x-") {
                continue;
            }
            if !path.starts_with('/') {
                self.tb.warn(
                    "path-without-slash",
                    format!("path `{path}` does not start with `/`"),
                    FileId::ROOT,
                    &item_ptr,
                );
            }
            let Some((file, iptr, item)) = self.tb.deref(FileId::ROOT, &item_ptr, item) else {
                continue;
            };
            let Some(map) = item.as_object() else {
                self.tb.error(
                    "bad-path-item",
                    "a path item must be an object",
                    file,
                    &iptr,
                );
                continue;
            };
            let shared_params = map.get("parameters");
            let path_servers =
                self.servers(map.get("servers"), file, &pointer::push(&iptr, "servers"));
            for (key, op) in map {
                let Some(method) = HttpMethod::from_key(key) else {
                    if !METHOD_KEYS.contains(&key.as_str())
                        && !PATH_ITEM_KEYS.contains(&key.as_str())
                        && !key.starts_with("x-")
                    {
                        self.tb.warn(
                            "unknown-path-item-key",
                            format!("`{key}` is not an HTTP method or path-item field; ignored"),
                            file,
                            &pointer::push(&iptr, key),
                        );
                    }
                    continue;
                };
                let optr = pointer::push(&iptr, key);
                if !matches!(op, Value::Object(_)) {
                    self.tb.error(
                        "bad-operation",
                        "an operation must be an object",
                        file,
                        &optr,
                    );
                    continue;
                }
                let mut operation =
                    self.operation(method, path, file, &iptr, shared_params, op, &optr);
                if operation.servers.is_empty() {
                    operation.servers = path_servers.clone();
                }
                out.push(operation);
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        method: HttpMethod,
        path: &str,
        file: FileId,
        iptr: &str,
        shared: Option<&'s Value>,
        op: &'s Value,
        optr: &str,
    ) -> Operation {
        let operation_id = op
            .get("operationId")
            .and_then(Value::scalar_text)
            .filter(|s| !s.is_empty());
        // Provisional name base for inline types; replaced by the final method name later.
        let base = match &operation_id {
            Some(id) => id.to_pascal_case(),
            None => {
                format!("{} {}", method.lower(), path.replace(['{', '}'], " ")).to_pascal_case()
            }
        };
        // Path-level parameters first, then operation-level ones replacing same name+location.
        let mut nodes: Vec<ParamNode<'s>> = Vec::new();
        for (list, lptr) in [
            (shared, pointer::push(iptr, "parameters")),
            (op.get("parameters"), pointer::push(optr, "parameters")),
        ] {
            let Some(list) = list else { continue };
            let Some(items) = list.as_array() else {
                self.tb.warn(
                    "bad-parameters",
                    "`parameters` must be an array; ignored",
                    file,
                    &lptr,
                );
                continue;
            };
            for (i, p) in items.iter().enumerate() {
                let pptr = pointer::push(&lptr, &i.to_string());
                let Some((pfile, pp, pv)) = self.tb.deref(file, &pptr, p) else {
                    continue;
                };
                let key = |v: &Value| {
                    (
                        v.get("name").and_then(Value::as_str).map(str::to_owned),
                        v.get("in").and_then(Value::as_str).map(str::to_owned),
                    )
                };
                let k = key(pv);
                match nodes.iter_mut().find(|n| key(n.value) == k) {
                    Some(slot) => {
                        *slot = ParamNode {
                            file: pfile,
                            ptr: pp,
                            value: pv,
                        }
                    }
                    None => nodes.push(ParamNode {
                        file: pfile,
                        ptr: pp,
                        value: pv,
                    }),
                }
            }
        }
        let mut parameters = Vec::new();
        let mut request_body = None;
        let mut form_params: Vec<&ParamNode<'s>> = Vec::new();
        for node in &nodes {
            let Some(location) = node.value.get("in").and_then(Value::as_str) else {
                self.tb.error(
                    "bad-parameter",
                    "a parameter needs `in`; it is left out",
                    node.file,
                    &node.ptr,
                );
                continue;
            };
            let Some(name) = node.value.get("name").and_then(Value::scalar_text) else {
                self.tb.error(
                    "bad-parameter",
                    "a parameter needs `name`; it is left out",
                    node.file,
                    &node.ptr,
                );
                continue;
            };
            match location {
                "body" if self.v2 => {
                    request_body = Some(self.v2_body(node, op, &base));
                    continue;
                }
                "formData" if self.v2 => {
                    form_params.push(node);
                    continue;
                }
                _ => {}
            }
            let location = match location {
                "path" => ParameterLocation::Path,
                "query" => ParameterLocation::Query,
                "header" => ParameterLocation::Header,
                "cookie" => ParameterLocation::Cookie,
                other => {
                    self.tb.error(
                        "bad-parameter",
                        format!(
                            "`in: {other}` is not a parameter location; the parameter is left out"
                        ),
                        node.file,
                        &pointer::push(&node.ptr, "in"),
                    );
                    continue;
                }
            };
            // OpenAPI says header parameters named Accept, Content-Type or Authorization are
            // ignored, but validating servers and mocks (Prism) enforce them: they are kept, and
            // sent with their default, with a warning.
            if location == ParameterLocation::Header
                && ["accept", "content-type", "authorization"]
                    .contains(&name.to_ascii_lowercase().as_str())
            {
                self.tb.warn("reserved-header-parameter", format!("header parameter `{name}` is one OpenAPI says to ignore; it is kept because servers may require it"), node.file, &node.ptr);
            }
            parameters.push(self.parameter(node, name, location, &base));
        }
        if !form_params.is_empty() {
            request_body = Some(self.v2_form_body(&form_params, op, optr, file, &base));
        }
        // Every `{param}` in the template must be declared, and path parameters are required.
        for template_param in template_params(path) {
            match parameters
                .iter_mut()
                .find(|p| p.location == ParameterLocation::Path && p.name == template_param)
            {
                Some(p) if !p.required => {
                    self.tb.warn(
                        "optional-path-parameter",
                        format!(
                            "path parameter `{template_param}` must be required; read as required"
                        ),
                        file,
                        optr,
                    );
                    p.required = true;
                }
                Some(_) => {}
                None => {
                    self.tb.warn("undeclared-path-parameter", format!("`{{{template_param}}}` in the path is not declared; read as a required string parameter"), file, optr);
                    parameters.push(Parameter {
                        name: template_param.clone(),
                        location: ParameterLocation::Path,
                        description: None,
                        required: true,
                        deprecated: false,
                        ty: TypeRef::String(StringFormat::Plain),
                        style: ParameterStyle::Simple,
                        explode: false,
                        default: None,
                        example: None,
                        schema_source: None,
                        extensions: Vec::new(),
                    });
                }
            }
        }
        if !self.v2 {
            if let Some(body) = op.get("requestBody") {
                request_body = self.v3_body(file, &pointer::push(optr, "requestBody"), body, &base);
            }
        }
        let responses = self.responses(file, optr, op, &base);
        let security = op.get("security").map(security_requirements);
        let servers = self.servers(op.get("servers"), file, &pointer::push(optr, "servers"));
        Operation {
            method,
            path: path.to_owned(),
            operation_id,
            summary: text(op, "summary"),
            description: text(op, "description"),
            tags: strings(op.get("tags")),
            deprecated: op
                .get("deprecated")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            parameters,
            request_body,
            responses,
            security,
            servers,
            pagination: None,
            arguments: Vec::new(),
            rest_name: MethodName {
                resource: String::new(),
                method: String::new(),
                aliases: Vec::new(),
            },
            operation_id_name: MethodName {
                resource: String::new(),
                method: String::new(),
                aliases: Vec::new(),
            },
            extensions: extensions(op),
            source: Source {
                file,
                pointer: optr.to_owned(),
            },
        }
    }

    fn parameter(
        &mut self,
        node: &ParamNode<'s>,
        name: String,
        location: ParameterLocation,
        base: &str,
    ) -> Parameter {
        let v = node.value;
        let hint = format!("{base} {name}");
        let (ty, schema_source) = if self.v2 {
            // A 2.0 parameter is its own schema (type, format, items, enum).
            (
                self.tb.schema(node.file, &node.ptr, v, &hint, 0),
                Some(Source {
                    file: node.file,
                    pointer: node.ptr.clone(),
                }),
            )
        } else if let Some(schema) = v.get("schema") {
            let sptr = pointer::push(&node.ptr, "schema");
            (
                self.tb.schema(node.file, &sptr, schema, &hint, 0),
                Some(Source {
                    file: node.file,
                    pointer: sptr,
                }),
            )
        } else if let Some((mt, media)) = v
            .get("content")
            .and_then(Value::as_object)
            .and_then(|c| c.iter().next())
        {
            let sptr = pointer::push(
                &pointer::push(&pointer::push(&node.ptr, "content"), mt),
                "schema",
            );
            match media.get("schema") {
                Some(schema) => (
                    self.tb.schema(node.file, &sptr, schema, &hint, 0),
                    Some(Source {
                        file: node.file,
                        pointer: sptr,
                    }),
                ),
                None => (TypeRef::Any, None),
            }
        } else {
            self.tb.warn(
                "parameter-without-schema",
                format!("parameter `{name}` has no schema; read as a string"),
                node.file,
                &node.ptr,
            );
            (TypeRef::String(StringFormat::Plain), None)
        };
        let default_style = match location {
            ParameterLocation::Query | ParameterLocation::Cookie => ParameterStyle::Form,
            _ => ParameterStyle::Simple,
        };
        let (style, explode) = if self.v2 {
            match v.get("collectionFormat").and_then(Value::as_str) {
                Some("multi") => (ParameterStyle::Form, true),
                Some("ssv") => (ParameterStyle::SpaceDelimited, false),
                Some("pipes") => (ParameterStyle::PipeDelimited, false),
                Some("tsv") => {
                    self.tb.warn(
                        "tsv-collection",
                        "`collectionFormat: tsv` has no OpenAPI 3 equivalent; sent comma-separated",
                        node.file,
                        &pointer::push(&node.ptr, "collectionFormat"),
                    );
                    (default_style, false)
                }
                _ => (default_style, false),
            }
        } else {
            let style = match v.get("style").and_then(Value::as_str) {
                None => default_style,
                Some("form") => ParameterStyle::Form,
                Some("simple") => ParameterStyle::Simple,
                Some("matrix") => ParameterStyle::Matrix,
                Some("label") => ParameterStyle::Label,
                Some("spaceDelimited") => ParameterStyle::SpaceDelimited,
                Some("pipeDelimited") => ParameterStyle::PipeDelimited,
                Some("deepObject") => ParameterStyle::DeepObject,
                Some(other) => {
                    self.tb.warn(
                        "unknown-style",
                        format!("`style: {other}` is unknown; the default is used"),
                        node.file,
                        &pointer::push(&node.ptr, "style"),
                    );
                    default_style
                }
            };
            let explode = v
                .get("explode")
                .and_then(Value::as_bool)
                .unwrap_or(style == ParameterStyle::Form);
            (style, explode)
        };
        let schema = v.get("schema").unwrap_or(v);
        Parameter {
            name,
            location,
            description: description(v),
            required: v.get("required").and_then(Value::as_bool).unwrap_or(false)
                || location == ParameterLocation::Path,
            deprecated: v
                .get("deprecated")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            ty,
            style,
            explode,
            default: schema.get("default").or_else(|| v.get("default")).cloned(),
            example: example(v).or_else(|| example(schema)),
            schema_source,
            extensions: extensions(v),
        }
    }

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

    fn v3_body(
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

    fn v2_body(&mut self, node: &ParamNode<'s>, op: &Value, base: &str) -> RequestBody {
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

    fn v2_form_body(
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

    fn responses(&mut self, file: FileId, optr: &str, op: &'s Value, base: &str) -> Vec<Response> {
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
            let mut contents = Vec::new();
            if self.v2 {
                if let Some(schema) = resp.get("schema") {
                    let sptr = pointer::push(&rp, "schema");
                    let first = self.content("application/json", rfile, &sptr, Some(schema), &hint);
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
                        pointer::push(&pointer::push(&pointer::push(&rp, "content"), mt), "schema");
                    contents.push(self.content(mt, rfile, &sptr, media.get("schema"), &hint));
                }
            }
            let mut headers = Vec::new();
            if let Some(hs) = resp.get("headers").and_then(Value::as_object) {
                for (name, h) in hs {
                    let hptr = pointer::push(&pointer::push(&rp, "headers"), name);
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
            out.push(Response {
                status,
                description: description(resp),
                headers,
                contents,
            });
        }
        out
    }

    pub(crate) fn servers(&mut self, list: Option<&Value>, file: FileId, ptr: &str) -> Vec<Server> {
        let Some(list) = list.and_then(Value::as_array) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, s) in list.iter().enumerate() {
            let Some(url) = s.get("url").and_then(Value::as_str) else {
                self.tb.warn(
                    "bad-server",
                    "a server needs a `url`",
                    file,
                    &pointer::push(ptr, &i.to_string()),
                );
                continue;
            };
            let variables = s
                .get("variables")
                .and_then(Value::as_object)
                .map(|vars| {
                    vars.iter()
                        .map(|(name, v)| ServerVariable {
                            name: name.clone(),
                            default: v
                                .get("default")
                                .and_then(Value::scalar_text)
                                .unwrap_or_default(),
                            allowed: v
                                .get("enum")
                                .and_then(Value::as_array)
                                .map(|a| a.iter().filter_map(Value::scalar_text).collect())
                                .unwrap_or_default(),
                            description: description(v),
                        })
                        .collect()
                })
                .unwrap_or_default();
            out.push(Server {
                url: url.to_owned(),
                description: description(s),
                variables,
            });
        }
        out
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

/// The `{names}` of a path template, in order.
pub(crate) fn template_params(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 1..start + len];
        if !name.is_empty() && !out.iter().any(|n| n == name) {
            out.push(name.to_owned());
        }
        rest = &rest[start + len + 1..];
    }
    out
}

pub(crate) fn security_requirements(v: &Value) -> Vec<SecurityRequirement> {
    v.as_array()
        .map(|list| {
            list.iter()
                .filter_map(Value::as_object)
                .map(|req| SecurityRequirement {
                    schemes: req
                        .iter()
                        .map(|(name, scopes)| (name.clone(), strings(Some(scopes))))
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Security schemes from `components/securitySchemes` (3.x) or `securityDefinitions` (2.0).
pub(crate) fn security_schemes(tb: &mut TypeBuilder<'_>) -> Vec<SecurityScheme> {
    let spec = tb.spec;
    let v2 = spec.version() == SpecVersion::Swagger2;
    let (base, map) = if v2 {
        (
            "/securityDefinitions",
            spec.root().get("securityDefinitions"),
        )
    } else {
        (
            "/components/securitySchemes",
            spec.root()
                .get("components")
                .and_then(|c| c.get("securitySchemes")),
        )
    };
    let mut out = Vec::new();
    let Some(map) = map.and_then(Value::as_object) else {
        return out;
    };
    for (name, s) in map {
        let ptr = pointer::push(base, name);
        let Some((file, sptr, s)) = tb.deref(FileId::ROOT, &ptr, s) else {
            continue;
        };
        let ty = s.get("type").and_then(Value::as_str).unwrap_or_default();
        let kind = match ty {
            "basic" => SecuritySchemeKind::Basic,
            "http" => match s
                .get("scheme")
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase)
                .as_deref()
            {
                Some("bearer") => SecuritySchemeKind::Bearer {
                    format: s
                        .get("bearerFormat")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                },
                Some("basic") => SecuritySchemeKind::Basic,
                Some(other) => SecuritySchemeKind::Http {
                    scheme: other.to_owned(),
                },
                None => {
                    tb.warn(
                        "bad-security-scheme",
                        "an `http` scheme needs `scheme`; read as bearer",
                        file,
                        &sptr,
                    );
                    SecuritySchemeKind::Bearer { format: None }
                }
            },
            "apiKey" => {
                let location = match s.get("in").and_then(Value::as_str) {
                    Some("query") => ParameterLocation::Query,
                    Some("cookie") => ParameterLocation::Cookie,
                    Some("header") => ParameterLocation::Header,
                    _ => {
                        tb.warn("bad-security-scheme", "an `apiKey` scheme needs `in` (header, query or cookie); read as header", file, &sptr);
                        ParameterLocation::Header
                    }
                };
                let param = s
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("Authorization")
                    .to_owned();
                SecuritySchemeKind::ApiKey { location, param }
            }
            "oauth2" => {
                let mut flows = Vec::new();
                let scopes = |v: &Value| -> Vec<(String, String)> {
                    v.get("scopes")
                        .and_then(Value::as_object)
                        .map(|m| {
                            m.iter()
                                .map(|(k, d)| (k.clone(), d.scalar_text().unwrap_or_default()))
                                .collect()
                        })
                        .unwrap_or_default()
                };
                let url = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
                if v2 {
                    let kind = match s.get("flow").and_then(Value::as_str) {
                        Some("implicit") => Some(OAuthFlowKind::Implicit),
                        Some("password") => Some(OAuthFlowKind::Password),
                        Some("application") => Some(OAuthFlowKind::ClientCredentials),
                        Some("accessCode") => Some(OAuthFlowKind::AuthorizationCode),
                        _ => None,
                    };
                    if let Some(kind) = kind {
                        flows.push(OAuthFlow {
                            kind,
                            authorization_url: url(s, "authorizationUrl"),
                            token_url: url(s, "tokenUrl"),
                            refresh_url: None,
                            scopes: scopes(s),
                        });
                    }
                } else if let Some(fs) = s.get("flows").and_then(Value::as_object) {
                    for (key, f) in fs {
                        let kind = match key.as_str() {
                            "implicit" => OAuthFlowKind::Implicit,
                            "password" => OAuthFlowKind::Password,
                            "clientCredentials" => OAuthFlowKind::ClientCredentials,
                            "authorizationCode" => OAuthFlowKind::AuthorizationCode,
                            _ => continue,
                        };
                        flows.push(OAuthFlow {
                            kind,
                            authorization_url: url(f, "authorizationUrl"),
                            token_url: url(f, "tokenUrl"),
                            refresh_url: url(f, "refreshUrl"),
                            scopes: scopes(f),
                        });
                    }
                }
                SecuritySchemeKind::OAuth2 { flows }
            }
            "openIdConnect" => SecuritySchemeKind::OpenIdConnect {
                url: s
                    .get("openIdConnectUrl")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            },
            "mutualTLS" => SecuritySchemeKind::MutualTls,
            other => {
                tb.warn(
                    "bad-security-scheme",
                    format!("security scheme type `{other}` is unknown; the scheme is left out"),
                    file,
                    &sptr,
                );
                continue;
            }
        };
        out.push(SecurityScheme {
            name: name.clone(),
            description: description(s),
            kind,
        });
    }
    out
}

/// Servers of a Swagger 2.0 document from `host`, `basePath` and `schemes`.
pub(crate) fn v2_servers(root: &Value) -> Vec<Server> {
    let host = root.get("host").and_then(Value::as_str);
    let base_path = root.get("basePath").and_then(Value::as_str).unwrap_or("");
    let schemes = strings(root.get("schemes"));
    let Some(host) = host else {
        return if base_path.is_empty() {
            Vec::new()
        } else {
            vec![Server {
                url: base_path.to_owned(),
                description: None,
                variables: Vec::new(),
            }]
        };
    };
    let schemes = if schemes.is_empty() {
        vec!["https".to_owned()]
    } else {
        schemes
    };
    // Prefer https when both are offered.
    let mut sorted = schemes;
    sorted.sort_by_key(|s| if s == "https" { 0 } else { 1 });
    sorted
        .into_iter()
        .map(|scheme| Server {
            url: format!("{scheme}://{host}{}", base_path.trim_end_matches('/')),
            description: None,
            variables: Vec::new(),
        })
        .collect()
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

    #[test]
    fn template_parameters() {
        assert_eq!(
            template_params("/a/{id}/b/{x}.{fmt}"),
            vec!["id", "x", "fmt"]
        );
        assert_eq!(template_params("/a/{"), Vec::<String>::new());
    }
}
