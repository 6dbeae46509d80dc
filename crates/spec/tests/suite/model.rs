//! The operation model, read from the real specs and from small inline ones.

use serde_json::json;

use sb_spec::{Location, SpecError};

use crate::{inline_spec, real_spec};

#[test]
fn generation_operations_are_sorted_by_path_then_method() {
    let spec = real_spec("generation");
    assert_eq!(spec.title(), "Site Builder Generation API");
    assert_eq!(spec.version(), "1.0.0");
    let ops = spec.operations().expect("operations");
    let keys: Vec<(&str, &str, &str)> = ops
        .iter()
        .map(|o| (o.path.as_str(), o.method.as_str(), o.id.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("/sites/{siteId}/versions", "get", "listVersions"),
            ("/sites/{siteId}/versions/{versionId}", "get", "getVersion"),
            (
                "/sites/{siteId}/versions/{versionId}/restore",
                "post",
                "restoreVersion"
            ),
            ("/sites/{tenantId}/generation", "post", "generatePage"),
            (
                "/sites/{tenantId}/generation/{generationId}",
                "get",
                "getGeneration"
            ),
            ("/sites/{tenantId}/templates", "get", "listTemplates"),
        ]
    );
}

#[test]
fn generate_page_is_sse_with_generation_events() {
    let op = real_spec("generation")
        .operation("generatePage")
        .expect("generatePage");
    assert_eq!(op.method, "post");
    assert_eq!(op.pointer, "/paths/~1sites~1{tenantId}~1generation/post");
    assert_eq!(
        op.summary.as_deref(),
        Some("Generate a landing page, streamed as Server-Sent Events")
    );
    assert!(op.is_sse());
    assert_eq!(
        op.sse_event_schema(),
        Some(&json!({"$ref": "#/components/schemas/GenerationEvent"}))
    );
    assert_eq!(op.slo.first_chunk_ms, Some(2000));
    assert_eq!(op.slo.last_chunk_ms, Some(60000));
    assert_eq!(op.slo.avg_ms, None);
    assert_eq!(op.security, ["bearerAuth"]);
    assert!(!op.is_public());

    // Parameters come from components, resolved, path before header.
    let params: Vec<(&str, Location, bool)> = op
        .parameters
        .iter()
        .map(|p| (p.name.as_str(), p.location, p.required))
        .collect();
    assert_eq!(
        params,
        [
            ("tenantId", Location::Path, true),
            ("X-Tenant-Id", Location::Header, true)
        ]
    );
    assert_eq!(
        op.parameters[0].schema,
        json!({"type": "string", "minLength": 1})
    );
    assert_eq!(op.parameters[0].example, Some(json!("test-tenant")));
    assert_eq!(op.path_params().count(), 1);
    assert!(op.parameter(Location::Header, "x-tenant-id").is_some());

    let body = op.request_body.as_ref().expect("request body");
    assert!(body.required);
    assert_eq!(body.media_type, "application/json");
    assert_eq!(
        body.schema,
        json!({"$ref": "#/components/schemas/GenerationRequest"})
    );
    assert_eq!(
        body.example.as_ref().and_then(|e| e.get("templateId")),
        Some(&json!("ecommerce-sale"))
    );

    let statuses: Vec<&str> = op.responses.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(statuses, ["200", "401", "403", "4XX", "5XX"]);
    let success = op.success().expect("success");
    assert_eq!(success.status, "200");
    assert!(success.header("x-request-id").is_some());
    let unauthorized = op.documents_status(401).expect("401");
    assert_eq!(unauthorized.status, "401");
    assert_eq!(
        unauthorized.json().and_then(|m| m.schema.clone()),
        Some(json!({"$ref": "#/components/schemas/Error"}))
    );
    assert_eq!(
        op.documents_status(404).map(|r| r.status.as_str()),
        Some("4XX")
    );
    assert_eq!(
        op.documents_status(503).map(|r| r.status.as_str()),
        Some("5XX")
    );
    assert!(op.documents_status(302).is_none());
}

