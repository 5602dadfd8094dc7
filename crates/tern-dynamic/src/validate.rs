//! Arguments checked against the spec's schemas before anything is sent: a validator per
//! parameter and one for the assembled body, built on first use per operation. Validators are
//! relaxed around the spec's own contradictions, which are kept for callers to warn about: a
//! client must never refuse what the server would take.

use crate::{schema, DynamicError};
use serde_json::Value as Json;
use tern_model::{ArgumentLocation, Operation};
use tern_spec::Spec;

/// An operation's validators.
pub(crate) struct OpValidators {
    /// Per argument (`None` for body members and the whole body: the body is checked whole).
    args: Vec<Option<jsonschema::Validator>>,
    /// The request body's.
    body: Option<jsonschema::Validator>,
    /// Contradictions in the schemas, each with its pointer, once each.
    pub(crate) defects: Vec<String>,
}

impl std::fmt::Debug for OpValidators {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpValidators")
            .field("defects", &self.defects)
            .finish_non_exhaustive()
    }
}

impl OpValidators {
    /// Compiles the validators of `op`.
    pub(crate) fn build(spec: &Spec, op: &Operation) -> OpValidators {
        let v2 = spec.version() == tern_spec::SpecVersion::Swagger2;
        let mut defects = Vec::new();
        let mut compile = |bundled: Option<schema::Bundled>| {
            let bundled = bundled?;
            for d in bundled.defects {
                if !defects.contains(&d) {
                    defects.push(d);
                }
            }
            schema::compile(&bundled.schema)
        };
        let args = op
            .arguments
            .iter()
            .map(|a| match a.location {
                ArgumentLocation::Parameter(i) => {
                    compile(op.parameters[i].schema_source.as_ref().and_then(|s| {
                        let parameter = v2 && !s.pointer.ends_with("/schema");
                        schema::bundle_checked(spec, s.file, &s.pointer, parameter)
                    }))
                }
                _ => None,
            })
            .collect();
        let body = compile(
            op.request_body
                .as_ref()
                .and_then(|b| b.contents.iter().find_map(|c| c.schema_source.as_ref()))
                .and_then(|s| schema::bundle_checked(spec, s.file, &s.pointer, false)),
        );
        OpValidators {
            args,
            body,
            defects,
        }
    }

    /// Checks the bound values and the assembled body; an error names the argument.
    pub(crate) fn check(
        &self,
        op: &Operation,
        method: &str,
        values: &[Option<Json>],
        body: Option<&Json>,
    ) -> Result<(), DynamicError> {
        for ((a, v), validator) in op.arguments.iter().zip(values).zip(&self.args) {
            let (Some(v), Some(validator)) = (v, validator) else {
                continue;
            };
            if let Err(e) = validator.validate(v) {
                let at = e.instance_path().to_string();
                let message = if at.is_empty() {
                    e.to_string()
                } else {
                    format!("at {at}: {e}")
                };
                return Err(DynamicError::InvalidArgument {
                    method: method.to_owned(),
                    name: a.name.clone(),
                    message,
                });
            }
        }
        let (Some(body), Some(validator)) = (body, &self.body) else {
            return Ok(());
        };
        let Err(e) = validator.validate(body) else {
            return Ok(());
        };
        // `/tags/0` is about the argument whose spec name is `tags`.
        let path = e.instance_path().to_string();
        let mut tokens = path.trim_start_matches('/').splitn(2, '/');
        let head = tokens.next().unwrap_or_default();
        let member = op
            .arguments
            .iter()
            .find(|a| a.location == ArgumentLocation::BodyProperty && a.original == head);
        let (name, message) = match member {
            Some(a) => {
                let rest = tokens
                    .next()
                    .map(|r| format!("at /{r}: "))
                    .unwrap_or_default();
                (a.name.clone(), format!("{rest}{e}"))
            }
            None if path.is_empty() => ("body".to_owned(), e.to_string()),
            None => ("body".to_owned(), format!("at {path}: {e}")),
        };
        Err(DynamicError::InvalidArgument {
            method: method.to_owned(),
            name,
            message,
        })
    }
}
