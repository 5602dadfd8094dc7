//! Argument values from JSON Schema, deterministically: the schema's own `const`, `example`,
//! `examples` or `default` where they fit, else `enum` values, else values made from types,
//! formats and bounds (lengths, ranges, `multipleOf`, item counts, required properties), with
//! `allOf` merged, the first `oneOf`/`anyOf` branch that generates and strings for `pattern`
//! made from the expression itself ([`crate::regex`]). Values are made from the description's
//! own schemas, `$ref`s followed to any depth (the input schema Tern publishes is cut after a
//! few levels); every argument's value is then checked against the input schema (formats
//! included, as Prism checks them), and other choices are tried before an invalid one is kept.

use crate::regex;
use serde_json::{json, Map, Value as Json};
use std::collections::HashMap;
use tern_dynamic::MethodRef;
use tern_model::ArgumentLocation;
use tern_spec::{FileId, Spec};

/// Objects and arrays nest at most this deep; below, the smallest value of the type is used.
const MAX_DEPTH: usize = 10;
/// Optional properties of nested objects are filled (with all arguments) down to this depth.
const OPTIONAL_DEPTH: usize = 3;
/// `$ref`s followed on one path at most (a cycle through `allOf` ends there).
const MAX_HOPS: usize = 64;

/// Why no value could be made: a `pattern` none of the strategies matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoValue(pub String);

impl std::fmt::Display for NoValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The values of one call: per parameter of the operation, and the body; and the same values
/// as Tern's named arguments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Call {
    /// `(index into the operation's parameters, value)`.
    pub parameters: Vec<(usize, Json)>,
    /// The body, when one is sent.
    pub body: Option<Json>,
    /// The values as Tern's arguments: `(argument name, value)`.
    pub args: Vec<(String, Json)>,
}

/// The choices made while generating one value.
#[derive(Debug, Clone, Copy)]
struct Ctx {
    /// Optional properties too, not only required ones.
    all: bool,
    depth: usize,
    /// Which of several distinct values (array items must differ when `uniqueItems`).
    variant: usize,
    /// Which `oneOf`/`anyOf` branch to try first.
    branch: usize,
    /// Whether the schema's examples and defaults are used.
    examples: bool,
    /// The file the schema is in (its `$ref`s are relative to it).
    file: FileId,
    /// `$ref`s followed so far.
    hops: usize,
}

impl Ctx {
    fn deeper(self) -> Ctx {
        Ctx {
            depth: self.depth + 1,
            variant: 0,
            ..self
        }
    }
}

/// Makes values; follows `$ref`s in the description it was given; keeps compiled string
/// schemas for `pattern` checks between calls.
#[derive(Default)]
pub struct Generator<'s> {
    spec: Option<&'s Spec>,
    strings: HashMap<String, Option<jsonschema::Validator>>,
    /// The `$ref`s being expanded, with the depth they were met at: met again at the same
    /// depth (a cycle through `allOf` or `oneOf` that does not nest), they are left out.
    expanding: Vec<(usize, FileId, String)>,
}

impl std::fmt::Debug for Generator<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Generator({} string schemas)", self.strings.len())
    }
}

/// A validator checking formats as Prism does; `None` when the schema does not compile.
fn validator(schema: &Json) -> Option<jsonschema::Validator> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
        .ok()
}

