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

/// `generateLogo` -> `generate_logo`, as progenitor names the client method; keywords get
/// a trailing `_`, a leading digit a leading `_`, other characters become `_`.
pub fn snake(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mut out = cleaned.to_snake_case();
    if out.is_empty() {
        out.push('_');
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if KEYWORDS.contains(&out.as_str()) {
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
        let mut used = BTreeSet::new();
        assert_eq!(module_name("getPet", &mut used), "get_pet");
        assert_eq!(module_name("get_pet", &mut used), "get_pet_2");
    }
}
