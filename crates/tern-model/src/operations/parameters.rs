//! Parameters: path- and operation-level lists merged (after `$ref`s), each parameter's
//! type, style and explode, Swagger 2.0 `body`/`formData` parameters routed to the request
//! body, and the check that every path-template variable is declared.

use super::{template_params, OperationReader};
use crate::model::*;
use crate::types::{description, example, extensions};
use tern_spec::{pointer, FileId, Value};

/// A parameter node with its address, after `$ref`s.
pub(super) struct ParamNode<'v> {
    pub(super) file: FileId,
    pub(super) ptr: String,
    pub(super) value: &'v Value,
}

impl<'s> OperationReader<'_, 's> {
    /// Path-level parameters first, then operation-level ones replacing same name+location.
    pub(super) fn parameter_nodes(
        &mut self,
        file: FileId,
        iptr: &str,
        shared: Option<&'s Value>,
        op: &'s Value,
        optr: &str,
    ) -> Vec<ParamNode<'s>> {
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
                let node = ParamNode {
                    file: pfile,
                    ptr: pp,
                    value: pv,
                };
                match nodes.iter_mut().find(|n| key(n.value) == k) {
                    Some(slot) => *slot = node,
                    None => nodes.push(node),
                }
            }
        }
        nodes
    }

    /// Reads the parameters, in order; Swagger 2.0 `body` and `formData` parameters make the
    /// request body instead.
    pub(super) fn parameters(
        &mut self,
        nodes: &[ParamNode<'s>],
        op: &'s Value,
        optr: &str,
        file: FileId,
        base: &str,
    ) -> (Vec<Parameter>, Option<RequestBody>) {
        let mut parameters = Vec::new();
        let mut request_body = None;
        let mut form_params: Vec<&ParamNode<'s>> = Vec::new();
        for node in nodes {
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
                    request_body = Some(self.v2_body(node, op, base));
                    continue;
                }
                "formData" if self.v2 => {
                    form_params.push(node);
                    continue;
                }
                _ => {}
            }
            let Some(location) = self.location(node, location) else {
                continue;
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
            parameters.push(self.parameter(node, name, location, base));
        }
        if !form_params.is_empty() {
            request_body = Some(self.v2_form_body(&form_params, op, optr, file, base));
        }
        (parameters, request_body)
    }

    /// The location of a parameter that is not a Swagger 2.0 body or form field; `None` (with
    /// an error) for an unknown one.
    fn location(&mut self, node: &ParamNode<'s>, location: &str) -> Option<ParameterLocation> {
        Some(match location {
            "path" => ParameterLocation::Path,
            "query" => ParameterLocation::Query,
            "header" => ParameterLocation::Header,
            "cookie" => ParameterLocation::Cookie,
            other => {
                self.tb.error(
                    "bad-parameter",
                    format!("`in: {other}` is not a parameter location; the parameter is left out"),
                    node.file,
                    &pointer::push(&node.ptr, "in"),
                );
                return None;
            }
        })
    }

    /// Every `{param}` in the template must be declared, and path parameters are required.
    pub(super) fn check_path_template(
        &mut self,
        path: &str,
        parameters: &mut Vec<Parameter>,
        file: FileId,
        optr: &str,
    ) {
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
    }

    fn parameter(
        &mut self,
        node: &ParamNode<'s>,
        name: String,
        location: ParameterLocation,
        base: &str,
    ) -> Parameter {
        let v = node.value;
        let (ty, schema_source) = self.parameter_type(node, &name, base);
        let (style, explode) = self.style(node, location);
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

    /// The parameter's type and where its schema is: a 2.0 parameter is its own schema; a
    /// 3.x one has `schema` or `content`.
    fn parameter_type(
        &mut self,
        node: &ParamNode<'s>,
        name: &str,
        base: &str,
    ) -> (TypeRef, Option<Source>) {
        let v = node.value;
        let hint = format!("{base} {name}");
        if self.v2 {
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
        }
    }

    /// Serialisation style and explode: 2.0 `collectionFormat`, 3.x `style` and `explode`.
    fn style(
        &mut self,
        node: &ParamNode<'s>,
        location: ParameterLocation,
    ) -> (ParameterStyle, bool) {
        let v = node.value;
        let default_style = match location {
            ParameterLocation::Query | ParameterLocation::Cookie => ParameterStyle::Form,
            _ => ParameterStyle::Simple,
        };
        if self.v2 {
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
        }
    }
}