impl<'s> Generator<'s> {
    /// A generator for self-contained schemas (a `$ref` is any value).
    pub fn new() -> Generator<'s> {
        Generator::default()
    }

    /// A generator following `$ref`s through `spec`.
    pub fn with_spec(spec: &'s Spec) -> Generator<'s> {
        Generator {
            spec: Some(spec),
            strings: HashMap::new(),
            expanding: Vec::new(),
        }
    }

    /// The description's node at `pointer` in `file`, as JSON.
    fn node(&self, file: FileId, pointer: &str) -> Option<Json> {
        let tokens = tern_spec::pointer::split(pointer)?;
        let value = self.spec?.file(file).value().at(&tokens)?;
        serde_json::to_value(value).ok()
    }

    /// Where `reference` (written in `file`) leads, as JSON.
    fn resolve(&self, file: FileId, reference: &str) -> Option<(FileId, Json)> {
        let node = self.spec?.resolve(file, reference).ok()?;
        Some((node.file, serde_json::to_value(node.value).ok()?))
    }

    /// A schema with its `$ref` followed (the target's members first, the reference's
    /// siblings added), repeatedly; the file the result is in.
    fn deref(
        &self,
        mut m: Map<String, Json>,
        mut file: FileId,
        hops: &mut usize,
    ) -> (Map<String, Json>, FileId) {
        while let Some(Json::String(r)) = m.remove("$ref") {
            *hops += 1;
            match self.resolve(file, &r) {
                Some((f, Json::Object(target))) if *hops <= MAX_HOPS => {
                    m = merge(target, &m);
                    file = f;
                }
                _ => break,
            }
        }
        (m, file)
    }

    /// Values for a call of a method, the required ones or (`all`) every one, made from the
    /// description (each parameter's own example first, then its schema; the body from the
    /// body's schema, so that what its `anyOf`/`oneOf` branches require is there too), and
    /// the same values as Tern's arguments. Each value Tern takes as an argument is checked
    /// against the method's input schema; a required argument the description does not
    /// provide for is made from that schema.
    pub fn call(&mut self, m: &MethodRef<'_>, all: bool) -> Result<Call, NoValue> {
        let input = m.input_schema();
        let op = m.operation();
        let checks: Vec<Option<jsonschema::Validator>> = op
            .arguments
            .iter()
            .map(|a| input.get("properties")?.get(&a.name).and_then(validator))
            .collect();
        let check_of = |location: ArgumentLocation, original: Option<&str>| {
            op.arguments
                .iter()
                .position(|a| a.location == location && original.is_none_or(|o| a.original == o))
                .and_then(|i| checks[i].as_ref())
        };
        let fail = |what: &str, e: NoValue| NoValue(format!("{what}: {e}"));
        let mut call = Call::default();
        for (i, p) in op.parameters.iter().enumerate() {
            if !(all || p.required) {
                continue;
            }
            let check = check_of(ArgumentLocation::Parameter(i), None);
            let path = p.location == tern_model::ParameterLocation::Path;
            // A path segment cannot be empty.
            let usable =
                |v: &Json| check.is_none_or(|c| c.is_valid(v)) && !(path && v.as_str() == Some(""));
            let example = p
                .example
                .as_ref()
                .and_then(|e| serde_json::to_value(e).ok());
            let value = match example.filter(|v| usable(v)) {
                Some(v) => v,
                None => {
                    let (mut schema, file) = p
                        .schema_source
                        .as_ref()
                        .and_then(|s| Some((self.node(s.file, &s.pointer)?, s.file)))
                        .unwrap_or((json!({}), FileId::ROOT));
                    if path {
                        schema["minLength"] = json!(1);
                    }
                    self.generate(&schema, file, check, all)
                        .map_err(|e| fail(&format!("parameter `{}`", p.name), e))?
                }
            };
            call.parameters.push((i, value));
        }
        // A body is sent when required, with all arguments, or when Tern requires a part of it.
        let forced = op.arguments.iter().any(|a| {
            a.required
                && matches!(
                    a.location,
                    ArgumentLocation::Body | ArgumentLocation::BodyProperty
                )
        });
        if let Some(rb) = op
            .request_body
            .as_ref()
            .filter(|b| all || b.required || forced)
        {
            let source = rb.contents.iter().find_map(|c| c.schema_source.as_ref());
            let (schema, file) = source
                .and_then(|s| Some((self.node(s.file, &s.pointer)?, s.file)))
                .unwrap_or((json!({}), FileId::ROOT));
            let check = check_of(ArgumentLocation::Body, None);
            let mut body = self
                .generate(&schema, file, check, all)
                .map_err(|e| fail("body", e))?;
            // Properties Tern checks apart, made again where they fail its check.
            for a in &op.arguments {
                let present = body.get(&a.original).is_some();
                if a.location != ArgumentLocation::BodyProperty || !(present || a.required) {
                    continue;
                }
                let check = check_of(ArgumentLocation::BodyProperty, Some(&a.original));
                if body
                    .get(&a.original)
                    .is_some_and(|v| check.is_none_or(|c| c.is_valid(v)))
                {
                    continue;
                }
                let (schema, file) = source
                    .and_then(|s| self.property(s, &a.original))
                    .unwrap_or((json!({}), FileId::ROOT));
                let value = self
                    .generate(&schema, file, check, all)
                    .map_err(|e| fail(&format!("body property `{}`", a.original), e))?;
                if let Some(o) = body.as_object_mut() {
                    o.insert(a.original.clone(), value);
                }
            }
            call.body = Some(body);
        }
        self.bind(m, &input, &checks, all, &mut call)?;
        Ok(call)
    }

    /// Sets `call.args`: its values as Tern's arguments; required arguments it lacks are made
    /// from the input schema (and added to the call).
    fn bind(
        &mut self,
        m: &MethodRef<'_>,
        input: &Json,
        checks: &[Option<jsonschema::Validator>],
        all: bool,
        call: &mut Call,
    ) -> Result<(), NoValue> {
        let op = m.operation();
        for (a, check) in op.arguments.iter().zip(checks) {
            if call.args.iter().any(|(n, _)| *n == a.name) {
                continue;
            }
            let value = match a.location {
                ArgumentLocation::Parameter(i) => call
                    .parameters
                    .iter()
                    .find(|(j, _)| *j == i)
                    .map(|(_, v)| v.clone()),
                ArgumentLocation::Body => call.body.clone(),
                ArgumentLocation::BodyProperty => {
                    call.body.as_ref().and_then(|b| b.get(&a.original)).cloned()
                }
                _ => None,
            };
            let value = match value {
                Some(v) => v,
                None if a.required => {
                    let schema = input
                        .get("properties")
                        .and_then(|p| p.get(&a.name))
                        .cloned()
                        .unwrap_or(json!({}));
                    let v = self
                        .generate(&schema, FileId::ROOT, check.as_ref(), all)
                        .map_err(|e| NoValue(format!("argument `{}`: {e}", a.name)))?;
                    match a.location {
                        ArgumentLocation::Parameter(i) => call.parameters.push((i, v.clone())),
                        ArgumentLocation::BodyProperty => {
                            let body = call.body.get_or_insert_with(|| json!({}));
                            if let Some(o) = body.as_object_mut() {
                                o.insert(a.original.clone(), v.clone());
                            }
                        }
                        _ => call.body = Some(v.clone()),
                    }
                    v
                }
                None => continue,
            };
            call.args.push((a.name.clone(), value));
        }
        Ok(())
    }

    /// The schema of property `name` of the body schema at `source` (through `$ref` and
    /// `allOf`).
    fn property(&mut self, source: &tern_model::Source, name: &str) -> Option<(Json, FileId)> {
        let Json::Object(body) = self.node(source.file, &source.pointer)? else {
            return None;
        };
        let mut hops = 0;
        let (body, file) = self.deref(body, source.file, &mut hops);
        let body = self.merge_all_of(&body, file, 0, &mut hops);
        let p = body.get("properties")?.get(name)?.clone();
        Some((p, file))
    }

    /// A value for one self-contained schema: the first candidate it accepts (examples first,
    /// then made-up values, taking each `oneOf` branch in turn), else the first one made.
    pub fn argument(&mut self, schema: &Json, all: bool) -> Result<Json, NoValue> {
        let check = validator(schema);
        self.generate(schema, FileId::ROOT, check.as_ref(), all)
    }

    /// The first candidate for `schema` (in `file`) that `check` accepts, else the first one.
    fn generate(
        &mut self,
        schema: &Json,
        file: FileId,
        check: Option<&jsonschema::Validator>,
        all: bool,
    ) -> Result<Json, NoValue> {
        let mut first: Option<Json> = None;
        let mut error = None;
        for (examples, branch) in [(true, 0), (false, 0), (true, 1), (false, 1), (false, 2)] {
            let ctx = Ctx {
                all,
                depth: 0,
                variant: 0,
                branch,
                examples,
                file,
                hops: 0,
            };
            match self.value(schema, ctx) {
                Ok(v) => {
                    if check.is_none_or(|c| c.is_valid(&v)) {
                        return Ok(v);
                    }
                    first.get_or_insert(v);
                }
                Err(e) => {
                    error.get_or_insert(e);
                }
            }
        }
        first.ok_or_else(|| error.unwrap_or_else(|| NoValue("no value".into())))
    }

    fn value(&mut self, schema: &Json, mut ctx: Ctx) -> Result<Json, NoValue> {
        let Json::Object(m) = schema else {
            return Ok(json!("x"));
        };
        if let Some(Json::String(r)) = m.get("$ref") {
            let mut rest = m.clone();
            rest.remove("$ref");
            let key = (ctx.depth, ctx.file, r.clone());
            ctx.hops += 1;
            let target = match self.resolve(ctx.file, r) {
                Some((file, Json::Object(t)))
                    if ctx.hops <= MAX_HOPS && !self.expanding.contains(&key) =>
                {
                    Some((file, t))
                }
                _ => None,
            };
            let Some((file, target)) = target else {
                // Unresolvable or cyclic: what is beside the reference.
                return self.value(&Json::Object(rest), ctx);
            };
            self.expanding.push(key);
            let out = self.value(&Json::Object(merge(target, &rest)), Ctx { file, ..ctx });
            self.expanding.pop();
            return out;
        }
        if let Some(c) = m.get("const") {
            return Ok(c.clone());
        }
        if ctx.examples {
            if let Some(e) = example(m) {
                return Ok(e);
            }
        }
        if let Some(values) = m.get("enum").and_then(Json::as_array) {
            let non_null: Vec<&Json> = values.iter().filter(|v| !v.is_null()).collect();
            if let Some(v) = non_null.get(ctx.variant % non_null.len().max(1)) {
                return Ok((*v).clone());
            }
        }
        if m.contains_key("allOf") {
            let merged = self.merge_all_of(m, ctx.file, ctx.depth, &mut ctx.hops);
            return self.value(&Json::Object(merged), ctx);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = m.get(key).and_then(Json::as_array) {
                return self.branches(m, key, branches, ctx);
            }
        }
        if ctx.depth > MAX_DEPTH {
            return Ok(smallest(m));
        }
        match type_of(m) {
            "object" => self.object(m, ctx),
            "array" => self.array(m, ctx),
            "string" => self.string(m, ctx),
            "integer" => Ok(integer(m, ctx.variant)),
            "number" => Ok(number(m, ctx.variant)),
            "boolean" => Ok(Json::Bool(true)),
            "null" => Ok(Json::Null),
            _ => Ok(json!("x")),
        }
    }

    /// A schema with its `allOf` members (their `$ref`s followed) merged in: properties and
    /// `required` united, other keywords kept from the first that has them.
    fn merge_all_of(
        &mut self,
        m: &Map<String, Json>,
        file: FileId,
        depth: usize,
        hops: &mut usize,
    ) -> Map<String, Json> {
        let mut out = m.clone();
        let parts = out.remove("allOf");
        for part in parts
            .as_ref()
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let Json::Object(pm) = part else { continue };
            let mut pm = pm.clone();
            let mut f = file;
            let mut pushed = false;
            if let Some(Json::String(r)) = pm.remove("$ref") {
                *hops += 1;
                let key = (depth, file, r.clone());
                match self.resolve(file, &r) {
                    Some((rf, Json::Object(t)))
                        if *hops <= MAX_HOPS && !self.expanding.contains(&key) =>
                    {
                        pm = merge(t, &pm);
                        f = rf;
                        self.expanding.push(key);
                        pushed = true;
                    }
                    // Unresolvable or cyclic: left out.
                    _ => continue,
                }
            }
            if pm.contains_key("allOf") {
                pm = self.merge_all_of(&pm, f, depth, hops);
            }
            if pushed {
                self.expanding.pop();
            }
            out = merge(out, &pm);
        }
        out
    }

    /// The first branch that generates, from `ctx.branch` on (null-only branches last); the
    /// schema's own members (properties beside `oneOf`) merged into it.
    fn branches(
        &mut self,
        m: &Map<String, Json>,
        key: &str,
        branches: &[Json],
        ctx: Ctx,
    ) -> Result<Json, NoValue> {
        let mut base = m.clone();
        base.remove(key);
        let n = branches.len();
        let mut order: Vec<&Json> = (0..n).map(|i| &branches[(ctx.branch + i) % n]).collect();
        order.sort_by_key(|b| b.get("type").and_then(Json::as_str) == Some("null"));
        // The discriminator's value naming the branch taken, when the mapping names it.
        let discriminator = m.get("discriminator");
        let property = discriminator
            .and_then(|d| d.get("propertyName"))
            .and_then(Json::as_str);
        let mapping = discriminator
            .and_then(|d| d.get("mapping"))
            .and_then(Json::as_object);
        let mut error = None;
        for b in order {
            let merged = match b {
                Json::Object(bm) => merge(base.clone(), bm),
                _ => base.clone(),
            };
            match self.value(&Json::Object(merged), ctx) {
                Ok(mut v) => {
                    let named = b.get("$ref").and_then(|r| {
                        mapping?
                            .iter()
                            .find(|(_, t)| *t == r)
                            .map(|(k, _)| k.clone())
                    });
                    if let (Some(p), Some(k), Some(o)) = (property, named, v.as_object_mut()) {
                        o.insert(p.to_owned(), Json::String(k));
                    }
                    return Ok(v);
                }
                Err(e) => error = Some(e),
            }
        }
        match error {
            Some(e) => Err(e),
            None => self.value(&Json::Object(base), ctx),
        }
    }

    fn object(&mut self, m: &Map<String, Json>, ctx: Ctx) -> Result<Json, NoValue> {
        let required = names(m.get("required"));
        let mut out = Map::new();
        let empty = Map::new();
        let properties = m
            .get("properties")
            .and_then(Json::as_object)
            .unwrap_or(&empty);
        for (name, s) in properties {
            let needed = required.contains(&name.as_str());
            let optional = ctx.all
                && ctx.depth < OPTIONAL_DEPTH
                && s.get("readOnly") != Some(&Json::Bool(true))
                && s.get("deprecated") != Some(&Json::Bool(true));
            if !needed && !optional {
                continue;
            }
            match self.value(s, ctx.deeper()) {
                Ok(v) => {
                    out.insert(name.clone(), v);
                }
                Err(e) if needed => return Err(NoValue(format!("property `{name}`: {e}"))),
                Err(_) => {}
            }
        }
        let additional = m
            .get("additionalProperties")
            .filter(|a| a.is_object())
            .cloned();
        for name in required {
            if !out.contains_key(name) {
                let v = match &additional {
                    Some(a) => self.value(a, ctx.deeper())?,
                    None => json!("x"),
                };
                out.insert(name.to_owned(), v);
            }
        }
        let min = m.get("minProperties").and_then(Json::as_u64).unwrap_or(0);
        let mut i = 0;
        while (out.len() as u64) < min && i < 64 {
            i += 1;
            let v = match &additional {
                Some(a) => self.value(a, ctx.deeper())?,
                None => json!("x"),
            };
            out.insert(format!("key{i}"), v);
        }
        Ok(Json::Object(out))
    }

    fn array(&mut self, m: &Map<String, Json>, ctx: Ctx) -> Result<Json, NoValue> {
        let min = m.get("minItems").and_then(Json::as_u64).unwrap_or(0);
        let max = m.get("maxItems").and_then(Json::as_u64).unwrap_or(u64::MAX);
        let count = min.max(1).min(max).min(64);
        let prefix = m.get("prefixItems").and_then(Json::as_array);
        let items = m.get("items").cloned().unwrap_or(json!({}));
        let mut out = Vec::new();
        for i in 0..count as usize {
            let schema = prefix.and_then(|p| p.get(i)).unwrap_or(&items);
            let item_ctx = Ctx {
                variant: i,
                ..ctx.deeper()
            };
            out.push(self.value(schema, item_ctx)?);
        }
        Ok(Json::Array(out))
    }

    fn string(&mut self, m: &Map<String, Json>, ctx: Ctx) -> Result<Json, NoValue> {
        let format = m.get("format").and_then(Json::as_str).unwrap_or_default();
        let min = m.get("minLength").and_then(Json::as_u64).unwrap_or(0) as usize;
        let max = m
            .get("maxLength")
            .and_then(Json::as_u64)
            .unwrap_or(u64::MAX)
            .min(100_000) as usize;
        if let Some(pattern) = m.get("pattern").and_then(Json::as_str) {
            return self.patterned(pattern, format, min, max, ctx.variant);
        }
        let formatted = formatted(format, ctx.variant);
        let mut s = formatted.clone().unwrap_or_else(|| match ctx.variant {
            0 => "x".to_owned(),
            n => format!("x{n}"),
        });
        if formatted.is_none() || s.chars().count() < min {
            while s.chars().count() < min {
                s.push('x');
            }
        }
        if s.chars().count() > max {
            s = s.chars().take(max).collect();
        }
        Ok(Json::String(s))
    }

    /// A string matching `pattern` (and the lengths and format): made from the expression,
    /// else one of a few common shapes.
    fn patterned(
        &mut self,
        pattern: &str,
        format: &str,
        min: usize,
        max: usize,
        variant: usize,
    ) -> Result<Json, NoValue> {
        let mut schema = json!({"type": "string", "pattern": pattern});
        if min > 0 {
            schema["minLength"] = json!(min);
        }
        if max < 100_000 {
            schema["maxLength"] = json!(max);
        }
        if !format.is_empty() {
            schema["format"] = json!(format);
        }
        let key = schema.to_string();
        let check = self
            .strings
            .entry(key)
            .or_insert_with(|| validator(&schema));
        let Some(check) = check else {
            // An expression the validator cannot compile: Tern cannot check it either.
            return Ok(Json::String(
                regex::samples(pattern, min).next().unwrap_or_default(),
            ));
        };
        let fixed = [
            "x",
            "abc",
            "a1",
            "1",
            "0",
            "ABC",
            "abc-123",
            "abc_def",
            "Ab1",
            "a.b",
            "5d0b10a1-a09a-430f-81f1-20be735dc5e9",
            "2024-01-31",
            "2024-01-31T12:00:00Z",
            "jane@example.com",
            "https://example.com/x",
            "+14155550100",
            "US",
            "USD",
            "en",
        ];
        let fits = |s: &str| check.is_valid(&Json::String(s.to_owned()));
        let found = regex::samples(pattern, min)
            .chain(formatted(format, variant))
            .chain(fixed.iter().map(|s| (*s).to_owned()))
            .find(|s| fits(s));
        found
            .map(Json::String)
            .ok_or_else(|| NoValue(format!("no string matches the pattern `{pattern}`")))
    }
}

