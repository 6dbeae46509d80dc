//! The one place where names from a spec become Rust identifiers.

use std::collections::BTreeSet;

use heck::ToSnakeCase;

/// Rust keywords that cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Names the generated code itself uses, which an identifier from a spec must not shadow:
/// the crates it calls and the names of its items. Generated code names them by absolute
/// paths (`::sb_runtime::run`) as well; renaming these (`tokio` -> `tokio_`) keeps the
/// output readable too.
const RESERVED: &[&str] = &[
    "tokio",
    "sb_runtime",
    "sb_suites",
    "sitebuilder_contract",
    "std",
    "core",
    "alloc",
    "test",
    "harness",
    "spec",
    "op",
];

/// What a name without a letter or digit (`-`, `__`, ``) becomes.
pub const UNNAMED: &str = "unnamed";

/// Whether `name` has a letter or digit to make an identifier of.
pub fn has_name(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_alphanumeric())
}

/// `generateLogo` -> `generate_logo`, as progenitor names the client method; keywords and
/// reserved names get a trailing `_`, a leading digit a leading `_`, other characters become
/// `_`; a name with no letter or digit becomes [`UNNAMED`]. Always a valid identifier.
pub fn snake(name: &str) -> String {
    if !has_name(name) {
        return UNNAMED.to_string();
    }
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mut out = cleaned.to_snake_case();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if KEYWORDS.contains(&out.as_str()) || RESERVED.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// A unique snake-case identifier for `name` among `used` (suffixes `_2`, `_3`, ...).
pub fn module_name(name: &str, used: &mut BTreeSet<String>) -> String {
    let base = snake(name);
    let mut candidate = base.clone();
    let mut n = 2;
    while !used.insert(candidate.clone()) {
        candidate = format!("{base}_{n}");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitises_spec_names() {
        assert_eq!(snake("generateLogo"), "generate_logo");
        assert_eq!(snake("X-Tenant-Id"), "x_tenant_id");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("2fa"), "_2fa");
        for (name, ident) in [
            ("", "unnamed"),
            ("-", "unnamed"),
            ("__", "unnamed"),
            ("tokio", "tokio_"),
            ("sb_runtime", "sb_runtime_"),
            ("super", "super_"),
            ("HARNESS", "harness_"),
            ("SPEC", "spec_"),
            ("OP", "op_"),
        ] {
            assert_eq!(snake(name), ident, "{name:?}");
            syn::parse_str::<syn::Ident>(&snake(name)).expect("an identifier");
        }
        let mut used = BTreeSet::new();
        assert_eq!(module_name("getPet", &mut used), "get_pet");
        assert_eq!(module_name("get_pet", &mut used), "get_pet_2");
    }
}
