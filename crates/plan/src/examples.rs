//! Example values for requests: the spec's own `example` first, else one synthesised from
//! the schema (the first enum value, the minimum, a string of the minimum length, a string
//! generated from the `pattern`, the required properties of an object), so specs that give
//! few examples still get tests.
//!
//! Every size a spec states is clamped before it drives an allocation or a loop: a value
//! is never longer than [`MAX_LEN`] characters or [`MAX_ITEMS`] items, recursion stops at
//! [`MAX_DEPTH`] and one synthesis visits at most [`MAX_NODES`] schemas. A schema whose
//! smallest valid value is bigger than that (`minLength: 1e12`) gets no synthesised value:
//! the operation is then skipped with the reason, never the machine exhausted.
//!
//! `pattern`s are turned into strings by `rand_regex` over the pattern parsed with
//! `regex-syntax` (seeded, so the value is the same on every run), with every repetition
//! bounded and the character classes narrowed to printable ASCII where they allow it; a
//! candidate is only used when the spec's own validator accepts it for the whole schema.

use std::cell::Cell;

use sb_spec::{Parameter, RequestBody, Spec};
use serde_json::{Map, Value, json};

/// The longest string a synthesised value or an invalid input may be, in characters.
pub const MAX_LEN: u64 = 4096;
/// The most items a synthesised array or an invalid input may hold.
pub const MAX_ITEMS: u64 = 64;
/// How deep synthesis follows nested schemas (recursive schemas stop here).
pub const MAX_DEPTH: usize = 8;
/// How many schemas one synthesis may visit (wide and deep schemas stay cheap).
pub const MAX_NODES: usize = 2048;
/// How many candidates are drawn from a pattern before giving up.
const PATTERN_TRIES: u64 = 16;
/// Repetitions a pattern leaves open (`*`, `+`, `{2,}`) are drawn up to this many times.
const PATTERN_MAX_REPEAT: u32 = 8;

/// The example of a parameter.
pub fn param_example(spec: &Spec, param: &Parameter) -> Option<Value> {
    param
        .example
        .clone()
        .or_else(|| synthesize(spec, &param.schema, 0))
}

/// The example of a request body.
pub fn body_example(spec: &Spec, body: &RequestBody) -> Option<Value> {
    body.example
        .clone()
        .or_else(|| synthesize(spec, &body.schema, 0))
}

/// A value valid for `schema`, when one can be made within the bounds above (`depth` is
/// where the walk starts, 0 for a whole schema).
pub fn synthesize(spec: &Spec, schema: &Value, depth: usize) -> Option<Value> {
    Synth {
        spec,
        visited: Cell::new(0),
    }
    .value(schema, depth)
}

struct Synth<'a> {
    spec: &'a Spec,
    visited: Cell<usize>,
}