/// The names of a `required` list.
fn names(v: Option<&Json>) -> Vec<&str> {
    v.and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default()
}

/// The schema's example, `examples[0]` or default, when it has the schema's type (and is one
/// of its `enum` values).
fn example(m: &Map<String, Json>) -> Option<Json> {
    let candidates = [
        m.get("example"),
        m.get("x-example"),
        m.get("examples").and_then(|e| e.as_array()?.first()),
        m.get("default"),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|v| fits(v, m))
        .cloned()
}

/// A cheap check that a value may fit a schema: its type, `enum` and string lengths.
fn fits(v: &Json, m: &Map<String, Json>) -> bool {
    if let Some(values) = m.get("enum").and_then(Json::as_array) {
        if !values.contains(v) {
            return false;
        }
    }
    let types: Vec<&str> = match m.get("type") {
        Some(Json::String(t)) => vec![t.as_str()],
        Some(Json::Array(ts)) => ts.iter().filter_map(Json::as_str).collect(),
        _ => return !v.is_null() || m.contains_key("enum"),
    };
    let ok = types.iter().any(|t| match (*t, v) {
        ("string", Json::String(_))
        | ("boolean", Json::Bool(_))
        | ("object", Json::Object(_))
        | ("array", Json::Array(_))
        | ("number", Json::Number(_))
        | ("null", Json::Null) => true,
        ("integer", Json::Number(n)) => n.is_i64() || n.is_u64(),
        _ => false,
    });
    if let (true, Json::String(s)) = (ok, v) {
        let len = s.chars().count() as u64;
        let min = m.get("minLength").and_then(Json::as_u64).unwrap_or(0);
        let max = m
            .get("maxLength")
            .and_then(Json::as_u64)
            .unwrap_or(u64::MAX);
        return len >= min && len <= max;
    }
    ok
}