#[test]
fn get_logo_image_is_public() {
    let op = real_spec("agents")
        .operation("getLogoImage")
        .expect("getLogoImage");
    assert!(op.is_public());
    assert!(op.security.is_empty());
    assert!(!op.is_sse());
    assert_eq!(op.slo.avg_ms, Some(10));
    assert_eq!(op.slo.p95_ms, Some(20));
    let size = op.parameter(Location::Query, "size").expect("size");
    assert!(!size.required);
    assert_eq!(size.example, Some(json!("preview")));
    assert!(
        op.success()
            .and_then(|r| r.media("image/svg+xml"))
            .is_some()
    );

    let logo = real_spec("agents")
        .operation("generateLogo")
        .expect("generateLogo");
    assert_eq!(logo.security, ["bearerAuth"]);
    assert_eq!(logo.slo.max_ms, Some(30000));
}

#[test]
fn create_deployment_succeeds_with_202() {
    let op = real_spec("validation")
        .operation("createDeployment")
        .expect("createDeployment");
    assert_eq!(op.success().map(|r| r.status.as_str()), Some("202"));
    assert_eq!(
        op.documents_status(422).map(|r| r.description.as_str()),
        Some("The site's brand score is below 8, so it cannot be deployed")
    );
}

#[test]
fn unknown_operation_names_the_id_and_the_known_ones() {
    let err = real_spec("agents")
        .operation("makeCoffee")
        .expect_err("no such operation");
    assert!(matches!(err, SpecError::UnknownOperation { .. }));
    let message = err.to_string();
    assert!(message.contains("no operation `makeCoffee`"), "{message}");
    assert!(message.contains("generateLogo, getLogoImage"), "{message}");
}

#[test]
fn responses_keep_spec_order_and_unquoted_keys() {
    let spec = inline_spec(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      operationId: getA
      responses:
        default: {description: anything}
        404: {description: missing}
        200: {description: ok}
"#,
    );
    let op = spec.operation("getA").expect("getA");
    let statuses: Vec<&str> = op.responses.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(statuses, ["default", "404", "200"]);
    assert_eq!(
        op.documents_status(500).map(|r| r.status.as_str()),
        Some("default")
    );
    assert!(op.is_public(), "no security anywhere means public");
}

#[test]
fn path_item_parameters_merge_and_operation_ones_win() {
    let spec = inline_spec(
        r##"
openapi: 3.0.3
info: {title: t, version: '1'}
security: [{bearerAuth: []}]
paths:
  /sites/{siteId}:
    parameters:
      - {name: X-Trace, in: header, schema: {type: string}}
      - {name: siteId, in: path, required: true, schema: {type: string}}
      - {name: verbose, in: query, schema: {type: boolean}}
    get:
      operationId: getSite
      security: [{}, {bearerAuth: []}]
      parameters:
        - {name: verbose, in: query, required: true, schema: {$ref: '#/components/schemas/Flag'}}
      responses: {'204': {description: ok}}
components:
  schemas:
    Flag: {type: boolean, example: true}
"##,
    );
    let op = spec.operation("getSite").expect("getSite");
    let params: Vec<(&str, bool)> = op
        .parameters
        .iter()
        .map(|p| (p.name.as_str(), p.required))
        .collect();
    assert_eq!(
        params,
        [("siteId", true), ("verbose", true), ("X-Trace", false)]
    );
    // A top-level $ref of a parameter schema is resolved; its example is the fallback.
    assert_eq!(
        op.parameters[1].schema,
        json!({"type": "boolean", "example": true})
    );
    assert_eq!(op.parameters[1].example, Some(json!(true)));
    assert!(
        op.is_public(),
        "an empty alternative makes credentials optional"
    );
    assert_eq!(op.success().map(|r| r.content.len()), Some(0));
}

