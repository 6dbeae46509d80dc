//! The spec check: the real specs pass; each fixture yields exactly its precise problem.

use std::path::Path;

use sb_spec::{Problem, lint, lint_str};

use crate::openapi_dir;

/// The problems of `tests/fixtures/<name>`, displayed, with the file named `fixtures/<name>`.
fn fixture_problems(name: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    lint_str(&Path::new("fixtures").join(name), &text)
        .iter()
        .map(Problem::to_string)
        .collect()
}

#[test]
fn real_specs_have_no_problems() {
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(openapi_dir())
        .expect("openapi/ is listable")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    entries.sort();
    for file in &entries {
        let problems: Vec<String> = lint(file).iter().map(Problem::to_string).collect();
        assert_eq!(problems, Vec::<String>::new(), "{}", file.display());
        checked += 1;
    }
    assert_eq!(checked, 3, "expected the three specs in openapi/");
}

#[test]
fn a_broken_example_in_a_real_spec_is_caught() {
    let file = openapi_dir().join("generation-api.yaml");
    let text = std::fs::read_to_string(&file).expect("generation spec");
    let broken = text.replacen("brandScore: 8.5", "brandScore: 11.5", 1);
    assert_ne!(
        broken, text,
        "the SSE example of generatePage has brandScore 8.5"
    );
    let problems: Vec<String> = lint_str(Path::new("openapi/generation-api.yaml"), &broken)
        .iter()
        .map(Problem::to_string)
        .collect();
    assert_eq!(
        problems,
        [
            "openapi/generation-api.yaml: /paths/~1sites~1{tenantId}~1generation/post/responses/200/content/text~1event-stream/example: example does not match its schema: /brandScore: 11.5 is greater than the maximum of 10 (and 1 more); fix the example or the schema"
        ]
    );
}

#[test]
fn openapi_3_1_is_rejected() {
    assert_eq!(
        fixture_problems("openapi-3-1.yaml"),
        [
            "fixtures/openapi-3-1.yaml: /openapi: openapi 3.1.0 is not supported: the model, the validators and progenitor read 3.0.x only; write the spec as OpenAPI 3.0 (`openapi: 3.0.3`; `type: [x, null]` becomes `nullable: true`, `examples` in schemas becomes `example`)"
        ]
    );
}

#[test]
fn missing_operation_id() {
    assert_eq!(
        fixture_problems("missing-operation-id.yaml"),
        [
            "fixtures/missing-operation-id.yaml: /paths/~1agents~1logo/post: operationId is missing; add a unique operationId"
        ]
    );
}

#[test]
fn duplicate_operation_id() {
    assert_eq!(
        fixture_problems("duplicate-operation-id.yaml"),
        [
            "fixtures/duplicate-operation-id.yaml: /paths/~1agents~1logos~1{logoId}/get: operationId `generateLogo` is also used by /paths/~1agents~1logo/post; make every operationId unique"
        ]
    );
}

#[test]
fn dangling_ref() {
    assert_eq!(
        fixture_problems("dangling-ref.yaml"),
        [
            "fixtures/dangling-ref.yaml: /paths/~1agents~1logo/post/responses/200/content/application~1json/schema/$ref: $ref `#/components/schemas/LogoRespnse` does not resolve; fix the reference or add the target"
        ]
    );
}

#[test]
fn example_that_breaks_its_schema() {
    assert_eq!(
        fixture_problems("bad-example.yaml"),
        [
            "fixtures/bad-example.yaml: /paths/~1agents~1logo/post/requestBody/content/application~1json/example: example does not match its schema: /count: 12 is greater than the maximum of 8; fix the example or the schema"
        ]
    );
}

#[test]
fn two_success_body_types() {
    assert_eq!(
        fixture_problems("two-success-types.yaml"),
        [
            "fixtures/two-success-types.yaml: /paths/~1sites~1{tenantId}~1deployments/post: 2 success body types (200 `#/components/schemas/Deployment`, 202 `#/components/schemas/DeploymentTicket`): progenitor panics on more than one; give every 2xx response the same schema (one $ref, or a oneOf wrapper)"
        ]
    );
}

