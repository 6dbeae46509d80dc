//! Property tests over the loader, the spec check, the planner and the emitter: generated
//! specs full of hostile sizes, patterns, names, media types and `$ref`s, and byte-level
//! mutations of the petstore fixture, must never make them panic, abort or run unbounded.
//! Each test prints how many inputs it tried.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use sb_codegen::{Options, Selection};
use sb_plan::plan::Check;
use sb_spec::Spec;
use serde_json::{Value, json};

static GENERATED: AtomicUsize = AtomicUsize::new(0);
static MUTATED: AtomicUsize = AtomicUsize::new(0);

/// Sizes a spec may state, from ordinary to absurd.
fn size() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(0)),
        Just(json!(3)),
        Just(json!(64)),
        Just(json!(4096)),
        Just(json!(4097)),
        Just(json!(2_147_483_647)),
        Just(json!(u64::MAX)),
        Just(json!(1e12)),
        Just(json!(-1)),
        Just(json!(1.5)),
        Just(json!("ten")),
    ]
}

fn pattern() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("^[a-z]{3}$".to_string()),
        Just("^(?!x)[a-z0-9-]+$".to_string()),
        Just(r"^(a)\1$".to_string()),
        Just("^a{100000}$".to_string()),
        Just("((a{0,300}){0,300}){0,300}".to_string()),
        Just("[".to_string()),
        Just("^\\p{Greek}+$".to_string()),
        Just("(?=".to_string()),
        "[a-z\\[\\]\\\\(){}*+?|^$.0-9]{0,12}",
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("getPet".to_string()),
        Just("tokio".to_string()),
        Just("sb_runtime".to_string()),
        Just("super".to_string()),
        Just("HARNESS".to_string()),
        Just("SPEC".to_string()),
        Just("OP".to_string()),
        Just("body".to_string()),
        Just("t".to_string()),
        Just("_".to_string()),
        Just("-".to_string()),
        Just(String::new()),
        Just("2fa".to_string()),
        Just("日本".to_string()),
        "[a-zA-Z_ -]{1,10}",
    ]
}

fn schema() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        (size(), size(), proptest::option::of(pattern())).prop_map(|(min, max, pattern)| {
            let mut s = json!({"type": "string", "minLength": min, "maxLength": max});
            if let Some(p) = pattern {
                s["pattern"] = json!(p);
            }
            s
        }),
        (size(), size())
            .prop_map(|(min, max)| json!({"type": "integer", "minimum": min, "maximum": max})),
        Just(json!({"type": "number", "minimum": 1e308, "exclusiveMinimum": true})),
        Just(json!({"$ref": "#/components/schemas/A"})),
        Just(json!({"$ref": "#/components/schemas/Missing"})),
        Just(json!({"$ref": "#/components/schemas/Self"})),
        Just(json!({"type": "string", "format": "binary"})),
        Just(json!({"enum": []})),
        Just(json!(true)),
        Just(json!(7)),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            (inner.clone(), size(), size()).prop_map(|(items, min, max)| json!({"type": "array", "items": items, "minItems": min, "maxItems": max})),
            proptest::collection::vec((name(), inner.clone()), 0..4).prop_map(|props| {
                let required: Vec<&String> = props.iter().map(|(n, _)| n).collect();
                json!({"type": "object", "required": required, "properties": props.iter().cloned().collect::<serde_json::Map<_, _>>()})
            }),
            proptest::collection::vec(inner.clone(), 0..3).prop_map(|all| json!({"allOf": all})),
            proptest::collection::vec(inner, 0..3).prop_map(|one| json!({"oneOf": one})),
        ]
    })
}

fn media() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("application/json"),
        Just("*/*"),
        Just("application/merge-patch+json"),
        Just("application/x-www-form-urlencoded"),
        Just("multipart/form-data"),
        Just("text/plain"),
        Just("application/xml"),
    ]
}

fn operation() -> impl Strategy<Value = (String, String, Value)> {
    (
        prop_oneof![Just("/pets"), Just("/pets/{id}"), Just("/pets/{name}"), Just("/{a}/{b}"), Just("/x{")],
        prop_oneof![Just("get"), Just("post"), Just("put"), Just("options")],
        proptest::option::of(name()),
        proptest::option::of((media(), schema())),
        schema(),
        prop_oneof![Just("200"), Just("201"), Just("303"), Just("default"), Just("999"), Just("4XX")],
        prop_oneof![Just(json!(null)), Just(json!([])), Just(json!([{"bearer": []}])), Just(json!([{"missing": []}])), Just(json!("x"))],
    )
        .prop_map(|(path, method, id, body, param, status, security)| {
            let mut op = json!({
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": param}],
                "responses": {status: {"description": "r", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}},
            });
            if let Some(id) = id {
                op["operationId"] = json!(id);
            }
            if let Some((media, schema)) = body {
                op["requestBody"] = json!({"required": true, "content": {media: {"schema": schema}}});
            }
            if !security.is_null() {
                op["security"] = security;
            }
            (path.to_string(), method.to_string(), op)
        })
}

