//! The model: 3.1 and 2.0 specifics, the type graph, arguments, naming and pagination.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use tern_model::*;

fn model(text: &str) -> (ApiModel, Vec<Diagnostic>) {
    let loaded = tern_spec::load_str("t.yaml", text).unwrap_or_else(|e| panic!("{e}"));
    tern_model::build(&loaded.spec)
}

fn named<'m>(m: &'m ApiModel, name: &str) -> &'m TypeDef {
    m.types.iter().find(|t| t.name == name).unwrap_or_else(|| {
        panic!(
            "no type {name}: {:?}",
            m.types.iter().map(|t| &t.name).collect::<Vec<_>>()
        )
    })
}

fn object(t: &TypeDef) -> &ObjectType {
    match &t.kind {
        TypeKind::Object(o) => o,
        other => panic!("{} is not an object: {other:?}", t.name),
    }
}

fn prop<'o>(o: &'o ObjectType, name: &str) -> &'o Property {
    o.properties
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no property {name}"))
}

const V31: &str = r##"
openapi: 3.1.0
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties:
        id: {type: [string, "null"], format: uuid}
        kind: {const: widget}
        size: {type: [integer, string]}
        parent:
          $ref: "#/components/schemas/Thing"
          description: The parent thing.
        child: {$ref: "#/$defs/Child"}
        tags: {type: array, items: {type: string}, examples: [["a"]]}
        anything: {}
        either:
          oneOf:
            - {$ref: "#/components/schemas/Thing"}
            - {type: "null"}
$defs:
  Child: {type: object, properties: {n: {type: number, format: double}}}
"##;

#[test]
fn openapi_31_specifics() {
    let (m, diags) = model(V31);
    assert!(diags.is_empty(), "{diags:?}");
    let thing = named(&m, "Thing");
    let o = object(thing);
    assert_eq!(
        prop(o, "id").ty,
        TypeRef::Nullable(Box::new(TypeRef::String(StringFormat::Uuid)))
    );
    assert!(prop(o, "id").required);
    let TypeRef::Named(kind) = prop(o, "kind").ty else {
        panic!("const is an enum")
    };
    match &m.type_def(kind).kind {
        TypeKind::Enum(e) => assert_eq!(e.values, vec![tern_spec::Value::String("widget".into())]),
        other => panic!("{other:?}"),
    }
    let TypeRef::Named(size) = prop(o, "size").ty else {
        panic!("type array is a union")
    };
    match &m.type_def(size).kind {
        TypeKind::Union(u) => assert_eq!(
            u.variants
                .iter()
                .map(|v| v.name.as_str())
                .collect::<Vec<_>>(),
            ["Integer", "String"]
        ),
        other => panic!("{other:?}"),
    }
    // `$ref` with a sibling description: the sibling wins for the property.
    assert_eq!(
        prop(o, "parent").description.as_deref(),
        Some("The parent thing.")
    );
    assert_eq!(prop(o, "parent").ty, TypeRef::Named(thing.id));
    assert!(thing.recursive, "Thing refers to itself");
    assert_eq!(
        m.type_def(match prop(o, "child").ty {
            TypeRef::Named(id) => id,
            _ => panic!(),
        })
        .name,
        "Child"
    );
    assert_eq!(
        prop(o, "tags").example,
        Some(tern_spec::Value::Array(vec![tern_spec::Value::String(
            "a".into()
        )]))
    );
    assert_eq!(prop(o, "anything").ty, TypeRef::Any);
    assert_eq!(
        prop(o, "either").ty,
        TypeRef::Nullable(Box::new(TypeRef::Named(thing.id)))
    );
}

const V2: &str = r##"
swagger: "2.0"
info: {title: Legacy, version: "2"}
host: api.example.com
basePath: /v2/
schemes: [http, https]
consumes: [application/json]
produces: [application/json]
securityDefinitions:
  basic: {type: basic}
  key: {type: apiKey, in: header, name: X-Api-Key}
  oauth: {type: oauth2, flow: application, tokenUrl: "https://auth.example.com/token", scopes: {read: Read}}
security: [{key: []}]
definitions:
  Pet:
    type: object
    required: [name]
    properties:
      name: {type: string}
      nick: {type: string, x-nullable: true}