#[test]
fn two_error_body_types() {
    assert_eq!(
        fixture_problems("two-error-types.yaml"),
        [
            "fixtures/two-error-types.yaml: /paths/~1sites~1{siteId}~1validate/get: 2 error body types (404 `#/components/schemas/Error`, 5XX raw (non-JSON) body): progenitor panics on more than one; give every 4xx/5xx/default response the same schema (one $ref, e.g. Error)"
        ]
    );
}

#[test]
fn unsupported_features() {
    assert_eq!(
        fixture_problems("unsupported-features.yaml"),
        [
            "fixtures/unsupported-features.yaml: /paths/~1agents~1logo/post/parameters/0: cookie parameter `session` is not supported by progenitor; pass it as a header or query parameter",
            "fixtures/unsupported-features.yaml: /paths/~1agents~1logo/post/requestBody: request body has 2 media types (application/json, text/plain): progenitor accepts one; keep a single media type",
            "fixtures/unsupported-features.yaml: /paths/~1agents~1logo/post/x-slo/maxMs: x-slo maxMs is 0, not a positive integer; give milliseconds such as 20 (openapi/EXTENSIONS.md)",
            "fixtures/unsupported-features.yaml: /paths/~1agents~1logo/post/x-slo/medianMs: x-slo key `medianMs` is unknown; use one of avgMs, p95Ms, maxMs, firstChunkMs, lastChunkMs, concurrentCalls, concurrentSuccessPct, concurrentMaxMs, ratePerMinute, errorPct",
            "fixtures/unsupported-features.yaml: /paths/~1agents~1logo/options: OPTIONS operations are not supported: progenitor's generated client does not compile with them; remove the operation and test it outside the spec",
        ]
    );
}

#[test]
fn document_that_is_not_openapi() {
    assert_eq!(
        fixture_problems("not-openapi.yaml"),
        [
            "fixtures/not-openapi.yaml: /: does not deserialise as an OpenAPI 3.0 document: paths: invalid type: sequence, expected struct Response at line 6 column 3; fix the field named in the message"
        ]
    );
}

#[test]
fn broken_yaml() {
    assert_eq!(
        fixture_problems("broken-yaml.yaml"),
        [
            "fixtures/broken-yaml.yaml: /: is not valid YAML or JSON: did not find expected ',' or '}' at line 3 column 1, while parsing a flow mapping at line 2 column 7; fix the syntax"
        ]
    );
}

#[test]
fn missing_file() {
    let problems = lint(Path::new("no/such/spec.yaml"));
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].location, "/");
    assert!(
        problems[0].message.starts_with("cannot be read: "),
        "{}",
        problems[0]
    );
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: Logo Agent, version: 1.0.0}\n";

fn inline_problems(body: &str) -> Vec<String> {
    lint_str(Path::new("inline.yaml"), &format!("{HEAD}{body}"))
        .iter()
        .map(Problem::to_string)
        .collect()
}

