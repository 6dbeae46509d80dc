//! OpenAPI 3.0 schema objects -> JSON Schema Draft 2020-12, and cached compiled validators.
//!
//! The translation, rule by rule:
//! - `$ref: '#/components/schemas/X'` -> `$ref: '#/$defs/X'`; every component schema is
//!   converted once into the root's `$defs`, so recursive schemas stay references and never
//!   loop. Any other local `$ref` (e.g. into a property) is inlined; a cycle of those is an
//!   error. As in OpenAPI 3.0, the siblings of a `$ref` are ignored, except `nullable`.
//! - `nullable: true` with a `type` (and no composition keyword) -> `type: [T, "null"]`, and
//!   `null` joins an `enum`; otherwise (a `$ref`, `allOf`, `oneOf`, ...) the schema becomes
//!   `anyOf: [<schema>, {type: "null"}]`.
//! - 3.0's boolean `exclusiveMinimum`/`exclusiveMaximum` become 2020-12's numeric form
//!   (`minimum: 0, exclusiveMinimum: true` -> `exclusiveMinimum: 0`).
//! - OpenAPI-only keywords are dropped: `example`, `discriminator`, `xml`, `externalDocs`,
//!   `deprecated`, `readOnly`, `writeOnly`, `nullable` and `x-*`.
//! - `format` is kept and asserted (date-time, uri, email, uuid, ...); formats JSON Schema
//!   does not define (int32, byte, ...) are ignored.
//! - A `discriminator` on a `oneOf`/`anyOf` of component `$ref`s is enforced too: the
//!   property is required, must be one of the mapped values (explicit `mapping`, plus the
//!   component name for variants not in it), and selects its variant with `if`/`then`, so
//!   errors name the variant's missing field rather than only "not valid under oneOf".

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde_json::{Map, Value, json};

use crate::{Spec, SpecError};

/// The `$schema` of every translated schema.
pub const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

const COMPONENT_PREFIX: &str = "#/components/schemas/";

/// Keywords OpenAPI adds to JSON Schema, dropped by the translation.
const OPENAPI_ONLY: [&str; 8] = [
    "example",
    "discriminator",
    "xml",
    "externalDocs",
    "deprecated",
    "readOnly",
    "writeOnly",
    "nullable",
];

/// Composition keywords: with one of these, `nullable` wraps the schema in `anyOf`.
const COMPOSITION: [&str; 5] = ["allOf", "anyOf", "oneOf", "not", "$ref"];

/// One violation of a schema by an instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer into the instance ("" for the root).
    pub instance_path: String,
    /// The validator's message: `"x" is not a "date-time"`.
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.instance_path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.instance_path, self.message)
        }
    }
}

/// The converted component schemas and the compiled validators of one spec. Cloning a spec
/// gives it empty caches.
#[derive(Default)]
pub(crate) struct SchemaCache {
    defs: OnceLock<Map<String, Value>>,
    /// The converted component schemas as one prepared resource ([`DEFS_URI`]): validators
    /// refer to it instead of carrying (and re-indexing) every component each, which made
    /// checking a large spec's examples grow with schemas x examples.
    registry: OnceLock<Result<jsonschema::Registry<'static>, String>>,
    validators: Mutex<HashMap<String, jsonschema::Validator>>,
}

/// Where validators find the component schemas (`DEFS_URI#/$defs/Name`).
const DEFS_URI: &str = "https://sb-spec.invalid/components";

impl Clone for SchemaCache {
    fn clone(&self) -> Self {
        SchemaCache::default()
    }
}

impl std::fmt::Debug for SchemaCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let validators = self.validators.lock().map(|v| v.len()).unwrap_or_default();
        f.debug_struct("SchemaCache")
            .field("defs", &self.defs.get().map(Map::len))
            .field("validators", &validators)
            .finish()
    }
}