paths:
  /pets:
    post:
      operationId: createPet
      parameters:
        - {name: X-Trace, in: header, type: string}
        - {name: body, in: body, required: true, schema: {$ref: "#/definitions/Pet"}}
      responses:
        "201": {description: created, schema: {$ref: "#/definitions/Pet"}}
    get:
      parameters:
        - {name: ids, in: query, type: array, items: {type: integer}, collectionFormat: multi}
        - {name: tags, in: query, type: array, items: {type: string}, collectionFormat: pipes}
      responses:
        "200": {description: ok, schema: {type: array, items: {$ref: "#/definitions/Pet"}}}
  /pets/{id}/photo:
    post:
      consumes: [multipart/form-data]
      parameters:
        - {name: id, in: path, required: true, type: integer, format: int64}
        - {name: file, in: formData, required: true, type: file}
        - {name: caption, in: formData, type: string}
      responses:
        "200": {description: ok}
"##;

#[test]
fn swagger_2_specifics() {
    let (m, diags) = model(V2);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(m.spec_version, tern_spec::SpecVersion::Swagger2);
    assert_eq!(
        m.servers.iter().map(|s| s.url.as_str()).collect::<Vec<_>>(),
        ["https://api.example.com/v2", "http://api.example.com/v2"]
    );
    let kinds: Vec<&SecuritySchemeKind> = m.security_schemes.iter().map(|s| &s.kind).collect();
    assert_eq!(kinds[0], &SecuritySchemeKind::Basic);
    assert_eq!(
        kinds[1],
        &SecuritySchemeKind::ApiKey {
            location: ParameterLocation::Header,
            param: "X-Api-Key".into()
        }
    );
    let SecuritySchemeKind::OAuth2 { flows } = kinds[2] else {
        panic!()
    };
    assert_eq!(
        (flows[0].kind, flows[0].token_url.as_deref()),
        (
            OAuthFlowKind::ClientCredentials,
            Some("https://auth.example.com/token")
        )
    );
    assert_eq!(m.security[0].schemes, vec![("key".to_owned(), vec![])]);

    let create = m
        .find(NamingScheme::Rest, "pets", "post")
        .expect("pets.post");
    let body = create
        .request_body
        .as_ref()
        .expect("body param becomes the request body");
    assert!(body.required);
    assert_eq!(
        (body.contents[0].media_type.as_str(), body.contents[0].kind),
        ("application/json", BodyKind::Json)
    );
    let pet = named(&m, "Pet");
    assert_eq!(body.contents[0].ty, Some(TypeRef::Named(pet.id)));
    assert_eq!(
        prop(object(pet), "nick").ty,
        TypeRef::Nullable(Box::new(TypeRef::String(StringFormat::Plain)))
    );
    // Positional: required parameters, then required body properties; the rest are keywords.
    let names: Vec<(&str, bool)> = create
        .arguments
        .iter()
        .map(|a| (a.name.as_str(), a.positional))
        .collect();
    assert_eq!(names, [("name", true), ("x_trace", false), ("nick", false)]);

    let list = m
        .find(NamingScheme::Rest, "pets", "list")
        .expect("pets.list");
    assert_eq!(
        (list.parameters[0].style, list.parameters[0].explode),
        (ParameterStyle::Form, true)
    );
    assert_eq!(
        list.parameters[0].ty,
        TypeRef::Array(Box::new(TypeRef::Integer(IntegerFormat::Unspecified)))
    );
    assert_eq!(list.parameters[1].style, ParameterStyle::PipeDelimited);

    let upload = m
        .find(NamingScheme::Rest, "pets", "post_photo")
        .expect("pets.post_photo");
    let body = upload
        .request_body
        .as_ref()
        .expect("formData becomes a body");
    assert_eq!(body.contents[0].kind, BodyKind::Multipart);
    let TypeRef::Named(form) = body.contents[0].ty.clone().expect("typed") else {
        panic!()
    };
    let form = object(m.type_def(form));
    assert_eq!(prop(form, "file").ty, TypeRef::String(StringFormat::Binary));
    assert!(prop(form, "file").required && !prop(form, "caption").required);
}

const TYPES: &str = r##"
openapi: 3.0.3
info: {title: Types, version: "1"}
paths:
  /workflows:
    get:
      operationId: listWorkflows
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: array
                items:
                  type: object
                  properties:
                    status: {type: string, enum: [a, b, null], nullable: true}