/// The schema's type, or the one its keywords imply; the first non-null one of a list.
fn type_of(m: &Map<String, Json>) -> &str {
    match m.get("type") {
        // Swagger 2.0 uploads.
        Some(Json::String(t)) if t == "file" => return "string",
        Some(Json::String(t)) => return t,
        Some(Json::Array(ts)) => {
            let named: Vec<&str> = ts.iter().filter_map(Json::as_str).collect();
            return named
                .iter()
                .find(|t| **t != "null")
                .or(named.first())
                .copied()
                .unwrap_or("string");
        }
        _ => {}
    }
    let has = |k: &str| m.contains_key(k);
    if has("properties") || has("required") || has("additionalProperties") {
        "object"
    } else if has("items") || has("prefixItems") || has("minItems") {
        "array"
    } else if has("minimum") || has("maximum") || has("multipleOf") {
        "number"
    } else {
        "string"
    }
}

/// The smallest value of the schema's type, where nesting has gone too deep.
fn smallest(m: &Map<String, Json>) -> Json {
    match type_of(m) {
        "object" => json!({}),
        "array" => json!([]),
        "integer" => json!(1),
        "number" => json!(1.5),
        "boolean" => json!(true),
        "null" => Json::Null,
        _ => json!("x"),
    }
}

/// `b` merged into `a`: properties and `required` united, other keywords kept from `a`.
fn merge(mut a: Map<String, Json>, b: &Map<String, Json>) -> Map<String, Json> {
    for (k, v) in b {
        match (k.as_str(), a.get_mut(k), v) {
            ("properties", Some(Json::Object(mine)), Json::Object(theirs)) => {
                for (name, s) in theirs {
                    mine.entry(name.clone()).or_insert_with(|| s.clone());
                }
            }
            ("required", Some(Json::Array(mine)), Json::Array(theirs)) => {
                for name in theirs {
                    if !mine.contains(name) {
                        mine.push(name.clone());
                    }
                }
            }
            ("allOf", Some(Json::Array(mine)), Json::Array(theirs)) => {
                mine.extend(theirs.iter().cloned());
            }
            (_, None, _) => {
                a.insert(k.clone(), v.clone());
            }
            _ => {}
        }
    }
    a
}

