//! Generated inputs (issue 16): for an operation with a JSON request body, a seeded, bounded
//! set of valid bodies its examples do not show (positives: each documented bound, each enum
//! value, optional fields left out and filled in, non-ASCII and emoji text, values drawn
//! from a `pattern`, the empty and the maximal array, an extra field where the schema allows
//! one) and of bodies that break one documented constraint each (negatives: `pattern`,
//! `format`, `minimum`/`maximum`, `minLength`/`maxLength`, `minItems`/`maxItems`, `enum`,
//! `type`, `additionalProperties: false`, a required field missing, an empty body). Path and
//! query parameters get the same negatives (their `type` aside: in a URL every value is
//! text), and as positives their enum values, booleans and number bounds (a path parameter:
//! its enum values alone, since another value may name nothing). Ids (`siteId`, `logoId`)
//! keep their example values in positives.
//!
//! Every case is the example request with one field or parameter changed or left out, so
//! a failing case is already its own minimal reproduction: nothing else differs from a body
//! the contract accepts. The spec's validator is the oracle. A positive is kept only when
//! the whole body validates. A negative is kept only when its value is invalid against the
//! field's schema but valid once the one keyword it breaks is removed (so it breaks that
//! constraint and no other), the body holding it is invalid, and the same body with a valid
//! value in its place validates.
//!
//! The values drawn at random (a number in range, a string's length and characters, samples
//! of a `pattern` through `rand_regex`, which cases fit the budget) come from a `StdRng`
//! seeded with the seed and the operation id: the same seed and build give the same cases.
//! Every size is bounded before it drives a loop or an allocation: strings by
//! [`MAX_LEN`], arrays by [`MAX_ITEMS`], the fields walked by [`MAX_FIELDS`] at most
//! [`FIELD_DEPTH`] deep, enum values by [`MAX_ENUM_VALUES`], a set by its budget (at most
//! [`MAX_CASES`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sb_spec::{Operation, Spec};
use serde_json::{Map, Value, json};

use crate::examples::{self, MAX_ITEMS, MAX_LEN};
use crate::negative;

/// The default seed and budget, and the largest budget (the options live in `sb-report`).
pub use sb_report::options::{DEFAULT_CASES, DEFAULT_SEED, MAX_CASES};
/// The most fields of one body the generator walks.
pub const MAX_FIELDS: usize = 128;
/// How deep into nested objects and arrays the generator walks.
pub const FIELD_DEPTH: usize = 4;
/// The most values of one enum tried as positives.
pub const MAX_ENUM_VALUES: usize = 16;
/// Samples drawn from a `pattern` as positives.
const PATTERN_SAMPLES: u64 = 2;
/// The extra property added where `additionalProperties` allows one.
pub const EXTRA_FIELD: &str = "contractProbeExtra";

/// The seed and the budget of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseOptions {
    /// Seeds every random choice.
    pub seed: u64,
    /// The most cases per operation, for positives and negatives each (clamped to
    /// `1..=MAX_CASES`).
    pub budget: usize,
}

impl From<&crate::TargetOptions> for CaseOptions {
    /// The seed and budget a run's options give.
    fn from(options: &crate::TargetOptions) -> Self {
        CaseOptions {
            seed: options.seed,
            budget: options.cases,
        }
    }
}

impl Default for CaseOptions {
    fn default() -> Self {
        CaseOptions {
            seed: DEFAULT_SEED,
            budget: DEFAULT_CASES,
        }
    }
}

/// What a case sends as its body.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    /// The example body (or none when the operation takes none): the case changes a
    /// parameter.
    Example,
    /// A JSON value.
    Json(Value),
    /// No bytes at all (with the JSON Content-Type).
    Empty,
}

/// What kind of valid value a positive case shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Variant {
    /// A number, length or item count at a documented bound.
    Bound,
    /// One documented enum value.
    EnumValue,
    /// `true` or `false`.
    Boolean,
    /// An optional field left out.
    Omitted,
    /// An optional field the example leaves out, filled in.
    Present,
    /// Text outside ASCII.
    NonAscii,
    /// Text with emoji (characters outside the Basic Multilingual Plane).
    Emoji,
    /// A value drawn at random within the field's bounds.
    Random,
    /// A string drawn from the field's `pattern`.
    Pattern,
    /// A string of the field's `format`.
    Format,
    /// An array with no items.
    EmptyArray,
    /// An array with `maxItems` items.
    MaximalArray,
    /// An unknown field where `additionalProperties` allows it.
    ExtraField,
}

/// The documented constraint a negative case breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Constraint {
    Pattern,
    Format,
    Minimum,
    Maximum,
    MinLength,
    MaxLength,
    MinItems,
    MaxItems,
    Enum,
    Type,
    AdditionalProperties,
    Required,
    /// The body `{}` where fields are required.
    EmptyObject,
    /// No body where one is required.
    NoBody,
}