components:
  schemas:
    Base:
      type: object
      required: [id]
      properties:
        id: {type: string, readOnly: true}
    Cat:
      allOf:
        - $ref: "#/components/schemas/Base"
        - type: object
          required: [meow]
          properties:
            pet_type: {type: string}
            meow: {type: boolean}
    Dog:
      allOf:
        - $ref: "#/components/schemas/Base"
        - {type: object, properties: {pet_type: {type: string}, bark: {type: string}}}
    Pet:
      oneOf:
        - $ref: "#/components/schemas/Cat"
        - $ref: "#/components/schemas/Dog"
      discriminator:
        propertyName: pet_type
        mapping:
          kitty: "#/components/schemas/Cat"
    Labels:
      type: object
      additionalProperties: {type: integer, format: int32}
    Result: {type: string}
    self: {type: integer}
    pet: {type: string}
"##;

#[test]
fn the_type_graph() {
    let (m, diags) = model(TYPES);
    // `pet` collides with `Pet` after PascalCase: renamed with a diagnostic.
    assert_eq!(
        diags.iter().map(|d| d.code).collect::<Vec<_>>(),
        ["name-collision"],
        "{diags:?}"
    );
    assert_eq!(diags[0].pointer, "/components/schemas/pet");
    assert_eq!(
        m.types
            .iter()
            .filter(|t| t.component.as_deref() == Some("pet"))
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["Pet2"]
    );

    let cat = object(named(&m, "Cat"));
    assert_eq!(
        cat.properties
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["id", "pet_type", "meow"]
    );
    assert!(prop(cat, "id").required && prop(cat, "id").read_only && prop(cat, "meow").required);

    let TypeKind::Union(pet) = &named(&m, "Pet").kind else {
        panic!()
    };
    assert_eq!(pet.mode, UnionMode::OneOf);
    assert_eq!(
        pet.variants
            .iter()
            .map(|v| v.name.as_str())
            .collect::<Vec<_>>(),
        ["Cat", "Dog"]
    );
    let d = pet.discriminator.as_ref().expect("discriminator");
    assert_eq!(d.property, "pet_type");
    assert_eq!(
        d.mapping,
        vec![("kitty".to_owned(), 0), ("Dog".to_owned(), 1)]
    );

    assert!(
        matches!(&named(&m, "Labels").kind, TypeKind::Alias(TypeRef::Map(v)) if **v == TypeRef::Integer(IntegerFormat::Int32))
    );
    assert!(matches!(
        &named(&m, "Result").kind,
        TypeKind::Alias(TypeRef::String(_))
    ));
    assert!(matches!(
        &named(&m, "Self_").kind,
        TypeKind::Alias(TypeRef::Integer(_))
    ));

    // Inline types are named after where they appear.
    let item = object(named(&m, "ListWorkflowsResponseItem"));
    let TypeRef::Nullable(status) = &prop(item, "status").ty else {
        panic!("enum with null is nullable")
    };
    let TypeRef::Named(status) = **status else {
        panic!()
    };
    assert_eq!(m.type_def(status).name, "ListWorkflowsResponseItemStatus");
    let TypeKind::Enum(e) = &m.type_def(status).kind else {
        panic!()
    };
    assert_eq!(e.values.len(), 2);
}

#[test]
fn building_is_deterministic() {
    let a = format!("{:?}", model(TYPES).0);
    let b = format!("{:?}", model(TYPES).0);
    assert_eq!(a, b);
}