/// A string of a format, as Prism's validator accepts it.
fn formatted(format: &str, variant: usize) -> Option<String> {
    let n = variant % 9;
    Some(match format {
        "date-time" => format!("2024-01-3{}T12:00:00Z", n.min(1)),
        "date" => format!("2024-01-2{n}"),
        "time" => "12:00:00Z".to_owned(),
        "uuid" => format!("5d0b10a1-a09a-430f-81f1-20be735dc5e{n}"),
        "email" | "idn-email" => format!("jane{n}@example.com"),
        "uri" | "url" | "iri" => format!("https://example.com/x{n}"),
        "uri-reference" | "iri-reference" => format!("/x{n}"),
        "uri-template" => "https://example.com/{x}".to_owned(),
        "hostname" | "idn-hostname" => format!("host{n}.example.com"),
        "ipv4" => format!("192.0.2.{}", n + 1),
        "ipv6" => format!("2001:db8::{}", n + 1),
        "byte" => "aGVsbG8=".to_owned(),
        "int32" | "int64" | "integer" => (n + 1).to_string(),
        "decimal" | "double" | "float" | "number" => format!("{}.5", n + 1),
        "duration" => "P1D".to_owned(),
        "regex" => "^x$".to_owned(),
        "json-pointer" => "/x".to_owned(),
        "password" => "secret".to_owned(),
        _ => return None,
    })
}