impl Spec {
    /// A self-contained JSON Schema (Draft 2020-12, for `jsonschema`) of `schema` (a schema
    /// object or a `$ref`), holding every component schema under `$defs`.
    pub fn json_schema(&self, schema: &Value) -> Result<Value, SpecError> {
        let defs = self.component_defs()?;
        let converted = Converter::new(self).convert(schema, "(schema)")?;
        let mut root = match converted {
            Value::Object(map) => map,
            // `true`/`false` schemas.
            other => {
                let mut map = Map::new();
                map.insert("allOf".to_string(), Value::Array(vec![other]));
                map
            }
        };
        root.insert("$schema".to_string(), Value::String(DRAFT.to_string()));
        if !defs.is_empty() {
            root.insert("$defs".to_string(), Value::Object(defs.clone()));
        }
        Ok(Value::Object(root))
    }

    /// The compiled validator of `schema`, with formats (date-time, uri, ...) asserted.
    /// Validators are cached by the schema's JSON text, so calling this per body is cheap.
    pub fn validator(&self, schema: &Value) -> Result<jsonschema::Validator, SpecError> {
        let key = schema.to_string();
        if let Some(validator) = self.lock_validators().get(&key) {
            return Ok(validator.clone());
        }
        let registry = self.registry()?;
        let mut converter = Converter::new(self);
        converter.defs_uri = Some(DEFS_URI);
        let mut json_schema = match converter.convert(schema, "(schema)")? {
            Value::Object(map) => map,
            other => Map::from_iter([("allOf".to_string(), Value::Array(vec![other]))]),
        };
        json_schema.insert("$schema".to_string(), Value::String(DRAFT.to_string()));
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .with_registry(registry)
            .build(&Value::Object(json_schema))
            .map_err(|e| SpecError::Schema {
                file: self.file.clone(),
                schema: shorten(&key),
                message: e.to_string(),
            })?;
        self.lock_validators().insert(key, validator.clone());
        Ok(validator)
    }

    /// Every violation of `schema` by `instance`, in the validator's order (empty when valid).
    pub fn violations(
        &self,
        schema: &Value,
        instance: &Value,
    ) -> Result<Vec<Violation>, SpecError> {
        let validator = self.validator(schema)?;
        Ok(validator
            .iter_errors(instance)
            .map(|e| Violation {
                instance_path: e.instance_path().to_string(),
                message: e.to_string(),
            })
            .collect())
    }

    fn lock_validators(&self) -> std::sync::MutexGuard<'_, HashMap<String, jsonschema::Validator>> {
        // A panic elsewhere while holding the lock leaves the map intact.
        self.cache
            .validators
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The prepared registry holding every converted component schema (once per spec).
    fn registry(&self) -> Result<&jsonschema::Registry<'static>, SpecError> {
        if self.cache.registry.get().is_none() {
            let defs = self.component_defs()?.clone();
            let document = serde_json::json!({ "$schema": DRAFT, "$defs": defs });
            let registry = jsonschema::Registry::new()
                .draft(jsonschema::Draft::Draft202012)
                .add(DEFS_URI, document)
                .and_then(|builder| builder.prepare())
                .map_err(|e| e.to_string());
            let _ = self.cache.registry.set(registry);
        }
        match self.cache.registry.get() {
            Some(Ok(registry)) => Ok(registry),
            Some(Err(message)) => Err(SpecError::Schema {
                file: self.file.clone(),
                schema: "#/components/schemas".to_string(),
                message: message.clone(),
            }),
            None => unreachable!("set above"),
        }
    }

    /// Every component schema, converted (once per spec).
    fn component_defs(&self) -> Result<&Map<String, Value>, SpecError> {
        if let Some(defs) = self.cache.defs.get() {
            return Ok(defs);
        }
        let mut defs = Map::new();
        if let Some(schemas) = self.doc.pointer("/components/schemas") {
            let schemas = schemas.as_object().ok_or_else(|| {
                self.invalid(
                    "/components/schemas",
                    "components.schemas is not a mapping of names to schemas",
                )
            })?;
            for (name, schema) in schemas {
                let at = format!("/components/schemas/{}", crate::escape_pointer(name));
                defs.insert(name.clone(), Converter::new(self).convert(schema, &at)?);
            }
        }
        Ok(self.cache.defs.get_or_init(|| defs))
    }
}

