//! A small spec exercising every rule, and helpers to diff it against edited copies.

use std::path::Path;

use sb_diff::{Area, Change, Severity};
use sb_spec::Spec;
use serde_json::Value;

/// The base fixture: a request body, a response, a shared enum, constraints, a header, an
/// event stream with a discriminated `oneOf`, and bearer security.
pub const BASE: &str = r##"
openapi: 3.0.3
info: {title: Fixture API, version: 1.0.0}
security: [{bearerAuth: []}]
paths:
  /items/{itemId}:
    get:
      operationId: getItem
      parameters:
        - {name: itemId, in: path, required: true, schema: {type: string}}
        - {name: verbose, in: query, required: false, schema: {type: boolean}}
        - {name: X-Trace, in: header, required: true, schema: {type: string}}
      responses:
        '200':
          description: the item
          headers:
            X-Request-Id: {required: true, schema: {type: string}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Item'}
        '404': {description: no such item}
    put:
      operationId: putItem
      parameters:
        - {name: itemId, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ItemInput'}
      responses:
        '200':
          description: the item
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Item'}
  /items/{itemId}/events:
    post:
      operationId: streamItem
      responses:
        '200':
          description: the events
          content:
            text/event-stream:
              schema: {$ref: '#/components/schemas/Event'}
components:
  securitySchemes:
    bearerAuth: {type: http, scheme: bearer}
  schemas:
    Item:
      type: object
      required: [id, name, status]
      properties:
        id: {type: string}
        name: {type: string}
        status: {type: string, enum: [draft, live]}
        score: {type: number, minimum: 0, maximum: 10}
        tags: {type: array, items: {type: string}}
        createdAt: {type: string, format: date-time}
        parent: {$ref: '#/components/schemas/Item'}
    ItemInput:
      type: object
      required: [name]
      properties:
        name: {type: string, minLength: 1, maxLength: 100, pattern: '^[a-z]+$'}
        count: {type: integer, minimum: 1, maximum: 8, default: 4}
        ratio: {type: number, minimum: 0, maximum: 1}
        colors: {type: array, minItems: 1, maxItems: 5, items: {type: string}}
        mode: {type: string, enum: [fast, slow]}
        link: {type: string}
    Event:
      oneOf:
        - $ref: '#/components/schemas/Progress'
        - $ref: '#/components/schemas/Done'
      discriminator:
        propertyName: type
        mapping:
          progress: '#/components/schemas/Progress'
          done: '#/components/schemas/Done'
    Progress:
      type: object
      required: [type, percent]
      properties:
        type: {type: string, enum: [progress]}
        percent: {type: integer}
    Done:
      type: object
      required: [type, result]
      properties:
        type: {type: string, enum: [done]}
        result: {type: string}
"##;

/// Parses YAML or JSON text as a spec named `fixture`.
pub fn spec_of(text: &str) -> Spec {
    Spec::from_str(Path::new("fixture-api.yaml"), text).expect("fixture parses")
}

/// The base fixture as JSON.
pub fn base() -> Value {
    spec_of(BASE).doc
}

/// Diffs two documents.
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let old = spec_of(&old.to_string());
    let new = spec_of(&new.to_string());
    sb_diff::diff_specs(Some(&old), Some(&new)).expect("fixtures resolve")
}

/// The value at `pointer`, for editing.
pub fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("fixture has no {pointer}"))
}

/// Removes the key at `pointer` from its parent object or array.
pub fn remove(doc: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer with a parent");
    let key = key.replace("~1", "/").replace("~0", "~");
    match at(doc, parent) {
        Value::Object(map) => {
            map.remove(&key)
                .unwrap_or_else(|| panic!("fixture has no {pointer}"));
        }
        Value::Array(list) => {
            list.remove(key.parse::<usize>().expect("an array index"));
        }
        _ => panic!("{parent} is not a container"),
    }
}

/// Applies `edit` to the base fixture and diffs both ways: (base -> edited, edited -> base).
pub fn both(edit: impl FnOnce(&mut Value)) -> (Vec<Change>, Vec<Change>) {
    let old = base();
    let mut new = old.clone();
    edit(&mut new);
    (diff(&old, &new), diff(&new, &old))
}

fn describe(changes: &[Change]) -> String {
    changes
        .iter()
        .map(|c| {
            format!(
                "  {:?} {:?} {} {}",
                c.severity, c.area, c.pointer, c.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Asserts a change with this severity, area and pointer exists, and returns it.
#[track_caller]
pub fn expect<'a>(
    changes: &'a [Change],
    severity: Severity,
    area: Area,
    pointer: &str,
) -> &'a Change {
    changes
        .iter()
        .find(|c| c.severity == severity && c.area == area && c.pointer == pointer)
        .unwrap_or_else(|| {
            panic!(
                "expected {severity:?} {area:?} at {pointer}, got:\n{}",
                describe(changes)
            )
        })
}

/// Asserts nothing is breaking (the compatible direction of a rule).
#[track_caller]
pub fn not_breaking(changes: &[Change]) {
    assert!(
        !changes.iter().any(|c| c.severity == Severity::Breaking),
        "expected no breaking change, got:\n{}",
        describe(changes)
    );
    assert!(!changes.is_empty(), "expected the change to be reported");
}

/// Asserts the worst change is exactly `severity`.
#[track_caller]
pub fn worst(changes: &[Change], severity: Severity) {
    let found = changes.iter().map(|c| c.severity).max();
    assert_eq!(found, Some(severity), "changes:\n{}", describe(changes));
}