const NAMING: &str = r##"
openapi: 3.0.3
info: {title: Naming, version: "1"}
paths:
  /users/me:
    get:
      operationId: getCurrentUser
      tags: [Users]
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object}}}}}
  /users/{id}:
    put:
      operationId: replaceUser
      tags: [Users]
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [provideAPIKey, type]
              properties:
                zeta: {type: string}
                provideAPIKey: {type: boolean}
                type: {type: string}
                id: {type: string}
      responses: {"200": {description: ok}}
  /match-targets/{id}:
    post:
      operationId: type
      responses: {"200": {description: ok}}
  /match-targets/{other}:
    post:
      operationId: type
      parameters: [{name: other, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
  /2fa/{code}/{digit}:
    get:
      responses: {"200": {description: ok}}
"##;

#[test]
fn naming_schemes_and_arguments() {
    let (m, diags) = model(NAMING);
    let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"duplicate-operation-id"), "{codes:?}");
    assert!(codes.contains(&"undeclared-path-parameter"), "{codes:?}");
    assert_eq!(
        codes.iter().filter(|c| **c == "name-collision").count(),
        2,
        "{diags:?}"
    );

    let me = &m.operations[0];
    assert_eq!(
        (me.rest_name.resource.as_str(), me.rest_name.method.as_str()),
        ("users", "get_me")
    );
    assert_eq!(me.rest_name.aliases, ["list_me"]);
    assert_eq!(
        (
            me.operation_id_name.resource.as_str(),
            me.operation_id_name.method.as_str()
        ),
        ("users", "get_current_user")
    );

    // Path parameters, then required body properties in schema order; a body property that
    // collides with a parameter is suffixed.
    let put = &m.operations[1];
    let args: Vec<(&str, &str, bool)> = put
        .arguments
        .iter()
        .map(|a| (a.name.as_str(), a.original.as_str(), a.positional))
        .collect();
    assert_eq!(
        args,
        [
            ("id", "id", true),
            ("provide_api_key", "provideAPIKey", true),
            ("type_", "type", true),
            ("zeta", "zeta", false),
            ("id_body", "id", false)
        ]
    );

    // `-` becomes `_`; collisions get `_by_{param}`; keywords get `_`.
    assert_eq!(
        (
            m.operations[2].rest_name.resource.as_str(),
            m.operations[2].rest_name.method.as_str()
        ),
        ("match_targets", "post")
    );
    assert_eq!(m.operations[3].rest_name.method, "post_by_other");
    assert_eq!(m.operations[2].operation_id_name.method, "type_");
    assert_eq!(m.operations[3].operation_id_name.method, "type__2");
    assert_eq!(
        (
            m.operations[4].rest_name.resource.as_str(),
            m.operations[4].rest_name.method.as_str()
        ),
        ("_2fa", "get_code")
    );

    let resources: Vec<String> = m
        .resources(NamingScheme::OperationId)
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(resources, ["users", "match_targets", "_2fa"]);
}

const PAGES: &str = r##"
openapi: 3.0.3
info: {title: Pages, version: "1"}
paths:
  /directory:
    get:
      parameters: [{name: limit, in: query, schema: {type: integer}}, {name: offset, in: query, schema: {type: integer}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  paging: {type: object, properties: {count: {type: integer}, offset: {type: integer}}}
                  individuals: {type: array, items: {type: object, properties: {id: {type: string}}}}
  /events:
    get:
      parameters: [{name: cursor, in: query, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: array, items: {type: string}}
                  meta: {type: object, properties: {next_cursor: {type: string}}}
  /reports:
    get:
      parameters: [{name: page_num, in: query, schema: {type: integer}}, {name: limit, in: query, schema: {type: integer}}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: array, items: {type: string}}}}}
  /repos:
    get:
      parameters: [{name: per_page, in: query, schema: {type: integer}}, {name: page, in: query, schema: {type: integer}}]
      responses:
        "200":
          description: ok
          headers: {Link: {schema: {type: string}}}
          content: {application/json: {schema: {type: array, items: {type: string}}}}
  /single:
    get:
      parameters: [{name: offset, in: query, schema: {type: integer}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object, properties: {n: {type: integer}}}}}}}
"##;

#[test]
fn pagination_is_recognised() {
    let (m, diags) = model(PAGES);
    assert!(diags.is_empty(), "{diags:?}");
    let p = |i: usize| {
        m.operations[i]
            .pagination
            .clone()
            .map(|p| (p.style, p.items))
    };
    assert_eq!(
        p(0),
        Some((
            PaginationStyle::Offset {
                offset_param: "offset".into(),
                limit_param: Some("limit".into()),
                // Finch's `paging: {count, offset}`: the total.
                total: Some(vec!["paging".into(), "count".into()])
            },
            vec!["individuals".into()]
        ))
    );
    assert_eq!(
        p(1),
        Some((
            PaginationStyle::Cursor {
                cursor_param: "cursor".into(),
                next_cursor: Some(vec!["meta".into(), "next_cursor".into()]),
                has_more: None
            },
            vec!["data".into()]
        ))
    );
    assert_eq!(
        p(2),
        Some((
            PaginationStyle::Page {
                page_param: "page_num".into(),
                size_param: Some("limit".into())
            },
            vec![]
        ))
    );
    assert_eq!(p(3).map(|p| p.0), Some(PaginationStyle::Link));
    assert_eq!(p(4), None, "no items array: not a list");
}