#[test]
fn bad_input_gives_errors_naming_the_place() {
    let cases = [
        (
            "paths: {/a: {get: {responses: {'200': {description: ok}}}}}",
            "inline.yaml at /paths/~1a/get: operationId is missing; add a unique operationId",
        ),
        (
            "paths: {/a: {get: {operationId: getA, x-slo: {avgMs: -5}, responses: {'200': {description: ok}}}}}",
            "inline.yaml at /paths/~1a/get/x-slo/avgMs: x-slo avgMs is -5, not a positive integer; give milliseconds such as 20",
        ),
        (
            "paths: {/a: {get: {operationId: getA, parameters: [{$ref: '#/components/parameters/Nope'}], responses: {'200': {description: ok}}}}}",
            "inline.yaml at /paths/~1a/get/parameters/0: $ref `#/components/parameters/Nope` does not resolve; fix the reference or add the target",
        ),
        (
            "paths: {/a: {get: {operationId: getA}}}",
            "inline.yaml at /paths/~1a/get/responses: operation has no responses; document at least its success response",
        ),
    ];
    for (paths, expected) in cases {
        let spec = inline_spec(&format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\n{paths}\n"
        ));
        let err = spec.operations().expect_err(paths);
        assert_eq!(err.to_string(), expected);
    }
}

#[test]
fn parse_errors_name_the_file() {
    let err =
        sb_spec::Spec::from_str(std::path::Path::new("x.yaml"), "a: [1, 2").expect_err("bad yaml");
    assert!(matches!(err, SpecError::Parse { .. }));
    assert!(
        err.to_string().starts_with("x.yaml is not valid YAML: "),
        "{err}"
    );
}

#[test]
fn specs_and_operations_can_be_shared_across_threads() {
    fn shared<T: Send + Sync + 'static>() {}
    shared::<sb_spec::Spec>();
    shared::<sb_spec::Operation>();
    let spec = std::sync::Arc::new(real_spec("agents"));
    let schema = json!({"$ref": "#/components/schemas/LogoResult"});
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let spec = spec.clone();
            let schema = schema.clone();
            std::thread::spawn(move || {
                let id = format!("logo-{i:016x}");
                let result =
                    json!({"id": id, "url": "http://127.0.0.1/x", "preview": "http://127.0.0.1/y"});
                spec.violations(&schema, &result)
                    .expect("violations")
                    .is_empty()
            })
        })
        .collect();
    for handle in handles {
        assert!(handle.join().expect("thread"));
    }
}

#[test]
fn generate_page_stream_semantics_come_from_x_stream() {
    let op = real_spec("generation")
        .operation("generatePage")
        .expect("generatePage");
    let stream = op.stream.as_ref().expect("generatePage streams");
    assert_eq!(stream.property, "type");
    assert_eq!(
        stream.events.keys().map(String::as_str).collect::<Vec<_>>(),
        ["chunk", "complete", "error", "progress"]
    );
    assert_eq!(
        stream.events["complete"].schema_pointer,
        "/components/schemas/GenerationEvent/oneOf/2"
    );
    let semantics = stream.semantics.as_ref().expect("x-stream");
    assert_eq!(semantics.terminal, ["complete", "error"]);
    assert_eq!(semantics.success.as_deref(), Some("complete"));
    assert_eq!(semantics.error.as_deref(), Some("error"));
    let progress = semantics.progress.as_ref().expect("progress");
    assert_eq!(
        (
            progress.event.as_str(),
            progress.field.as_str(),
            progress.start
        ),
        ("progress", "progress", Some(0.0))
    );
    let content = semantics.content.as_ref().expect("content");
    assert_eq!(
        (content.event.as_str(), content.field.as_str()),
        ("chunk", "content")
    );
    assert!(stream.is_terminal("error") && !stream.is_terminal("chunk"));
    assert_eq!(stream.type_of(&json!({"type": "chunk"})), Some("chunk"));
    assert_eq!(op.slo.concurrent_calls, Some(10));
    assert_eq!(op.slo.concurrent_success_pct, Some(80));
}