/// The numeric bounds of a schema: (lower, lower is exclusive, upper, upper is exclusive).
fn bounds(m: &Map<String, Json>) -> (Option<f64>, bool, Option<f64>, bool) {
    let get = |k: &str| m.get(k).and_then(Json::as_f64);
    // OpenAPI 3.0 / Swagger 2.0: `exclusiveMinimum: true` makes `minimum` exclusive.
    let flag = |k: &str| m.get(k).and_then(Json::as_bool).unwrap_or(false);
    let (lo, lo_x) = match (get("exclusiveMinimum"), get("minimum")) {
        (Some(x), Some(n)) if n > x => (Some(n), false),
        (Some(x), _) => (Some(x), true),
        (None, n) => (n, flag("exclusiveMinimum")),
    };
    let (hi, hi_x) = match (get("exclusiveMaximum"), get("maximum")) {
        (Some(x), Some(n)) if n < x => (Some(n), false),
        (Some(x), _) => (Some(x), true),
        (None, n) => (n, flag("exclusiveMaximum")),
    };
    (lo, lo_x, hi, hi_x)
}

/// 1 (plus the variant), moved into the bounds, then onto a multiple.
fn integer(m: &Map<String, Json>, variant: usize) -> Json {
    let (lo, lo_x, hi, hi_x) = bounds(m);
    let lo = lo.map(|l| if lo_x { l.floor() + 1.0 } else { l.ceil() });
    let hi = hi.map(|h| if hi_x { h.ceil() - 1.0 } else { h.floor() });
    let mut v = 1.0 + variant as f64;
    if let Some(l) = lo.filter(|l| v < *l) {
        v = l + variant as f64;
    }
    if let Some(h) = hi.filter(|h| v > *h) {
        v = h;
    }
    if let Some(step) = m
        .get("multipleOf")
        .and_then(Json::as_f64)
        .filter(|s| *s > 0.0)
    {
        v = (v / step).ceil() * step;
    }
    json!(v as i64)
}