#[test]
fn security_and_servers_in_3x() {
    let (m, diags) = model(
        r##"
openapi: 3.0.3
info: {title: S, version: "1"}
servers:
  - url: "https://{region}.example.com/{base}"
    variables:
      region: {default: us, enum: [us, eu]}
      base: {default: v1}
components:
  securitySchemes:
    cc:
      type: oauth2
      flows: {clientCredentials: {tokenUrl: /auth/v2/token, scopes: {}}}
    oidc: {type: openIdConnect, openIdConnectUrl: "https://example.com/.well-known/openid-configuration"}
    bearer: {type: http, scheme: Bearer, bearerFormat: JWT}
    cookie: {type: apiKey, in: cookie, name: session}
paths:
  /open:
    get:
      security: []
      responses: {"204": {description: ok}}
"##,
    );
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        m.servers[0]
            .variables
            .iter()
            .map(|v| (v.name.as_str(), v.default.as_str()))
            .collect::<Vec<_>>(),
        [("region", "us"), ("base", "v1")]
    );
    assert_eq!(m.servers[0].variables[0].allowed, ["us", "eu"]);
    let SecuritySchemeKind::OAuth2 { flows } = &m.security_schemes[0].kind else {
        panic!()
    };
    assert_eq!(flows[0].token_url.as_deref(), Some("/auth/v2/token"));
    assert!(
        matches!(&m.security_schemes[1].kind, SecuritySchemeKind::OpenIdConnect { url } if url.ends_with("openid-configuration"))
    );
    assert_eq!(
        m.security_schemes[2].kind,
        SecuritySchemeKind::Bearer {
            format: Some("JWT".into())
        }
    );
    assert_eq!(
        m.security_schemes[3].kind,
        SecuritySchemeKind::ApiKey {
            location: ParameterLocation::Cookie,
            param: "session".into()
        }
    );
    assert_eq!(m.operations[0].security, Some(vec![]));
}

#[test]
fn broken_references_are_errors_not_panics() {
    let (m, diags) = model(
        r##"
openapi: 3.0.3
info: {title: B, version: "1"}
paths:
  /a:
    get:
      parameters: [{$ref: "#/components/parameters/Nope"}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Loop"}}}}
components:
  schemas:
    Loop: {$ref: "#/components/schemas/Loop2"}
    Loop2: {$ref: "#/components/schemas/Loop"}
    Deep: {type: object, properties: {x: {type: object, properties: {y: {$ref: "#/components/schemas/Deep"}}}}}
"##,
    );
    let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"unresolved-reference"), "{codes:?}");
    assert!(codes.contains(&"reference-cycle"), "{codes:?}");
    assert_eq!(m.operations.len(), 1);
    assert!(named(&m, "Deep").recursive);
    let unresolved = diags
        .iter()
        .find(|d| d.code == "unresolved-reference")
        .expect("reported");
    assert_eq!(unresolved.pointer, "/paths/~1a/get/parameters/0/$ref");
    assert_eq!(unresolved.position.line, 7);
}

/// Found by the fuzzer: a schema that is only an allOf of itself used to hang alias-following.
#[test]
fn self_aliases_are_broken_with_a_diagnostic() {
    let (m, diags) = model(
        r##"
swagger: "2.0"
paths:
  /a/{id}:
    post:
      parameters:
        - {in: body, name: b, schema: {$ref: "#/definitions/X"}}
        - {in: path, name: id, required: true, type: string}
      responses:
        "200": {description: ok, schema: {type: array, items: {$ref: "#/definitions/X"}}}
definitions:
  X: {allOf: [{$ref: "#/definitions/X"}]}
  A: {allOf: [{$ref: "#/definitions/B"}]}
  B: {allOf: [{$ref: "#/definitions/A"}]}
"##,
    );
    assert_eq!(
        diags.iter().filter(|d| d.code == "alias-cycle").count(),
        2,
        "{diags:?}"
    );
    assert!(matches!(named(&m, "X").kind, TypeKind::Alias(TypeRef::Any)));
    assert_eq!(m.operations[0].rest_name.method, "post");
}