#[test]
fn tenancy_comes_from_x_tenant_and_elements_keep_their_pointers() {
    let op = real_spec("generation")
        .operation("getGeneration")
        .expect("getGeneration");
    let tenancy = op.tenancy.as_ref().expect("x-tenant");
    assert_eq!(tenancy.header.as_deref(), Some("X-Tenant-Id"));
    assert_eq!(tenancy.path_parameter.as_deref(), Some("tenantId"));
    assert_eq!(tenancy.claim.as_deref(), Some("tenant_id"));
    let tenant_params: Vec<&str> = op
        .parameters
        .iter()
        .filter(|p| op.is_tenant_param(p))
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(tenant_params, ["tenantId", "X-Tenant-Id"]);
    // A parameter from components keeps the pointer where it is written.
    assert_eq!(op.parameters[0].pointer, "/components/parameters/TenantId");
    assert_eq!(
        op.parameters[1].pointer,
        "/paths/~1sites~1{tenantId}~1generation~1{generationId}/get/parameters/1"
    );
    let ok = op.response("200").expect("200");
    assert_eq!(
        ok.pointer,
        "/paths/~1sites~1{tenantId}~1generation~1{generationId}/get/responses/200"
    );
    assert_eq!(
        ok.content[0].pointer,
        format!("{}/content/application~1json", ok.pointer)
    );
    assert_eq!(ok.headers[0].pointer, "/components/headers/RequestId");
    let not_found = op.response("404").expect("404");
    assert_eq!(not_found.pointer, "/components/responses/NotFound");
}

#[test]
fn without_extensions_there_is_no_tenancy_and_no_stream_semantics() {
    let spec = inline_spec(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /events:
    get:
      operationId: events
      responses:
        '200':
          description: ok
          content:
            text/event-stream:
              schema: {type: object, properties: {kind: {type: string}}}
"#,
    );
    let op = spec.operation("events").expect("events");
    assert!(op.tenancy.is_none());
    let stream = op.stream.as_ref().expect("a stream");
    assert!(stream.semantics.is_none());
    assert!(!stream.names_types());
}

#[test]
fn a_stream_event_that_the_schema_does_not_document_is_refused() {
    let spec = inline_spec(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /events:
    get:
      operationId: events
      responses:
        '200':
          description: ok
          content:
            text/event-stream:
              schema:
                type: object
                properties: {type: {type: string, enum: [tick, done]}}
              x-stream: {terminal: [done, finished]}
"#,
    );
    let error = spec.operation("events").unwrap_err().to_string();
    assert_eq!(
        error,
        "inline.yaml at /paths/~1events/get/responses/200/content/text~1event-stream/x-stream/terminal/1: event type `finished` is not one the stream's schema documents; use one of: done, tick"
    );
}

#[test]
fn a_malformed_x_tenant_is_refused_with_its_pointer() {
    let spec = inline_spec(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
x-tenant: {claim: tenant_id, headr: X-Tenant}
paths: {}
"#,
    );
    assert_eq!(
        spec.tenancy().unwrap_err().to_string(),
        "inline.yaml at /x-tenant/headr: x-tenant key `headr` is unknown; use header, pathParameter, claim"
    );
}

#[test]
fn endpoints_are_tolerant_where_the_model_is_strict() {
    // No operationId and an operation that is not a mapping: the walk lists both, the model
    // rejects the first it builds.
    let spec = inline_spec(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a: {get: {responses: {'200': {description: ok}}}, post: 7}\n  /b: 7\n",
    );
    let endpoints = spec.endpoints().expect("endpoints");
    let found: Vec<(&str, &str, &str)> = endpoints
        .iter()
        .map(|e| (e.path, e.method, e.pointer.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("/a", "get", "/paths/~1a/get"),
            ("/a", "post", "/paths/~1a/post")
        ]
    );
    assert_eq!(endpoints[0].path_pointer, "/paths/~1a");
    assert_eq!(
        spec.operations()
            .expect_err("/b is no path item")
            .to_string(),
        "inline.yaml at /paths/~1b: path item is not a mapping; map methods to operations"
    );
    let not_a_map = inline_spec("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: 7\n");
    assert!(not_a_map.endpoints().expect("tolerated").is_empty());
    assert_eq!(
        not_a_map.operations().expect_err("paths: 7").to_string(),
        "inline.yaml at /paths: paths is not a mapping; map each path to its operations"
    );
}