impl Constraint {
    /// The schema keyword it breaks (the JSON Schema spelling).
    pub fn keyword(self) -> &'static str {
        match self {
            Constraint::Pattern => "pattern",
            Constraint::Format => "format",
            Constraint::Minimum => "minimum",
            Constraint::Maximum => "maximum",
            Constraint::MinLength => "minLength",
            Constraint::MaxLength => "maxLength",
            Constraint::MinItems => "minItems",
            Constraint::MaxItems => "maxItems",
            Constraint::Enum => "enum",
            Constraint::Type => "type",
            Constraint::AdditionalProperties => "additionalProperties",
            Constraint::Required | Constraint::EmptyObject => "required",
            Constraint::NoBody => "requestBody.required",
        }
    }
}

/// One generated input.
#[derive(Debug, Clone, PartialEq)]
pub struct Case<K> {
    /// What it shows (a [`Variant`]) or breaks (a [`Constraint`]).
    pub kind: K,
    /// The field it changes: `brandAssets.primaryColor`, `colors[0]`, `body` for the whole.
    pub field: String,
    /// What it is, for messages: the field and the value.
    pub description: String,
    /// The body to send.
    pub body: Payload,
    /// The path or query parameter the case sets instead of its example, if any.
    pub param: Option<ParamValue>,
}

/// A parameter value a case sends in place of the example's.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamValue {
    /// `Path` or `Query`.
    pub location: sb_spec::Location,
    pub name: String,
    /// The value as it goes into the URL (before percent-encoding).
    pub value: String,
}

impl<K> fmt::Display for Case<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.description)
    }
}

/// The cases of one operation, within the budget.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CaseSet {
    /// Valid bodies: each must get a documented success.
    pub positives: Vec<Case<Variant>>,
    /// Invalid bodies: each must get a documented 4xx (or a stream's single error event).
    pub negatives: Vec<Case<Constraint>>,
    /// How many positives there were before the budget.
    pub all_positives: usize,
    /// How many negatives there were before the budget.
    pub all_negatives: usize,
}

/// The cases of `op` for `options`: empty when it has no JSON request body (or no example
/// can be made for it).
pub fn cases(spec: &Spec, op: &Operation, options: CaseOptions) -> CaseSet {
    let Some(mut generator) = Generator::new(spec, op, options.seed) else {
        return CaseSet::default();
    };
    let (positives, negatives) = generator.all();
    let budget = options.budget.clamp(1, MAX_CASES);
    let (all_positives, all_negatives) = (positives.len(), negatives.len());
    CaseSet {
        positives: select(positives, budget, &mut generator.rng),
        negatives: select(negatives, budget, &mut generator.rng),
        all_positives,
        all_negatives,
    }
}

/// Keeps `budget` cases: every kind is represented before any kind gets a second case,
/// and which cases of a kind come first is drawn from `rng`. The kept cases stay in their
/// generated order.
fn select<K: Ord + Copy>(cases: Vec<Case<K>>, budget: usize, rng: &mut StdRng) -> Vec<Case<K>> {
    if cases.len() <= budget {
        return cases;
    }
    let mut by_kind: BTreeMap<K, Vec<usize>> = BTreeMap::new();
    for (index, case) in cases.iter().enumerate() {
        by_kind.entry(case.kind).or_default().push(index);
    }
    for indices in by_kind.values_mut() {
        indices.shuffle(rng);
        indices.reverse(); // popped from the end below
    }
    let mut kept = BTreeSet::new();
    while kept.len() < budget {
        for indices in by_kind.values_mut() {
            if kept.len() < budget
                && let Some(index) = indices.pop()
            {
                kept.insert(index);
            }
        }
    }
    cases
        .into_iter()
        .enumerate()
        .filter(|(index, _)| kept.contains(index))
        .map(|(_, case)| case)
        .collect()
}

/// One step of a path into a body.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// A field of the body's schema.
#[derive(Debug, Clone)]
struct Field {
    path: Vec<Step>,
    /// The field's schema, resolved (objects with their `allOf` merged).
    schema: Map<String, Value>,
    /// Whether its parent object requires it (items and the body itself count as required).
    required: bool,
}

impl Field {
    fn name(&self) -> String {
        name(&self.path)
    }

    /// Ids name resources: a changed id would name nothing, which is not a valid input.
    fn is_id(&self) -> bool {
        self.path.iter().rev().find_map(|s| match s {
            Step::Key(k) => Some(k.ends_with("Id") || k == "id"),
            Step::Index(_) => None,
        }) == Some(true)
    }

    fn ty(&self) -> Option<&str> {
        self.schema.get("type").and_then(Value::as_str)
    }

    fn count(&self, key: &str) -> Option<u64> {
        self.schema.get(key).and_then(Value::as_u64)
    }