#[test]
fn license_and_external_docs_for_package_metadata() {
    let (m, _) = model(
        "openapi: 3.1.0\ninfo:\n  title: T\n  version: '1'\n  license: {name: Apache 2.0, url: 'https://www.apache.org/licenses/LICENSE-2.0'}\nexternalDocs: {url: 'https://docs.example.com'}\npaths: {}\n",
    );
    let license = m.license.as_ref().unwrap();
    assert_eq!(license.name, "Apache 2.0");
    assert_eq!(license.spdx().as_deref(), Some("Apache-2.0"));
    assert_eq!(m.external_docs.as_deref(), Some("https://docs.example.com"));

    let spdx = |text: &str| {
        let (m, _) = model(&format!(
            "openapi: 3.1.0\ninfo:\n  title: T\n  version: '1'\n  license: {text}\npaths: {{}}\n"
        ));
        m.license.and_then(|l| l.spdx())
    };
    assert_eq!(spdx("{name: MIT License}").as_deref(), Some("MIT"));
    assert_eq!(
        spdx("{name: Custom, identifier: MIT OR Apache-2.0}").as_deref(),
        Some("MIT OR Apache-2.0")
    );
    assert_eq!(
        spdx("{name: BSD 3-Clause}").as_deref(),
        Some("BSD-3-Clause")
    );
    // A name that is no SPDX license is not claimed.
    assert_eq!(spdx("{name: Proprietary}"), None);
    assert_eq!(
        spdx("{name: 'Terms of use: https://example.com/terms'}"),
        None
    );
}

/// A cursor the request and the response share by name (Candid's `page_token` both ways) is
/// cursor pagination, as is a conventional name (`next_cursor`).
#[test]
fn a_cursor_named_alike_both_ways_is_pagination() {
    let (m, _) = model(
        r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /encounters:
    get:
      parameters:
        - {name: page_token, in: query, schema: {type: string}}
      responses:
        "200":
          description: A page.
          content:
            application/json:
              schema:
                type: object
                properties:
                  items: {type: array, items: {type: object}}
                  page_token: {type: string, nullable: true}
"#,
    );
    let p = m.operations[0].pagination.as_ref().expect("paginated");
    assert_eq!(
        p.style,
        PaginationStyle::Cursor {
            cursor_param: "page_token".into(),
            next_cursor: Some(vec!["page_token".into()]),
            has_more: None,
        }
    );
    assert_eq!(p.items, ["items"]);
}

/// A schema written out again byte for byte is one type: an inline copy is the first copy's
/// type; a component copy (`Share2`) is an alias of it, keeping its name.
#[test]
fn identical_schemas_are_one_type() {
    let (m, _) = model(
        r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {users: {type: array, items: {type: integer}}}}
      responses: {"204": {description: done}}
  /b:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {users: {type: array, items: {type: integer}}}}
      responses: {"204": {description: done}}
components:
  schemas:
    Share: {type: object, properties: {user_ids: {type: array, items: {type: integer}}}}
    Share2: {type: object, properties: {user_ids: {type: array, items: {type: integer}}}}
"#,
    );
    let body = |i: usize| {
        m.operations[i].request_body.as_ref().unwrap().contents[0]
            .ty
            .clone()
    };
    assert_eq!(body(0), body(1), "one inline type for both bodies");
    let share = named(&m, "Share").id;
    assert!(
        matches!(named(&m, "Share2").kind, TypeKind::Alias(TypeRef::Named(id)) if id == share),
        "{:?}",
        named(&m, "Share2").kind
    );
    let objects = m
        .types
        .iter()
        .filter(|t| matches!(t.kind, TypeKind::Object(_)))
        .count();
    assert_eq!(objects, 2, "Share and the inline body");
}

/// `allOf` with one real part and parts that only annotate (`{nullable: true}`) is that part,
/// nullable: an enum stays an enum, not an empty object.
#[test]
fn annotation_only_all_of_parts_constrain_nothing() {
    let (m, _) = model(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    Status: {type: string, enum: [ACTIVE, CLOSED]}
    User:
      type: object
      properties:
        status:
          allOf:
            - {$ref: "#/components/schemas/Status"}
            - {nullable: true}
"##,
    );
    let status = named(&m, "Status").id;
    let user = object(named(&m, "User"));
    assert_eq!(
        prop(user, "status").ty,
        TypeRef::Nullable(Box::new(TypeRef::Named(status)))
    );
}