impl Synth<'_> {
    fn value(&self, schema: &Value, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH || self.visited.get() >= MAX_NODES {
            return None;
        }
        self.visited.set(self.visited.get() + 1);
        let spec = self.spec;
        let schema = spec.resolve(schema, "").ok()?;
        if let Some(example) = schema.get("example") {
            return Some(example.clone());
        }
        if let Some(default) = schema.get("default") {
            return Some(default.clone());
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return Some(first.clone());
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(parts) = schema.get(key).and_then(Value::as_array) {
                if key != "allOf" {
                    return parts.iter().find_map(|p| self.value(p, depth + 1));
                }
                let mut merged = Map::new();
                for part in parts {
                    match self.value(part, depth + 1)? {
                        Value::Object(object) => merged.extend(object),
                        other => return Some(other),
                    }
                }
                return Some(Value::Object(merged));
            }
        }
        let number = |key: &str| schema.get(key).and_then(Value::as_f64);
        let exclusive = |key: &str| schema.get(key).and_then(Value::as_bool) == Some(true);
        let ty = match schema.get("type").and_then(Value::as_str) {
            Some(ty) => ty,
            None if schema.get("items").is_some() => "array",
            None if schema.get("pattern").is_some() || schema.get("minLength").is_some() => {
                "string"
            }
            None => "object",
        };
        match ty {
            "integer" => {
                let low = number("minimum").map(|m| {
                    let m = m.ceil();
                    if exclusive("exclusiveMinimum") {
                        m + 1.0
                    } else {
                        m
                    }
                });
                let high = number("maximum").map(|m| {
                    let m = m.floor();
                    if exclusive("exclusiveMaximum") {
                        m - 1.0
                    } else {
                        m
                    }
                });
                let value = match (low, high) {
                    (Some(low), _) => low,
                    (None, Some(high)) if high < 1.0 => high,
                    _ => 1.0,
                };
                // `as` saturates: a bound beyond i64 gives i64::MAX/MIN, never a panic.
                Some(json!(value as i64))
            }
            "number" => {
                let value = match (number("minimum"), number("maximum")) {
                    (Some(low), Some(high)) if exclusive("exclusiveMinimum") => (low + high) / 2.0,
                    (Some(low), None) if exclusive("exclusiveMinimum") => low + 1.0,
                    (Some(low), _) => low,
                    (None, Some(high)) if high < 1.0 => high - 1.0,
                    _ => 1.0,
                };
                Some(serde_json::Number::from_f64(value).map_or(json!(1), Value::Number))
            }
            "boolean" => Some(json!(true)),
            "string" => self.string(schema),
            "array" => {
                let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                if min > MAX_ITEMS {
                    return None;
                }
                match (min, schema.get("items")) {
                    (0, _) => Some(json!([])),
                    (n, Some(item)) => {
                        let item = self.value(item, depth + 1)?;
                        Some(Value::Array(vec![item; n as usize]))
                    }
                    _ => None,
                }
            }
            "null" => Some(Value::Null),
            _ => {
                let mut object = Map::new();
                let required = schema.get("required").and_then(Value::as_array);
                for name in required.into_iter().flatten().filter_map(Value::as_str) {
                    let prop =
                        schema.pointer(&format!("/properties/{}", sb_spec::escape_pointer(name)));
                    let value = match prop {
                        Some(prop) => self.value(prop, depth + 1)?,
                        None => match schema.get("additionalProperties") {
                            Some(extra) if extra.is_object() => self.value(extra, depth + 1)?,
                            _ => json!("example"),
                        },
                    };
                    object.insert(name.to_string(), value);
                }
                Some(Value::Object(object))
            }
        }
    }

    fn string(&self, schema: &Value) -> Option<Value> {
        let count = |key: &str| schema.get(key).and_then(Value::as_u64);
        let min = count("minLength").unwrap_or(0);
        let max = count("maxLength").unwrap_or(u64::MAX);
        if min > MAX_LEN || min > max {
            return None;
        }
        if let Some(pattern) = schema.get("pattern") {
            return pattern_value(self.spec, schema, pattern.as_str()?).map(Value::String);
        }
        let text = match schema.get("format").and_then(Value::as_str) {
            Some("uuid") => "00000000-0000-0000-0000-000000000000".to_string(),
            Some("date-time") => "2026-01-01T00:00:00Z".to_string(),
            Some("date") => "2026-01-01".to_string(),
            Some("time") => "00:00:00Z".to_string(),
            Some("uri") | Some("url") => "https://example.com/".to_string(),
            Some("email") => "user@example.com".to_string(),
            Some("ipv4") => "192.0.2.1".to_string(),
            Some("ipv6") => "2001:db8::1".to_string(),
            Some("hostname") => "example.com".to_string(),
            _ => {
                // `min` is at most MAX_LEN here; `max` may be anything.
                let mut text = "example".to_string();
                while (text.len() as u64) < min {
                    text.push('x');
                }
                text.truncate(max.min(MAX_LEN) as usize);
                text
            }
        };
        Some(Value::String(text))
    }
}

/// A string matching `pattern` (JSON Schema: found anywhere in the string, ECMA-262
/// syntax) that the spec's validator accepts for the whole `schema` (lengths, format);
/// `None` when the pattern uses what `regex-syntax` does not parse (look-around,
/// back-references) or no bounded candidate is valid.
pub fn pattern_value(spec: &Spec, schema: &Value, pattern: &str) -> Option<String> {
    // Seeded per pattern: the same spec always gives the same value.
    let seed = pattern.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    pattern_sample(spec, schema, pattern, seed)
}