    fn number(&self, key: &str) -> Option<f64> {
        self.schema
            .get(key)
            .and_then(Value::as_f64)
            .filter(|n| n.is_finite())
    }

    fn exclusive(&self, key: &str) -> bool {
        self.schema.get(key).and_then(Value::as_bool) == Some(true)
    }
}

fn name(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) if out.is_empty() => out.push_str(key),
            Step::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    if out.is_empty() { "body".into() } else { out }
}

struct Generator<'a> {
    spec: &'a Spec,
    /// The path and query parameters that are not the tenant's, as fields, with their
    /// examples.
    params: Vec<(sb_spec::Location, Field, Option<Value>)>,
    example: Value,
    body_schema: Value,
    body_required: bool,
    fields: Vec<Field>,
    rng: StdRng,
}

impl<'a> Generator<'a> {
    fn new(spec: &'a Spec, op: &Operation, seed: u64) -> Option<Generator<'a>> {
        let params: Vec<(sb_spec::Location, Field, Option<Value>)> = op
            .parameters
            .iter()
            .filter(|p| {
                matches!(
                    p.location,
                    sb_spec::Location::Path | sb_spec::Location::Query
                ) && !op.is_tenant_param(p)
            })
            .take(MAX_FIELDS)
            .filter_map(|p| {
                let schema = spec.resolve(&p.schema, "").ok()?.as_object()?.clone();
                let field = Field {
                    path: vec![Step::Key(p.name.clone())],
                    schema,
                    required: p.required,
                };
                Some((p.location, field, examples::param_example(spec, p)))
            })
            .collect();
        // The body's fields when it is JSON with an example; else none, and every body
        // counts as valid (only parameters vary).
        let json_body = op
            .request_body
            .as_ref()
            .filter(|b| b.encoding() == sb_spec::BodyEncoding::Json)
            .and_then(|b| Some((b, examples::body_example(spec, b)?)))
            .filter(|(b, _)| spec.validator(&b.schema).is_ok());
        if json_body.is_none() && params.is_empty() {
            return None;
        }
        let mut fields = Vec::new();
        let (example, body_schema, body_required) = match json_body {
            Some((body, example)) => {
                walk(spec, &body.schema, Vec::new(), true, 0, &mut fields);
                (example, body.schema.clone(), body.required)
            }
            None => (Value::Null, json!({}), false),
        };
        let per_op = op.id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        Some(Generator {
            spec,
            params,
            example,
            body_schema,
            body_required,
            fields,
            rng: StdRng::seed_from_u64(seed ^ per_op),
        })
    }

    /// A validator of `field` without `constraint` (and, for a bound, its exclusive twin),
    /// so a candidate can be shown to break that constraint and nothing else; `None` when
    /// the field does not state it.
    fn without(&self, field: &Field, constraint: Constraint) -> Option<sb_spec::Validator> {
        field.schema.get(constraint.keyword())?;
        let mut without = field.schema.clone();
        without.remove(constraint.keyword());
        match constraint {
            Constraint::Minimum => without.remove("exclusiveMinimum"),
            Constraint::Maximum => without.remove("exclusiveMaximum"),
            _ => None,
        };
        self.spec.validator(&Value::Object(without)).ok()
    }

    fn body_valid(&self, body: &Value) -> bool {
        self.spec
            .validator(&self.body_schema)
            .is_ok_and(|v| v.is_valid(body))
    }

    fn all(&mut self) -> (Vec<Case<Variant>>, Vec<Case<Constraint>>) {
        let mut positives = Vec::new();
        let mut negatives = Vec::new();
        let mut seen = BTreeSet::from([self.example.to_string()]);
        for field in self.fields.clone() {
            for (kind, what, body) in self.positives_of(&field) {
                if self.body_valid(&body) && seen.insert(body.to_string()) {
                    positives.push(Case {
                        kind,
                        field: field.name(),
                        description: format!("`{}` {what}", field.name()),
                        body: Payload::Json(body),
                        param: None,
                    });
                }
            }
            for (kind, name, what, body) in self.negatives_of(&field) {
                if seen.insert(body.to_string()) {
                    negatives.push(Case {
                        kind,
                        field: name,
                        description: what,
                        body: Payload::Json(body),
                        param: None,
                    });
                }
            }
        }
        let has_required = self.fields.first().is_some_and(|root| {
            root.path.is_empty()
                && root
                    .schema
                    .get("required")
                    .and_then(Value::as_array)
                    .is_some_and(|r| !r.is_empty())
        });
        if has_required && !self.body_valid(&json!({})) {
            negatives.push(Case {
                kind: Constraint::EmptyObject,
                field: "body".into(),
                description: "an empty JSON object `{}` (fields are required)".into(),
                body: Payload::Json(json!({})),
                param: None,
            });
        }
        if self.body_required {
            negatives.push(Case {
                kind: Constraint::NoBody,
                field: "body".into(),
                description: "no body at all (the request body is required)".into(),
                body: Payload::Empty,
                param: None,
            });
        }
        self.param_cases(&mut positives, &mut negatives);
        (positives, negatives)
    }

    /// The cases of the path and query parameters: each enum value, boolean and number
    /// bound of a parameter (a path parameter: its enum values alone), and each constraint of every parameter broken alone, with the
    /// example body.
    fn param_cases(
        &mut self,
        positives: &mut Vec<Case<Variant>>,
        negatives: &mut Vec<Case<Constraint>>,
    ) {
        let text = |value: &Value| match value {
            Value::String(s) => Some(s.clone()),
            Value::Number(_) | Value::Bool(_) => Some(value.to_string()),
            _ => None,
        };
        for (location, field, example) in self.params.clone() {
            let name = field.name();
            let label = match location {
                sb_spec::Location::Path => format!("path parameter `{name}`"),
                _ => format!("query parameter `{name}`"),
            };
            let schema = Value::Object(field.schema.clone());
            let param = |value: String| {
                Some(ParamValue {
                    location,
                    name: name.clone(),
                    value,
                })
            };
            let mut seen: BTreeSet<String> = example.iter().filter_map(text).collect();
            let numeric = matches!(field.ty(), Some("integer" | "number"));
            // A path parameter names a resource: only its enum values are surely valid
            // (any other value may name nothing). A query string may be a token or a
            // cursor: only its enum values, booleans and numbers are varied.
            let worth = |kind: Variant| match (location, kind) {
                (_, Variant::EnumValue) => true,
                (sb_spec::Location::Path, _) => false,
                (_, Variant::Boolean) => true,
                (_, Variant::Bound | Variant::Random) => numeric,
                _ => false,
            };
            if !field.is_id() {
                for (kind, what, value) in self.valid_values(&field) {
                    if !worth(kind) {
                        continue;
                    }
                    let Some(value) = text(&value) else { continue };
                    if seen.insert(value.clone()) {
                        positives.push(Case {
                            kind,
                            field: name.clone(),
                            description: format!("{label} {what}"),
                            body: Payload::Example,
                            param: param(value),
                        });
                    }
                }
            }
            let Some(valid) = example else { continue };
            let Ok(validator) = self.spec.validator(&schema) else {
                continue;
            };
            for constraint in [
                Constraint::Pattern,
                Constraint::Format,
                Constraint::Minimum,
                Constraint::Maximum,
                Constraint::MinLength,
                Constraint::MaxLength,
                Constraint::Enum,
            ] {
                let Some(loose) = self.without(&field, constraint) else {
                    continue;
                };
                let found = self
                    .breaking(&field, constraint, &valid)
                    .into_iter()
                    .filter(|c| !validator.is_valid(c) && loose.is_valid(c))
                    .filter_map(|c| text(&c))
                    // An empty path segment would name another route.
                    .find(|t| !(t.is_empty() && location == sb_spec::Location::Path));
                if let Some(value) = found
                    && seen.insert(value.clone())
                {
                    negatives.push(Case {
                        kind: constraint,
                        field: name.clone(),
                        description: format!(
                            "{label} = {value:?} breaks its {} {}",
                            constraint.keyword(),
                            field.schema[constraint.keyword()]
                        ),
                        body: Payload::Example,
                        param: param(value),
                    });
                }
            }
        }
    }

    /// `(variant, what, body)` for each valid value of `field` worth sending.
    fn positives_of(&mut self, field: &Field) -> Vec<(Variant, String, Value)> {
        let mut out = Vec::new();
        let path = &field.path;
        let present = get(&self.example, path).is_some();
        let is_item = matches!(path.last(), Some(Step::Index(_)));
        if !path.is_empty() && !field.required && !is_item {
            if present {
                if let Some(body) = remove(&self.example, path) {
                    out.push((Variant::Omitted, "left out (it is optional)".into(), body));
                }
            } else if !field.is_id()
                && let Some(value) =
                    examples::synthesize(self.spec, &Value::Object(field.schema.clone()), 0)
                && let Some(body) = set(&self.example, path, value.clone())
            {
                out.push((
                    Variant::Present,
                    format!("= {} (optional, absent from the example)", short(&value)),
                    body,
                ));
            }
        }
        if field.schema.get("properties").is_some() || field.ty() == Some("object") {
            // The object itself: an unknown field where the schema allows one.
            if field.schema.get("additionalProperties") != Some(&Value::Bool(false))
                && get(&self.example, path).is_some_and(Value::is_object)
            {
                let mut extra = path.clone();
                extra.push(Step::Key(EXTRA_FIELD.into()));
                if let Some(body) = set(
                    &self.example,
                    &extra,
                    json!("an extra field the schema allows"),
                ) {
                    out.push((
                        Variant::ExtraField,
                        format!("with an extra field `{EXTRA_FIELD}` the schema allows"),
                        body,
                    ));
                }
            }
            return out;
        }
        if field.is_id() {
            return out;
        }
        for (variant, what, value) in self.valid_values(field) {
            if let Some(body) = set(&self.example, path, value) {
                out.push((variant, what, body));
            }
        }
        out
    }

    /// Valid values of a leaf or array field: `(variant, what, value)`.
    fn valid_values(&mut self, field: &Field) -> Vec<(Variant, String, Value)> {
        let mut out: Vec<(Variant, String, Value)> = Vec::new();
        if let Some(values) = field.schema.get("enum").and_then(Value::as_array) {
            for value in values.iter().take(MAX_ENUM_VALUES) {
                out.push((
                    Variant::EnumValue,
                    format!("= {value}, a documented value"),
                    value.clone(),
                ));
            }
            return out;
        }
        match field.ty() {
            Some("boolean") => {
                for value in [true, false] {
                    out.push((Variant::Boolean, format!("= {value}"), json!(value)));
                }
            }
            Some("integer") => {
                let low = field.number("minimum").map(|m| {
                    if field.exclusive("exclusiveMinimum") {
                        m.floor() + 1.0
                    } else {
                        m.ceil()
                    }
                });
                let high = field.number("maximum").map(|m| {
                    if field.exclusive("exclusiveMaximum") {
                        m.ceil() - 1.0
                    } else {
                        m.floor()
                    }
                });
                for (key, bound) in [("minimum", low), ("maximum", high)] {
                    if let Some(bound) = bound {
                        // `as` saturates: a bound beyond i64 gives i64::MAX/MIN.
                        out.push((
                            Variant::Bound,
                            format!("= {} (its {key})", bound as i64),
                            json!(bound as i64),
                        ));
                    }
                }
                let low = low.unwrap_or_else(|| high.map_or(-1000.0, |h| h - 1000.0));
                let high = high.unwrap_or(low + 1000.0);
                if low <= high {
                    let (low, high) = (low as i64, high as i64);
                    let value = self.rng.gen_range(low..=high);
                    out.push((
                        Variant::Random,
                        format!("= {value} (drawn within its bounds)"),
                        json!(value),
                    ));
                }
            }
            Some("number") => {
                for (key, exclusive) in [
                    ("minimum", "exclusiveMinimum"),
                    ("maximum", "exclusiveMaximum"),
                ] {
                    if let Some(bound) = field.number(key).filter(|_| !field.exclusive(exclusive)) {
                        out.push((
                            Variant::Bound,
                            format!("= {bound} (its {key})"),
                            json!(bound),
                        ));
                    }
                }
                let low = field.number("minimum").unwrap_or(-1000.0);
                let high = field.number("maximum").unwrap_or(low + 1000.0);
                if low < high {
                    let value = low + self.rng.gen_range(0.0..1.0) * (high - low);
                    let value = (value * 1000.0).round() / 1000.0;
                    out.push((
                        Variant::Random,
                        format!("= {value} (drawn within its bounds)"),
                        json!(value),
                    ));
                }
            }
            Some("string") => self.strings(field, &mut out),
            Some("array") => self.arrays(field, &mut out),
            _ => {}
        }
        out
    }

    fn strings(&mut self, field: &Field, out: &mut Vec<(Variant, String, Value)>) {
        let schema = Value::Object(field.schema.clone());
        if let Some(pattern) = field.schema.get("pattern").and_then(Value::as_str) {
            for _ in 0..PATTERN_SAMPLES {
                let seed = self.rng.r#gen::<u64>();
                if let Some(value) = examples::pattern_sample(self.spec, &schema, pattern, seed) {
                    out.push((
                        Variant::Pattern,
                        format!("= {value:?}, drawn from its pattern"),
                        json!(value),
                    ));
                }
            }
            return;
        }
        if let Some(format) = field.schema.get("format").and_then(Value::as_str) {
            let mut plain = field.schema.clone();
            plain.remove("example");
            plain.remove("default");
            if let Some(value) = examples::synthesize(self.spec, &Value::Object(plain), 0) {
                out.push((Variant::Format, format!("= {value}, a `{format}`"), value));
            }
            return;
        }
        let min = field.count("minLength").unwrap_or(0);
        if min > MAX_LEN {
            return;
        }
        let max = field.count("maxLength").map(|m| m.min(MAX_LEN));
        out.push((
            Variant::Bound,
            format!("at its minLength {min}"),
            json!(fit("", 'x', min, max)),
        ));
        if let Some(max) = field
            .count("maxLength")
            .filter(|&m| m <= MAX_LEN && m > min)
        {
            out.push((
                Variant::Bound,
                format!("at its maxLength {max}"),
                json!(fit("", 'a', max, Some(max))),
            ));
        }
        let text = fit("Grüße, café, ñandú — 日本語のテキスト", 'ü', min, max);
        out.push((
            Variant::NonAscii,
            format!("= {text:?} (non-ASCII)"),
            json!(text),
        ));
        let text = fit("Launch 🚀 ✨ 👩‍💻 🎉", '🎉', min, max);
        out.push((Variant::Emoji, format!("= {text:?} (emoji)"), json!(text)));
        // Characters a shell, a URL or a JSON encoder must quote, at a length within bounds.
        const ALPHABET: &[char] = &[
            'a',
            'Z',
            '0',
            ' ',
            '\'',
            '"',
            '\\',
            '$',
            '`',
            '&',
            '<',
            '>',
            '%',
            '/',
            '?',
            '#',
            'é',
            '中',
            '\u{1F600}',
        ];
        let high = max.unwrap_or(min + 64).min(min + 64);
        if min <= high {
            let len = self.rng.gen_range(min..=high);
            let text: String = (0..len)
                .map(|_| *ALPHABET.choose(&mut self.rng).unwrap_or(&'a'))
                .collect();
            out.push((
                Variant::Random,
                format!("= {} (drawn, {len} characters)", short(&json!(text))),
                json!(text),
            ));
        }
    }

    fn arrays(&mut self, field: &Field, out: &mut Vec<(Variant, String, Value)>) {
        let min = field.count("minItems").unwrap_or(0);
        let Some(item) = self.item_of(field) else {
            return;
        };
        if min == 0 {
            out.push((Variant::EmptyArray, "= [] (no items)".into(), json!([])));
        } else if min <= MAX_ITEMS {
            out.push((
                Variant::Bound,
                format!("with {min} items (its minItems)"),
                self.items(field, &item, min),
            ));
        }
        if let Some(max) = field
            .count("maxItems")
            .filter(|&m| m <= MAX_ITEMS && m > min.max(1))
        {
            out.push((
                Variant::MaximalArray,
                format!("with {max} items (its maxItems)"),
                self.items(field, &item, max),
            ));
        }
    }

    /// A valid item for an array field: the example's first, else a synthesised one.
    fn item_of(&self, field: &Field) -> Option<Value> {
        get(&self.example, &field.path)
            .and_then(Value::as_array)
            .and_then(|a| a.first().cloned())
            .or_else(|| examples::synthesize(self.spec, field.schema.get("items")?, 1))
    }

    /// `n` items (at most [`MAX_ITEMS`]): drawn from the items' pattern when there is one
    /// (so `uniqueItems` holds), else copies of `item`.
    fn items(&mut self, field: &Field, item: &Value, n: u64) -> Value {
        let n = n.min(MAX_ITEMS) as usize;
        let items_schema = field
            .schema
            .get("items")
            .and_then(|s| self.spec.resolve(s, "").ok())
            .cloned();
        let pattern = items_schema
            .as_ref()
            .and_then(|s| s.get("pattern"))
            .and_then(Value::as_str)
            .map(String::from);
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            let drawn = match (&items_schema, &pattern) {
                (Some(schema), Some(pattern)) => {
                    let seed = self.rng.r#gen::<u64>();
                    examples::pattern_sample(self.spec, schema, pattern, seed).map(Value::String)
                }
                _ => None,
            };
            items.push(drawn.unwrap_or_else(|| item.clone()));
        }
        Value::Array(items)
    }