#[test]
fn a_path_item_behind_a_ref_is_read_where_it_lives() {
    // The `$ref` is percent-encoded (`{` `}`), and the stream's media type is looked up by
    // its pointer, so that pointer must be the one the operation really lives at.
    let spec = inline_spec(
        r##"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things/{id}: {$ref: '#/x-items/~1things~1%7Bid%7D'}
x-items:
  /things/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    post:
      operationId: streamThing
      responses:
        '200':
          description: events
          content:
            text/event-stream:
              schema: {type: object, properties: {type: {type: string, enum: [done]}}}
              x-stream: {terminal: [done]}
"##,
    );
    let endpoints = spec.endpoints().expect("endpoints");
    assert_eq!(endpoints.len(), 1);
    assert_eq!(endpoints[0].path, "/things/{id}");
    assert_eq!(endpoints[0].path_pointer, "/x-items/~1things~1{id}");
    assert_eq!(endpoints[0].pointer, "/x-items/~1things~1{id}/post");
    let op = spec.operation("streamThing").expect("operation");
    assert_eq!(op.pointer, "/x-items/~1things~1{id}/post");
    assert_eq!(
        op.parameters[0].pointer,
        "/x-items/~1things~1{id}/parameters/0"
    );
    let stream = op.stream.expect("a stream");
    assert!(stream.is_terminal("done"));
    let dangling = inline_spec(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a: {$ref: '#/x-items/nope'}\n",
    );
    assert_eq!(
        dangling.endpoints().expect_err("dangling").to_string(),
        "inline.yaml at /paths/~1a: $ref `#/x-items/nope` does not resolve; fix the reference or add the target"
    );
}

#[test]
fn allowed_origins_come_from_x_cors() {
    let op = real_spec("agents")
        .operation("generateLogo")
        .expect("generateLogo");
    let cors = op.cors.as_ref().expect("x-cors");
    assert_eq!(cors.allowed_origins, ["https://kimmyai.io"]);
    let spec = inline_spec(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
x-cors: {allowedOrigins: ['https://*.example.com']}
paths: {}
"#,
    );
    assert_eq!(
        spec.cors().unwrap_err().to_string(),
        "inline.yaml at /x-cors/allowedOrigins/0: \"https://*.example.com\" is not an origin; write scheme://host[:port] with no path or wildcard"
    );
}

#[test]
fn the_real_specs_declare_their_relations() {
    use sb_spec::Expr;
    let generation = real_spec("generation");
    let page = generation.operation("generatePage").expect("generatePage");
    let link = &page.relations.links[0];
    assert_eq!(link.operation_id, "getGeneration");
    assert_eq!(
        link.parameters,
        [(
            "generationId".to_string(),
            Expr::ResponseHeader("X-Generation-Id".into())
        )]
    );
    assert!(
        link.expect
            .iter()
            .any(|e| e.pointer == "/html" && e.equals == Expr::StreamContent)
    );
    let validation = real_spec("validation");
    let deploy = validation
        .operation("createDeployment")
        .expect("createDeployment");
    let poll = deploy.relations.links[0].poll.as_ref().expect("x-poll");
    assert_eq!((poll.interval_ms, poll.timeout_ms), (250, 20_000));
    assert_eq!(poll.success, [json!("SUCCEEDED")]);
    let agents = real_spec("agents");
    let logo = agents.operation("generateLogo").expect("generateLogo");
    assert!(logo.relations.links.is_empty());
    assert_eq!(
        logo.relations.invariants[0].equals,
        Expr::RequestBody("/count".into())
    );
    assert!(logo.relations.invariants[0].count);
}

#[test]
fn relation_expressions_parse_or_say_what_they_accept() {
    use sb_spec::Expr;
    assert_eq!(
        Expr::parse(&json!("$stream.complete#/generationId")),
        Ok(Expr::StreamEvent {
            event: "complete".into(),
            pointer: "/generationId".into()
        })
    );
    assert_eq!(
        Expr::parse(&json!("COMPLETE")),
        Ok(Expr::Constant(json!("COMPLETE")))
    );
    assert_eq!(Expr::parse(&json!(4)), Ok(Expr::Constant(json!(4))));
    let err = Expr::parse(&json!("$url")).expect_err("not an expression");
    assert!(err.contains("$response.header.NAME"), "{err}");
    let err = Expr::parse(&json!("$response.body/x")).expect_err("no #");
    assert!(err.contains("#/json/pointer"), "{err}");
}