/// Like [`pattern_value`], drawn with `seed` (the generated cases, `crate::cases`, vary it).
pub fn pattern_sample(spec: &Spec, schema: &Value, pattern: &str, seed: u64) -> Option<String> {
    use rand::SeedableRng;
    use rand::distributions::Distribution;
    let parse = |pattern: &str| {
        regex_syntax::ParserBuilder::new()
            .nest_limit(64)
            .build()
            .parse(pattern)
            .ok()
    };
    // Look-around (`(?!uuid$)`) is not regular: generate from the rest, and let the
    // validator, which knows ECMA-262, turn down the candidates it excludes.
    let hir = parse(pattern).or_else(|| parse(&without_look_around(pattern)?))?;
    let hir = bounded(hir)?;
    if hir.properties().maximum_len()? > MAX_LEN as usize {
        return None;
    }
    let generator = rand_regex::Regex::with_hir(hir, PATTERN_MAX_REPEAT).ok()?;
    let validator = spec.validator(schema).ok()?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..PATTERN_TRIES)
        .map(|_| -> String { generator.sample(&mut rng) })
        .find(|candidate| validator.is_valid(&Value::String(candidate.clone())))
}

/// `pattern` with its look-around groups (`(?=`, `(?!`, `(?<=`, `(?<!`) removed; `None`
/// when it has none or they are unbalanced.
fn without_look_around(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len());
    let mut i = 0;
    let mut removed = false;
    let mut in_class = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            out.extend(chars.get(i..i + 2).into_iter().flatten());
            i += 2;
            continue;
        }
        if in_class {
            in_class = c != ']';
            out.push(c);
            i += 1;
            continue;
        }
        let rest: String = chars[i..chars.len().min(i + 4)].iter().collect();
        if ["(?=", "(?!", "(?<=", "(?<!"]
            .iter()
            .any(|p| rest.starts_with(p))
        {
            // Skip to the matching `)`.
            let mut depth = 0usize;
            let mut class = false;
            while i < chars.len() {
                match chars[i] {
                    '\\' => i += 1,
                    '[' if !class => class = true,
                    ']' if class => class = false,
                    '(' if !class => depth += 1,
                    ')' if !class => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            if i >= chars.len() {
                return None;
            }
            removed = true;
            i += 1;
            continue;
        }
        in_class = c == '[';
        out.push(c);
        i += 1;
    }
    removed.then_some(out)
}

/// `hir` with the assertions rand_regex cannot generate (`^`, `$`, `\b`) removed (JSON
/// Schema patterns are unanchored, so a match alone is a valid string; the validator has
/// the last word), every repetition bounded, and classes narrowed to printable ASCII where
/// they allow it (values travel in URLs and headers).
fn bounded(hir: regex_syntax::hir::Hir) -> Option<regex_syntax::hir::Hir> {
    use regex_syntax::hir::{
        Capture, Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Repetition,
    };
    Some(match hir.into_kind() {
        HirKind::Look(_) => Hir::empty(),
        HirKind::Class(Class::Unicode(class)) => {
            let mut ascii = class.clone();
            ascii.intersect(&ClassUnicode::new([ClassUnicodeRange::new(' ', '~')]));
            Hir::class(Class::Unicode(if ascii.ranges().is_empty() {
                class
            } else {
                ascii
            }))
        }
        HirKind::Repetition(rep) => {
            let min = rep.min.min(MAX_LEN as u32);
            let max = rep.max.unwrap_or(min.saturating_add(PATTERN_MAX_REPEAT));
            Hir::repetition(Repetition {
                min,
                max: Some(max.clamp(min, min.saturating_add(PATTERN_MAX_REPEAT))),
                greedy: rep.greedy,
                sub: Box::new(bounded(*rep.sub)?),
            })
        }
        HirKind::Capture(capture) => Hir::capture(Capture {
            index: capture.index,
            name: capture.name,
            sub: Box::new(bounded(*capture.sub)?),
        }),
        HirKind::Concat(subs) => Hir::concat(subs.into_iter().map(bounded).collect::<Option<_>>()?),
        HirKind::Alternation(subs) => {
            Hir::alternation(subs.into_iter().map(bounded).collect::<Option<_>>()?)
        }
        kind @ (HirKind::Empty | HirKind::Literal(_) | HirKind::Class(Class::Bytes(_))) => {
            match kind {
                HirKind::Literal(lit) => Hir::literal(lit.0),
                HirKind::Class(class) => Hir::class(class),
                _ => Hir::empty(),
            }
        }
    })
}