    /// `(constraint, field, what, body)`: the example with one value of `field` breaking one of
    /// its constraints, for each constraint that can be broken alone.
    fn negatives_of(&mut self, field: &Field) -> Vec<(Constraint, String, String, Value)> {
        let mut out = Vec::new();
        let path = &field.path;
        let is_object = field.schema.get("properties").is_some();
        if is_object {
            // Required fields of an object the example holds, each left out.
            if get(&self.example, path).is_some_and(Value::is_object) {
                for required in field
                    .schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let Some(required) = required.as_str() else {
                        continue;
                    };
                    let mut at = path.clone();
                    at.push(Step::Key(required.into()));
                    if let Some(body) = remove(&self.example, &at)
                        && !self.body_valid(&body)
                    {
                        out.push((
                            Constraint::Required,
                            name(&at),
                            format!("required field `{}` missing", name(&at)),
                            body,
                        ));
                    }
                }
                if field.schema.get("additionalProperties") == Some(&Value::Bool(false)) {
                    let mut at = path.clone();
                    at.push(Step::Key(EXTRA_FIELD.into()));
                    if let Some(body) = set(&self.example, &at, json!("not allowed"))
                        && !self.body_valid(&body)
                    {
                        out.push((
                            Constraint::AdditionalProperties,
                            field.name(),
                            format!(
                                "`{}` with a field `{EXTRA_FIELD}` its schema forbids",
                                field.name()
                            ),
                            body,
                        ));
                    }
                }
            }
            if path.is_empty() {
                return out;
            }
        }
        // The value the broken one stands in for: the example's, else a synthesised one.
        let schema = Value::Object(field.schema.clone());
        let Some(valid) = get(&self.example, path)
            .cloned()
            .or_else(|| examples::synthesize(self.spec, &schema, 0))
        else {
            return out;
        };
        if !set(&self.example, path, valid.clone()).is_some_and(|b| self.body_valid(&b)) {
            return out;
        }
        let Ok(validator) = self.spec.validator(&schema) else {
            return out;
        };
        for constraint in [
            Constraint::Pattern,
            Constraint::Format,
            Constraint::Minimum,
            Constraint::Maximum,
            Constraint::MinLength,
            Constraint::MaxLength,
            Constraint::MinItems,
            Constraint::MaxItems,
            Constraint::Enum,
            Constraint::Type,
        ] {
            let Some(loose) = self.without(field, constraint) else {
                continue;
            };
            let found = self
                .breaking(field, constraint, &valid)
                .into_iter()
                .find_map(|candidate| {
                    let body = set(&self.example, path, candidate.clone())?;
                    (!validator.is_valid(&candidate)
                        && loose.is_valid(&candidate)
                        && !self.body_valid(&body))
                    .then_some((candidate, body))
                });
            if let Some((candidate, body)) = found {
                let keyword = match constraint {
                    Constraint::Pattern
                    | Constraint::Format
                    | Constraint::Minimum
                    | Constraint::Maximum
                    | Constraint::MinLength
                    | Constraint::MaxLength
                    | Constraint::MinItems
                    | Constraint::MaxItems => {
                        format!(
                            "{} {}",
                            constraint.keyword(),
                            field.schema[constraint.keyword()]
                        )
                    }
                    _ => constraint.keyword().to_string(),
                };
                out.push((
                    constraint,
                    field.name(),
                    format!(
                        "`{}` = {} breaks its {keyword}",
                        field.name(),
                        short(&candidate)
                    ),
                    body,
                ));
            }
        }
        out
    }

    /// Candidate values breaking `constraint`, most like `valid` first (the oracle in
    /// [`Generator::negatives_of`] keeps the first that breaks it alone).
    fn breaking(&self, field: &Field, constraint: Constraint, valid: &Value) -> Vec<Value> {
        let text = valid.as_str().unwrap_or("");
        let integer = field.ty() == Some("integer");
        let step = if integer { 1.0 } else { 0.5 };
        let number = |x: f64| if integer { json!(x as i64) } else { json!(x) };
        match constraint {
            Constraint::Pattern => {
                // One character changed, from the end: `#0066CC` becomes `#0066C!`.
                let chars: Vec<char> = text.chars().collect();
                let mut out = Vec::new();
                for i in (0..chars.len()).rev().take(32) {
                    for c in ['!', 'G', 'g', 'z', 'Z', '0', ' ', '-', '_'] {
                        if chars[i] != c {
                            let mut changed = chars.clone();
                            changed[i] = c;
                            out.push(json!(changed.into_iter().collect::<String>()));
                        }
                    }
                }
                out.push(json!(format!("{text}!")));
                out.push(json!(format!("!{text}")));
                out.push(json!("does not match the pattern"));
                out
            }
            Constraint::Format => [
                "not a valid value",
                "yesterday",
                "not-a-uuid",
                "not an email",
                "999.999.1.1",
                "::zz::",
                "-not-a-host-",
            ]
            .into_iter()
            .map(|s| json!(s))
            .collect(),
            Constraint::Minimum => field
                .number("minimum")
                .map(|m| {
                    if field.exclusive("exclusiveMinimum") {
                        m
                    } else {
                        m - step
                    }
                })
                .map(number)
                .into_iter()
                .collect(),
            Constraint::Maximum => field
                .number("maximum")
                .map(|m| {
                    if field.exclusive("exclusiveMaximum") {
                        m
                    } else {
                        m + step
                    }
                })
                .map(number)
                .into_iter()
                .collect(),
            Constraint::MinLength => match field
                .count("minLength")
                .filter(|&m| m > 0 && m <= MAX_LEN + 1)
            {
                Some(min) => {
                    let n = (min - 1) as usize;
                    vec![
                        json!(text.chars().take(n).collect::<String>()),
                        json!("x".repeat(n)),
                    ]
                }
                None => Vec::new(),
            },
            Constraint::MaxLength => match field.count("maxLength").filter(|&m| m < MAX_LEN) {
                Some(max) => {
                    let n = max as usize + 1;
                    let last = text.chars().last().unwrap_or('x');
                    let mut longer: String = text.chars().take(n).collect();
                    while longer.chars().count() < n {
                        longer.push(last);
                    }
                    vec![json!(longer), json!("x".repeat(n))]
                }
                None => Vec::new(),
            },
            Constraint::MinItems => match field
                .count("minItems")
                .filter(|&m| m > 0 && m <= MAX_ITEMS + 1)
            {
                Some(min) => {
                    let items: Vec<Value> = valid.as_array().cloned().unwrap_or_default();
                    vec![Value::Array(
                        items.into_iter().take(min as usize - 1).collect(),
                    )]
                }
                None => Vec::new(),
            },
            Constraint::MaxItems => match (
                field.count("maxItems").filter(|&m| m < MAX_ITEMS),
                self.item_of(field),
            ) {
                (Some(max), Some(item)) => vec![Value::Array(vec![item; max as usize + 1])],
                _ => Vec::new(),
            },
            Constraint::Enum => vec![json!("not-a-documented-value"), json!(987_654_321)],
            Constraint::Type => negative::wrong_type(&field.schema).into_iter().collect(),
            _ => Vec::new(),
        }
    }
}