/// 1.5 (plus the variant), moved into the bounds, then onto a multiple.
fn number(m: &Map<String, Json>, variant: usize) -> Json {
    let (lo, lo_x, hi, hi_x) = bounds(m);
    let mut v = 1.5 + variant as f64;
    match (lo, hi) {
        (Some(l), Some(h)) if v < l || v > h || (lo_x && v == l) || (hi_x && v == h) => {
            v = if lo_x || hi_x { (l + h) / 2.0 } else { l };
        }
        (Some(l), _) if v < l || (lo_x && v == l) => v = if lo_x { l + 1.0 } else { l },
        (_, Some(h)) if v > h || (hi_x && v == h) => v = if hi_x { h - 1.0 } else { h },
        _ => {}
    }
    if let Some(step) = m
        .get("multipleOf")
        .and_then(Json::as_f64)
        .filter(|s| *s > 0.0)
    {
        // Rounding noise (`0.1 * 3`) would make the value no multiple: an integral multiple
        // is written as an integer.
        let k = (v / step).ceil();
        let w = k * step;
        return if w.fract() == 0.0 {
            json!(w as i64)
        } else {
            json!(w)
        };
    }
    json!(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gen(schema: Json) -> Json {
        Generator::new().argument(&schema, false).unwrap()
    }

    #[test]
    fn prefers_examples_then_types() {
        assert_eq!(gen(json!({"type": "string", "example": "hi"})), "hi");
        assert_eq!(gen(json!({"type": "integer", "example": "x"})), 1);
        assert_eq!(gen(json!({"enum": [null, "a", "b"]})), "a");
        assert_eq!(
            gen(json!({"type": "integer", "minimum": 5, "multipleOf": 3})),
            6
        );
        assert_eq!(gen(json!({"type": "integer", "exclusiveMaximum": 0})), -1);
        assert_eq!(
            gen(json!({"type": "string", "format": "uuid"})),
            "5d0b10a1-a09a-430f-81f1-20be735dc5e0"
        );
        assert_eq!(gen(json!({"type": "string", "minLength": 3})), "xxx");
        assert_eq!(gen(json!({"type": ["null", "boolean"]})), true);
    }

    #[test]
    fn objects_arrays_and_compositions() {
        let v = gen(json!({
            "type": "object",
            "required": ["a", "b"],
            "properties": {"a": {"type": "array", "minItems": 2, "uniqueItems": true, "items": {"type": "string"}}, "c": {"type": "string"}},
            "allOf": [{"properties": {"b": {"type": "integer"}}}]
        }));
        assert_eq!(v, json!({"a": ["x", "x1"], "b": 1}));
        let v = gen(
            json!({"oneOf": [{"type": "null"}, {"type": "object", "required": ["k"], "properties": {"k": {"const": 2}}}]}),
        );
        assert_eq!(v, json!({"k": 2}));
    }

    #[test]
    fn patterns() {
        assert_eq!(
            gen(json!({"type": "string", "pattern": "^[A-Z]{3}$"})),
            "AAA"
        );
        assert_eq!(
            gen(json!({"type": "string", "pattern": "^\\d{4}-\\d{2}$"})),
            "0000-00"
        );
        let v =
            gen(json!({"type": "string", "pattern": "^(foo|bar)+[0-9a-f]{2,}$", "minLength": 8}));
        assert!(v.as_str().unwrap().len() >= 8, "{v}");
    }
}