fn spec_text() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(operation(), 0..6),
        schema(),
        prop_oneof![Just("3.0.3"), Just("3.1.0"), Just("2.0")],
        any::<bool>(),
    )
        .prop_map(|(ops, a, version, json)| {
            let mut paths = serde_json::Map::new();
            for (path, method, op) in ops {
                let item = paths.entry(path).or_insert_with(|| json!({}));
                item[method] = op;
            }
            let doc = json!({
                "openapi": version,
                "info": {"title": "fuzz", "version": "1"},
                "paths": paths,
                "components": {
                    "schemas": {
                        "A": a,
                        "Self": {"type": "object", "required": ["next"], "properties": {"next": {"$ref": "#/components/schemas/Self"}}, "allOf": [{"$ref": "#/components/schemas/Self"}, {"$ref": "#/components/schemas/Self"}]},
                    },
                    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                },
            });
            if json {
                doc.to_string()
            } else {
                serde_yaml::to_string(&doc).unwrap_or_default()
            }
        })
}

/// Everything `gen` and `lint` do with a spec text; `Err`s are fine, panics are not.
/// Returns how many operations the model read.
fn exercise(file: &str, text: &str) -> usize {
    let file = Path::new(file);
    let _ = sb_spec::lint_str(file, text);
    let Ok(spec) = Spec::from_str(file, text) else {
        return 0;
    };
    let mut read = 0;
    let _ = sb_spec::operation_problems(&spec);
    if let Ok((operations, _)) = spec.operations_lenient() {
        read = operations.len();
        for op in &operations {
            for param in &op.parameters {
                if let Some(value) = sb_plan::examples::param_example(&spec, param) {
                    assert!(value.to_string().len() < 1 << 20, "{} {value}", op.id);
                }
            }
            if let Some(body) = &op.request_body
                && let Some(value) = sb_plan::examples::body_example(&spec, body)
            {
                let _ = sb_plan::encode::encode(&spec, body, &value);
            }
            for check in [
                Check::ErrorOutOfRange,
                Check::ErrorMissingRequired,
                Check::ErrorWrongType,
                Check::ErrorBadEnum,
            ] {
                for m in sb_plan::negative::body_mutations(&spec, op, check) {
                    assert!(
                        m.body.to_string().len() < 1 << 20,
                        "{}: {}",
                        op.id,
                        m.description
                    );
                }
            }
            let _ = sb_plan::negative::unknown_id(&spec, op);
            let _ = sb_codegen::checks_for(&spec, op, false);
        }
    }
    let options = Options {
        spec_label: file.display().to_string(),
        include_path: "spec.yaml".to_string(),
        command: "cargo xtask gen".to_string(),
        typed: None,
        select: Selection::All,
    };
    if let Ok(generated) = sb_codegen::generate(&spec, &options) {
        syn::parse_file(&generated.source).expect("generated code parses");
    }
    read
}

/// Cases per property test in `cargo test` (about a second each on a 2-core machine);
/// `SB_FUZZ_CASES` runs more, for a longer campaign (CI runs 4096: `.ci/run`).
const CASES: u32 = 256;

fn runner() -> proptest::test_runner::TestRunner {
    let cases = std::env::var("SB_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(CASES);
    proptest::test_runner::TestRunner::new(ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    })
}

#[test]
fn generated_specs_never_panic() {
    let files = prop_oneof![Just("-api.yaml"), Just("x.json"), Just("tokio.yaml")];
    let operations = AtomicUsize::new(0);
    runner()
        .run(&(spec_text(), files), |(text, file)| {
            GENERATED.fetch_add(1, Ordering::Relaxed);
            operations.fetch_add(exercise(file, &text), Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
    let (tried, operations) = (GENERATED.load(Ordering::Relaxed), operations.into_inner());
    eprintln!("fuzz: {tried} generated specs ({operations} operations read), 0 panics");
    assert!(operations > 0, "the generator makes operations");
}

#[test]
fn mutated_petstore_never_panics() {
    let edits =
        proptest::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<u8>()), 1..8);
    runner()
        .run(&edits, |edits| {
            MUTATED.fetch_add(1, Ordering::Relaxed);
            let mut bytes = include_bytes!("fixtures/petstore.yaml").to_vec();
            for (at, kind, byte) in edits {
                if bytes.is_empty() {
                    break;
                }
                let i = at.index(bytes.len());
                match kind {
                    0 => bytes.truncate(i),
                    1 => bytes.insert(i, byte),
                    2 => {
                        bytes.remove(i);
                    }
                    _ => bytes[i] = byte,
                }
            }
            exercise("petstore.yaml", &String::from_utf8_lossy(&bytes));
            Ok(())
        })
        .unwrap();
    eprintln!(
        "fuzz: {} mutated petstore specs, 0 panics",
        MUTATED.load(Ordering::Relaxed)
    );
}

/// The inputs the issue names, each on its own.
#[test]
fn the_named_broken_inputs_are_handled() {
    for text in [
        "",
        "null",
        "\u{feff}openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n",
        "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
    ] {
        exercise("-api.yaml", text);
    }
}