/// Collects the fields of `schema` under `path`, depth first, properties by name.
fn walk(
    spec: &Spec,
    schema: &Value,
    path: Vec<Step>,
    required: bool,
    depth: usize,
    out: &mut Vec<Field>,
) {
    if out.len() >= MAX_FIELDS || depth > FIELD_DEPTH {
        return;
    }
    if let Some(object) = negative::object_schema(spec, schema) {
        let names: BTreeSet<String> = object
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
        let properties = negative::properties(spec, &object);
        out.push(Field {
            path: path.clone(),
            schema: object,
            required,
        });
        for (name, property) in properties {
            let mut at = path.clone();
            at.push(Step::Key(name.clone()));
            walk(
                spec,
                &Value::Object(property),
                at,
                names.contains(&name),
                depth + 1,
                out,
            );
        }
        return;
    }
    let Some(resolved) = spec
        .resolve(schema, "")
        .ok()
        .and_then(Value::as_object)
        .cloned()
    else {
        return;
    };
    let items = resolved.get("items").cloned();
    out.push(Field {
        path: path.clone(),
        schema: resolved,
        required,
    });
    if let Some(items) = items {
        let mut at = path;
        at.push(Step::Index(0));
        walk(spec, &items, at, true, depth + 1, out);
    }
}