#[test]
fn a_shared_ref_and_a_range_key_are_one_type() {
    let problems = inline_problems(
        r##"
paths:
  /logos:
    post:
      operationId: createLogo
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Logo'}}}}
        '201': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Alias'}}}}
        4XX: {description: bad, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
        5XX: {$ref: '#/components/responses/Failed'}
components:
  responses:
    Failed: {description: failed, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
  schemas:
    Logo: {type: object}
    Alias: {$ref: '#/components/schemas/Logo'}
    Error: {type: object}
"##,
    );
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn no_body_and_a_json_body_are_two_types_and_default_counts_in_both_groups() {
    let problems = inline_problems(
        r##"
paths:
  /logos/{id}:
    delete:
      operationId: deleteLogo
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '204': {description: gone}
        default: {description: error, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
components:
  schemas:
    Error: {type: object}
"##,
    );
    assert_eq!(
        problems,
        [
            "inline.yaml: /paths/~1logos~1{id}/delete: 2 success body types (204 no body, default `#/components/schemas/Error`): progenitor panics on more than one; give every 2xx response the same schema (one $ref, or a oneOf wrapper)"
        ]
    );
}

#[test]
fn two_media_types_with_different_schemas_are_two_types() {
    let problems = inline_problems(
        r##"
paths:
  /logos:
    get:
      operationId: listLogos
      responses:
        '200':
          description: ok
          content:
            application/json: {schema: {type: array}}
            image/svg+xml: {schema: {type: string}}
"##,
    );
    assert_eq!(
        problems,
        [
            r#"inline.yaml: /paths/~1logos/get: 2 success body types (200 inline schema {"type":"array"}, 200 raw (non-JSON) body): progenitor panics on more than one; give every 2xx response the same schema (one $ref, or a oneOf wrapper)"#
        ]
    );
}

#[test]
fn examples_everywhere_are_checked() {
    let problems = inline_problems(
        r##"
paths:
  /logos/{logoId}:
    get:
      operationId: getLogo
      parameters:
        - {name: logoId, in: path, required: true, schema: {type: string, pattern: '^logo-[0-9a-f]{4}$'}, example: logo-zzzz}
        - $ref: '#/components/parameters/Size'
      responses:
        '200':
          description: ok
          headers:
            X-Request-Id: {schema: {type: string, minLength: 1}, example: ''}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Logo'}
              examples:
                good: {value: {createdAt: '2026-01-15T10:00:00Z'}}
                bad: {$ref: '#/components/examples/BadLogo'}
components:
  parameters:
    Size: {name: size, in: query, schema: {type: string, enum: [full, preview]}, example: huge}
  examples:
    BadLogo: {value: {createdAt: yesterday}}
  schemas:
    Logo:
      type: object
      properties:
        createdAt: {type: string, format: date-time, example: 'not a date'}
"##,
    );
    assert_eq!(
        problems,
        [
            "inline.yaml: /paths/~1logos~1{logoId}/get/parameters/0/example: example does not match its schema: \"logo-zzzz\" does not match \"^logo-[0-9a-f]{4}$\"; fix the example or the schema",
            "inline.yaml: /paths/~1logos~1{logoId}/get/responses/200/content/application~1json/examples/bad/value: example does not match its schema: /createdAt: \"yesterday\" is not a \"date-time\"; fix the example or the schema",
            "inline.yaml: /paths/~1logos~1{logoId}/get/responses/200/headers/X-Request-Id/example: example does not match its schema: \"\" is shorter than 1 character; fix the example or the schema",
            "inline.yaml: /components/parameters/Size/example: example does not match its schema: \"huge\" is not one of \"full\" or \"preview\"; fix the example or the schema",
            "inline.yaml: /components/schemas/Logo/properties/createdAt/example: example does not match its schema: \"not a date\" is not a \"date-time\"; fix the example or the schema",
        ]
    );
}

#[test]
fn refs_inside_example_values_are_data() {
    let problems = inline_problems(
        r##"
paths:
  /refs:
    get:
      operationId: getRef
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object}
              example: {$ref: '#/nowhere'}
components:
  schemas:
    Holder:
      type: object
      properties:
        $ref: {type: string}
"##,
    );
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn external_refs_are_reported() {
    let problems = inline_problems(
        r##"
paths:
  /logos:
    get:
      operationId: listLogos
      responses:
        '200': {$ref: 'other.yaml#/components/responses/Ok'}
"##,
    );
    assert_eq!(
        problems,
        [
            "inline.yaml: /paths/~1logos/get/responses/200/$ref: $ref `other.yaml#/components/responses/Ok` is not local; inline the target under components and refer to it with `#/components/...`"
        ]
    );
}

#[test]
fn path_templates_security_and_status_codes_are_checked() {
    let problems = inline_problems(
        r#"
security: [{nope: []}]
paths:
  /a/{id}:
    get:
      operationId: getA
      security: []
      responses: {'200': {description: ok}}
  /a/{name}:
    get:
      operationId: getB
      parameters: [{name: name, in: path, required: true, schema: {type: string}}, {name: other, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok}, '99': {description: no}}
"#,
    );
    let text = problems.join("\n");
    for expected in [
        "/paths/~1a~1{id}/get: path template parameter `{id}` is not declared",
        "/paths/~1a~1{name}: path template `/a/{name}` is equivalent to `/a/{id}`",
        "/paths/~1a~1{name}/get: path parameter `other` is not in the template `/a/{name}`",
        "/paths/~1a~1{name}/get: security requirement names `nope`, which is not a security scheme",
        "/paths/~1a~1{name}/get/responses/99: `99` is not a status code",
    ] {
        assert!(text.contains(expected), "{expected}\nin\n{text}");
    }
    assert!(!text.contains("/paths/~1a~1{id}/get: security"), "{text}");
}

#[test]
fn unreadable_documents_get_accurate_messages() {
    let lint = |text: &str| sb_spec::lint_str(Path::new("x.yaml"), text);
    let first = |text: &str| {
        lint(text)
            .first()
            .map(|p| p.to_string())
            .unwrap_or_default()
    };
    assert!(first("").contains("the file is empty"));
    assert!(first("  \n").contains("the file is empty"));
    assert!(first("null").contains("the document is null"));
    assert!(
        first("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n")
            .contains("Swagger (OpenAPI 2.0)")
    );
    assert!(first("a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n").contains("aliases"));
    // A byte order mark is allowed.
    assert_eq!(
        lint("\u{feff}openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"),
        vec![]
    );
    for text in ["", "null", "swagger: '2.0'"] {
        assert!(
            lint(text)
                .iter()
                .all(|p| p.scope == sb_spec::Scope::Document)
        );
    }
    let dir = std::env::temp_dir().join(format!("sb-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("latin1.yaml");
    std::fs::write(&file, b"openapi: 3.0.3\ninfo: {title: caf\xe9}\n").unwrap();
    let problems = sb_spec::lint(&file);
    assert!(
        problems[0]
            .message
            .contains("not UTF-8: invalid byte 0xE9 at line 2, column 18"),
        "{}",
        problems[0]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn broken_relations() {
    assert_eq!(
        fixture_problems("bad-relations.yaml"),
        [
            "fixtures/bad-relations.yaml: /paths/~1deployments~1{deploymentId}~1logs/get/responses/200/links/deployment/x-poll/intervalMs: x-poll intervalMs must be milliseconds from 10 to 60000; give `{pointer: /status, until: [DONE, FAILED], success: [DONE], intervalMs: 500, timeoutMs: 30000}` (openapi/EXTENSIONS.md); fix the relation",
            "fixtures/bad-relations.yaml: /paths/~1deployments/post/responses/202/links/status/operationId: link `status` names operation `getDeploymnet`, which the spec does not have (known: createDeployment, getDeployment, getLogs); name an operationId and parameters the spec has",
            "fixtures/bad-relations.yaml: /paths/~1deployments/post/responses/202/links/again/parameters/deployment: link `again` sets parameter `deployment`, which getDeployment does not take (it takes: deploymentId); name an operationId and parameters the spec has",
            "fixtures/bad-relations.yaml: /paths/~1deployments/post/responses/202/links/again/x-expect/0: `$stream.content` needs a stream, but createDeployment does not stream events; name a value the operation's exchange has",
            "fixtures/bad-relations.yaml: /paths/~1deployments/post/responses/202/links/again/x-expect/1: `$request.path.deploymentId`: createDeployment takes no path parameter `deploymentId`; name a value the operation's exchange has",
        ]
    );
}