/// Converts one schema tree; `inlining` holds the non-component `$ref`s being expanded, to
/// stop cycles.
struct Converter<'a> {
    spec: &'a Spec,
    inlining: Vec<String>,
    /// Component `$ref`s point into this resource instead of the local `#/$defs`.
    defs_uri: Option<&'static str>,
}

impl<'a> Converter<'a> {
    fn new(spec: &'a Spec) -> Self {
        Converter {
            spec,
            inlining: Vec::new(),
            defs_uri: None,
        }
    }

    fn convert(&mut self, schema: &Value, at: &str) -> Result<Value, SpecError> {
        let map = match schema {
            Value::Object(map) => map,
            Value::Bool(_) => return Ok(schema.clone()),
            other => {
                return Err(self.spec.invalid(
                    at,
                    format!("schema is {other}, not a mapping; write a schema object"),
                ));
            }
        };
        let nullable = map.get("nullable").and_then(Value::as_bool) == Some(true);
        let converted = if let Some(reference) = map.get("$ref") {
            let reference = reference
                .as_str()
                .ok_or_else(|| self.spec.invalid(at, "$ref is not a string"))?;
            self.reference(reference, at)?
        } else {
            self.object(map, at)?
        };
        if !nullable {
            return Ok(converted);
        }
        let has_type = converted.get("type").is_some_and(Value::is_string);
        let composed = COMPOSITION.iter().any(|k| converted.get(*k).is_some());
        match converted {
            Value::Object(mut out) if has_type && !composed => {
                let ty = out.remove("type").unwrap_or_default();
                out.insert("type".to_string(), json!([ty, "null"]));
                if let Some(Value::Array(values)) = out.get_mut("enum")
                    && !values.contains(&Value::Null)
                {
                    values.push(Value::Null);
                }
                Ok(Value::Object(out))
            }
            other => Ok(json!({ "anyOf": [other, { "type": "null" }] })),
        }
    }

    fn reference(&mut self, reference: &str, at: &str) -> Result<Value, SpecError> {
        let dangling = || SpecError::DanglingRef {
            file: self.spec.file.clone(),
            pointer: at.to_string(),
            reference: reference.to_string(),
        };
        let target = self.spec.lookup_ref(reference).ok_or_else(dangling)?;
        if let Some(name) = reference.strip_prefix(COMPONENT_PREFIX)
            && !name.contains('/')
        {
            let base = self.defs_uri.unwrap_or_default();
            return Ok(json!({ "$ref": format!("{base}#/$defs/{name}") }));
        }
        if self.inlining.iter().any(|r| r == reference) {
            return Err(self.spec.invalid(
                at,
                format!("$ref `{reference}` refers to itself through schemas outside components.schemas; move the schema under components/schemas"),
            ));
        }
        self.inlining.push(reference.to_string());
        let converted = self.convert(target, &reference[1..]);
        self.inlining.pop();
        converted
    }