fn get<'v>(value: &'v Value, path: &[Step]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get(k.as_str()),
        Step::Index(i) => v.get(*i),
    })
}

/// `body` with the value at `path` set to `value`, creating the objects and the one-item
/// array on the way; `None` when something on the way is of another type.
fn set(body: &Value, path: &[Step], value: Value) -> Option<Value> {
    fn put(at: &mut Value, path: &[Step], value: Value) -> Option<()> {
        let Some((step, rest)) = path.split_first() else {
            *at = value;
            return Some(());
        };
        match step {
            Step::Key(key) => {
                if at.is_null() {
                    *at = json!({});
                }
                let slot = at
                    .as_object_mut()?
                    .entry(key.clone())
                    .or_insert(Value::Null);
                put(slot, rest, value)
            }
            Step::Index(index) => {
                if at.is_null() {
                    *at = json!([]);
                }
                let items = at.as_array_mut()?;
                if *index == items.len() {
                    items.push(Value::Null);
                }
                put(items.get_mut(*index)?, rest, value)
            }
        }
    }
    let mut out = body.clone();
    put(&mut out, path, value)?;
    Some(out)
}

/// `body` without the value at `path` (`None` when it holds none).
fn remove(body: &Value, path: &[Step]) -> Option<Value> {
    let (last, parent) = path.split_last()?;
    let mut out = body.clone();
    let at = parent.iter().try_fold(&mut out, |v, step| match step {
        Step::Key(k) => v.get_mut(k.as_str()),
        Step::Index(i) => v.get_mut(*i),
    })?;
    match last {
        Step::Key(k) => at.as_object_mut()?.remove(k)?,
        Step::Index(i) => {
            let items = at.as_array_mut()?;
            if *i >= items.len() {
                return None;
            }
            items.remove(*i)
        }
    };
    Some(out)
}

/// `text` padded with `pad` to `min` characters and cut to `max` (both at most
/// [`MAX_LEN`]).
fn fit(text: &str, pad: char, min: u64, max: Option<u64>) -> String {
    let min = min.min(MAX_LEN) as usize;
    let max = max.unwrap_or(MAX_LEN).min(MAX_LEN) as usize;
    let mut out: String = text.chars().take(max).collect();
    let mut count = out.chars().count();
    while count < min {
        out.push(pad);
        count += 1;
    }
    out
}

/// The first 60 characters of a value's JSON, for descriptions.
fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}
