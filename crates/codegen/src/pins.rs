//! Shape pins: compile-time assertions, inside the typed tests, that the progenitor types
//! still have exactly the fields the spec had when the tests were generated. Each pin is an
//! exhaustive struct pattern (`let types::TemplateList { templates: _ } = v;`), so a field
//! renamed, removed or added in a spec without `cargo xtask gen` fails to compile, and the
//! compiler's message names the field and the type.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use sb_spec::Spec;
use serde_json::Value;

/// Keywords typify escapes with a trailing `_` (it also treats `gen` as one).
const KEYWORDS: &[&str] = &[
    "_", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// A property name as typify names the struct field (`brandScore` -> `brand_score`,
/// `type` -> `type_`).
pub fn field_name(property: &str) -> String {
    let cleaned: String = property
        .replace('\'', "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut out = cleaned.to_snake_case();
    if !out.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        out = format!("x{out}");
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// Pins for every named object schema reachable from `roots` (request and response bodies,
/// event variants), as closures over `&module::types::Name`.
pub fn pins(spec: &Spec, module: &syn::Path, roots: &[&Value]) -> Vec<TokenStream> {
    let mut found = BTreeMap::new();
    let mut seen = std::collections::BTreeSet::new();
    for root in roots {
        collect(spec, root, &mut found, &mut seen, 0);
    }
    found
        .into_iter()
        .map(|(name, fields)| {
            let ty = format_ident!("{}", heck::AsUpperCamelCase(&name).to_string());
            let fields = fields.iter().map(|f| format_ident!("{}", f));
            quote! {
                let _ = |value: &#module::types::#ty| {
                    let #module::types::#ty { #(#fields: _),* } = value;
                };
            }
        })
        .collect()
}

/// Walks `schema`, recording `component name -> sorted field names` for object components;
/// `seen` holds the components already walked, so each is read once however often it is
/// referenced.
fn collect(
    spec: &Spec,
    schema: &Value,
    found: &mut BTreeMap<String, Vec<String>>,
    seen: &mut std::collections::BTreeSet<String>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        if !seen.insert(name.to_string()) {
            return;
        }
        let Ok(target) = spec.resolve(schema, "") else {
            return;
        };
        if let Some(fields) = object_fields(spec, target) {
            found.insert(name.to_string(), fields);
        }
        walk_children(spec, target, found, seen, depth);
        return;
    }
    walk_children(spec, schema, found, seen, depth);
}

fn walk_children(
    spec: &Spec,
    schema: &Value,
    found: &mut BTreeMap<String, Vec<String>>,
    seen: &mut std::collections::BTreeSet<String>,
    depth: usize,
) {
    for key in ["oneOf", "anyOf", "allOf"] {
        for part in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            collect(spec, part, found, seen, depth + 1);
        }
    }
    if let Some(items) = schema.get("items") {
        collect(spec, items, found, seen, depth + 1);
    }
    for prop in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values())
    {
        collect(spec, prop, found, seen, depth + 1);
    }
}

/// The field names of an object schema (allOf parts merged); `None` for anything typify
/// does not turn into a plain struct (enums, maps, unions, free-form objects).
fn object_fields(spec: &Spec, schema: &Value) -> Option<Vec<String>> {
    if schema.get("oneOf").is_some()
        || schema.get("anyOf").is_some()
        || schema.get("enum").is_some()
    {
        return None;
    }
    if schema
        .get("additionalProperties")
        .is_some_and(|a| a.is_object() && a.as_object().is_some_and(|o| !o.is_empty()))
    {
        return None;
    }
    // The model's one allOf merge: own properties and those of every member.
    let node = sb_spec::resolve::deref(spec, schema, "").ok()?;
    let view = sb_spec::resolve::object_view(spec, &node).ok()?;
    let mut names: Vec<String> = view.properties.keys().map(|k| field_name(k)).collect();
    if names.is_empty() {
        return None;
    }
    names.sort();
    names.dedup();
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_follow_typify() {
        assert_eq!(field_name("brandScore"), "brand_score");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("2fa"), "x2fa");
        assert_eq!(field_name("X-Request-Id"), "x_request_id");
    }
}