    fn object(&mut self, map: &Map<String, Value>, at: &str) -> Result<Value, SpecError> {
        let mut out = Map::new();
        for (key, value) in map {
            if OPENAPI_ONLY.contains(&key.as_str()) || key.starts_with("x-") {
                continue;
            }
            let here = format!("{at}/{}", crate::escape_pointer(key));
            let converted = match key.as_str() {
                "properties" | "patternProperties" => {
                    let properties = value.as_object().ok_or_else(|| {
                        self.spec.invalid(&here, format!("{key} is not a mapping"))
                    })?;
                    let mut converted = Map::new();
                    for (name, schema) in properties {
                        let at = format!("{here}/{}", crate::escape_pointer(name));
                        converted.insert(name.clone(), self.convert(schema, &at)?);
                    }
                    Value::Object(converted)
                }
                "items" | "not" | "additionalProperties" => self.convert(value, &here)?,
                "allOf" | "anyOf" | "oneOf" => {
                    let schemas = value.as_array().ok_or_else(|| {
                        self.spec
                            .invalid(&here, format!("{key} is not a list of schemas"))
                    })?;
                    Value::Array(
                        schemas
                            .iter()
                            .enumerate()
                            .map(|(i, s)| self.convert(s, &format!("{here}/{i}")))
                            .collect::<Result<_, _>>()?,
                    )
                }
                "exclusiveMinimum" | "exclusiveMaximum" => {
                    let bound = if key == "exclusiveMinimum" {
                        "minimum"
                    } else {
                        "maximum"
                    };
                    match (value, map.get(bound)) {
                        (Value::Bool(true), Some(limit)) => limit.clone(),
                        // `false`, or `true` without a bound: nothing to assert.
                        (Value::Bool(_), _) => continue,
                        // Already numeric (not 3.0, but harmless).
                        (other, _) => other.clone(),
                    }
                }
                _ => value.clone(),
            };
            out.insert(key.clone(), converted);
        }
        // An exclusive bound replaces the inclusive one.
        for (exclusive, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if map.get(exclusive) == Some(&Value::Bool(true)) && map.contains_key(bound) {
                out.remove(bound);
            }
        }
        if let Some(discriminator) = map.get("discriminator") {
            self.discriminate(map, discriminator, &mut out, at)?;
        }
        Ok(Value::Object(out))
    }

    /// Adds the `discriminator`'s checks to `out` (see the module docs); leaves it alone when
    /// a variant is not a component `$ref`.
    fn discriminate(
        &mut self,
        map: &Map<String, Value>,
        discriminator: &Value,
        out: &mut Map<String, Value>,
        at: &str,
    ) -> Result<(), SpecError> {
        let Some(property) = discriminator.get("propertyName").and_then(Value::as_str) else {
            return Ok(());
        };
        let Some(variants) = map
            .get("oneOf")
            .or_else(|| map.get("anyOf"))
            .and_then(Value::as_array)
        else {
            return Ok(());
        };
        let mut refs = Vec::new();
        for variant in variants {
            match variant.get("$ref").and_then(Value::as_str) {
                Some(r) if r.starts_with(COMPONENT_PREFIX) => refs.push(r.to_string()),
                _ => return Ok(()),
            }
        }
        // (value, $ref) pairs: the explicit mapping first, then implicit component names.
        let mut mapping: Vec<(String, String)> = Vec::new();
        if let Some(explicit) = discriminator.get("mapping").and_then(Value::as_object) {
            for (value, target) in explicit {
                let Some(target) = target.as_str() else {
                    continue;
                };
                let target = if target.starts_with('#') {
                    target.to_string()
                } else {
                    format!("{COMPONENT_PREFIX}{target}")
                };
                mapping.push((value.clone(), target));
            }
        }
        for r in &refs {
            if !mapping.iter().any(|(_, target)| target == r) {
                let name = &r[COMPONENT_PREFIX.len()..];
                mapping.push((name.to_string(), r.clone()));
            }
        }
        let here = format!("{at}/discriminator");
        let mut checks = vec![json!({
            "required": [property],
            "properties": { property: { "enum": mapping.iter().map(|(v, _)| v.as_str()).collect::<Vec<_>>() } },
        })];
        for (value, target) in &mapping {
            checks.push(json!({
                "if": { "required": [property], "properties": { property: { "const": value } } },
                "then": self.reference(target, &here)?,
            }));
        }
        match out.get_mut("allOf") {
            Some(Value::Array(all)) => all.extend(checks),
            _ => {
                out.insert("allOf".to_string(), Value::Array(checks));
            }
        }
        Ok(())
    }
}

/// The first 120 characters of a schema's JSON, for messages.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(120) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_string(),
    }
}
