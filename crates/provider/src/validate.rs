//! Request-body validation against the specs' rules (required fields, types, lengths,
//! patterns, enums, ranges, item counts), with messages that name the field.
//!
//! After validation the body is decoded into the progenitor request type, so a spec change
//! to a request schema also breaks this crate's compilation where the fields are used.

use serde_json::{Map, Value};
use sitebuilder_contract::{agents, generation, validation};

/// Why a body was refused: `field: reason`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid(pub String);

fn invalid(field: &str, reason: impl std::fmt::Display) -> Invalid {
    Invalid(format!("{field}: {reason}"))
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn object<'a>(v: &'a Value, field: &str) -> Result<&'a Map<String, Value>, Invalid> {
    v.as_object()
        .ok_or_else(|| invalid(field, format!("must be an object, not {}", type_name(v))))
}

fn string<'a>(
    map: &'a Map<String, Value>,
    field: &str,
    path: &str,
    required: bool,
    min: usize,
    max: Option<usize>,
) -> Result<Option<&'a str>, Invalid> {
    match map.get(field) {
        None if required => Err(invalid(path, "is required")),
        None => Ok(None),
        Some(Value::String(s)) => {
            let n = s.chars().count();
            if n < min {
                return Err(invalid(
                    path,
                    if min == 1 {
                        "must not be empty".to_owned()
                    } else {
                        format!("must be at least {min} characters")
                    },
                ));
            }
            if let Some(max) = max
                && n > max
            {
                return Err(invalid(
                    path,
                    format!("must be at most {max} characters, not {n}"),
                ));
            }
            Ok(Some(s))
        }
        Some(other) => Err(invalid(
            path,
            format!("must be a string, not {}", type_name(other)),
        )),
    }
}

pub fn hex_color(s: &str, path: &str) -> Result<(), Invalid> {
    let ok = s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if ok {
        Ok(())
    } else {
        Err(invalid(path, format!("`{s}` is not a colour like #0066CC")))
    }
}

pub fn is_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
        })
}

fn one_of<'a>(
    value: Option<&'a str>,
    allowed: &[&str],
    path: &str,
) -> Result<Option<&'a str>, Invalid> {
    match value {
        Some(v) if !allowed.contains(&v) => Err(invalid(
            path,
            format!("`{v}` is not one of {}", allowed.join(", ")),
        )),
        other => Ok(other),
    }
}

/// The top-level fields of `body` that `decoded` (the typed request) does not carry: what
/// an over-strict server would refuse (the `extra-field-rejected` fault).
pub fn unknown_fields<T: serde::Serialize>(body: &Value, decoded: &T) -> Vec<String> {
    let known = serde_json::to_value(decoded).unwrap_or_default();
    body.as_object()
        .map(|map| {
            map.keys()
                .filter(|k| known.get(k.as_str()).is_none())
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

fn decode<T: serde::de::DeserializeOwned>(value: &Value) -> Result<T, Invalid> {
    serde_json::from_value(value.clone()).map_err(|e| Invalid(format!("body: {e}")))
}

/// Validates a `GenerationRequest`.
pub fn generation_request(body: &Value) -> Result<generation::types::GenerationRequest, Invalid> {
    let map = object(body, "body")?;
    string(map, "prompt", "prompt", true, 1, Some(4000))?;
    string(map, "templateId", "templateId", false, 1, None)?;
    string(map, "siteId", "siteId", false, 1, None)?;
    if let Some(assets) = map.get("brandAssets") {
        let assets = object(assets, "brandAssets")?;
        for field in ["primaryColor", "secondaryColor"] {
            let path = format!("brandAssets.{field}");
            if let Some(c) = string(assets, field, &path, false, 0, None)? {
                hex_color(c, &path)?;
            }
        }
        if let Some(logo) = string(assets, "logo", "brandAssets.logo", false, 0, None)?
            && !is_uri(logo)
        {
            return Err(invalid(
                "brandAssets.logo",
                format!("`{logo}` is not an absolute URI"),
            ));
        }
    }
    decode(body)
}

/// Validates a `LogoRequest`.
pub fn logo_request(body: &Value) -> Result<agents::types::LogoRequest, Invalid> {
    let map = object(body, "body")?;
    string(map, "prompt", "prompt", true, 1, Some(1000))?;
    one_of(
        string(map, "style", "style", false, 0, None)?,
        &["modern", "classic", "minimal", "playful", "bold"],
        "style",
    )?;
    if let Some(colors) = map.get("colors") {
        let items = colors.as_array().ok_or_else(|| {
            invalid(
                "colors",
                format!("must be an array, not {}", type_name(colors)),
            )
        })?;
        if items.len() > 5 {
            return Err(invalid(
                "colors",
                format!("must have at most 5 items, not {}", items.len()),
            ));
        }
        for (i, item) in items.iter().enumerate() {
            let path = format!("colors[{i}]");
            let s = item.as_str().ok_or_else(|| {
                invalid(&path, format!("must be a string, not {}", type_name(item)))
            })?;
            hex_color(s, &path)?;
        }
    }
    if let Some(count) = map.get("count") {
        match count.as_i64() {
            Some(n) if (1..=8).contains(&n) => {}
            Some(_) => return Err(invalid("count", "must be between 1 and 8")),
            None if count.is_number() => {
                return Err(invalid("count", "must be an integer between 1 and 8"));
            }
            None => {
                return Err(invalid(
                    "count",
                    format!("must be an integer, not {}", type_name(count)),
                ));
            }
        }
    }
    decode(body)
}

/// Validates a `DeploymentRequest`.
pub fn deployment_request(body: &Value) -> Result<validation::types::DeploymentRequest, Invalid> {
    let map = object(body, "body")?;
    string(map, "siteId", "siteId", true, 1, None)?;
    if !map.contains_key("environment") {
        return Err(invalid("environment", "is required"));
    }
    one_of(
        string(map, "environment", "environment", true, 0, None)?,
        &["staging", "production"],
        "environment",
    )?;
    decode(body)
}
