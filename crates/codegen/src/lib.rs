//! The emitter behind `cargo xtask gen`: for every operation of a spec, a module of thin
//! `#[tokio::test]` functions, one per applicable check, calling `sb-runtime`. Built with
//! `quote!`, formatted with `prettyplease`, deterministic (operations sorted by path and
//! method, checks in plan order), headed with the command that regenerates it.

mod ident;
pub mod k6;
mod pins;
pub mod project;

use std::path::{Component, Path, PathBuf};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use sb_plan::examples;
use sb_plan::plan::{Check, Family, Subject};
use sb_spec::{Location, Operation, Spec};
use serde_json::Value;

pub use ident::{UNNAMED, has_name, module_name, snake};

/// The typed client a generated positive test goes through.
#[derive(Debug, Clone)]
pub struct TypedClient {
    /// Rust path of the module holding progenitor's `Client` and `types`, e.g.
    /// `sitebuilder_contract::agents`.
    pub module: String,
}

/// What to generate from one spec.
#[derive(Debug, Clone)]
pub struct Options {
    /// The spec as named in headers and reports (`openapi/agents-api.yaml`).
    pub spec_label: String,
    /// Path from the generated file's directory to the spec, for `include_str!`.
    pub include_path: String,
    /// The regenerate command written in the header.
    pub command: String,
    /// The typed client, when the spec has one compiled into the crate.
    pub typed: Option<TypedClient>,
    /// Which checks to emit.
    pub select: Selection,
}

/// Which checks a generated file holds: the performance budgets can live in a test target
/// of their own (`cargo xtask perf`), so `cargo test` asserts no timings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    All,
    Functional,
    Performance,
}

impl Selection {
    fn keeps(self, check: Check) -> bool {
        match self {
            Selection::All => true,
            Selection::Functional => check.family() != Family::Performance,
            Selection::Performance => check.family() == Family::Performance,
        }
    }
}

/// An operation that was left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub operation: String,
    pub reason: String,
}

/// A check the table says does not apply to some operations, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotApplicable {
    pub check: Check,
    pub reason: String,
    /// The operationIds it does not apply to.
    pub operations: Vec<String>,
}

/// The generated file of one spec and what it covers.
#[derive(Debug, Clone)]
pub struct Generated {
    pub source: String,
    /// `(operationId, checks)` per generated operation.
    pub operations: Vec<(String, Vec<Check>)>,
    pub skipped: Vec<Skipped>,
    /// Checks not generated for some operations, grouped by check and reason.
    pub not_applicable: Vec<NotApplicable>,
}

impl Generated {
    /// Number of generated tests.
    pub fn test_count(&self) -> usize {
        self.operations.iter().map(|(_, c)| c.len()).sum()
    }
}

/// A spec the emitter cannot read at all.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct GenError {
    pub file: String,
    pub message: String,
}

/// The checks generated for `op`: the rows of the check table that apply to it, and, for
/// the others, why not (the same rule the runtime evaluates).
pub fn checks_for(spec: &Spec, op: &Operation, typed: bool) -> (Vec<Check>, Vec<(Check, String)>) {
    let subject = Subject { spec, op, typed };
    let mut applies = Vec::new();
    let mut not = Vec::new();
    for check in Check::ALL {
        match check.applicability(subject) {
            Ok(()) => applies.push(*check),
            Err(reason) => not.push((*check, reason)),
        }
    }
    (applies, not)
}

/// Why an operation cannot get tests built from the spec alone, if it cannot.
fn unsupported(spec: &Spec, op: &Operation) -> Option<String> {
    if !has_name(&op.id) {
        return Some(format!(
            "operationId `{}` has no letter or digit to name its tests after; use a name such as `getPet`",
            op.id
        ));
    }
    if let Some(param) = op.parameters.iter().find(|p| {
        p.required && !op.is_tenant_param(p) && examples::param_example(spec, p).is_none()
    }) {
        return Some(format!(
            "required {} parameter `{}` has no example and none can be made from its schema; add one",
            param.location.as_str(),
            param.name
        ));
    }
    if let Some(body) = &op.request_body {
        if examples::body_example(spec, body).is_none() {
            return Some(
                "the request body has no example and none can be made from its schema; add one"
                    .into(),
            );
        }
        if let Some(example) = examples::body_example(spec, body)
            && let Err(reason) = sb_plan::encode::encode(spec, body, &example)
        {
            return Some(reason);
        }
    }
    if op.success().is_none() {
        let statuses: Vec<&str> = op.responses.iter().map(|r| r.status.as_str()).collect();
        return Some(format!(
            "no 2xx, 3xx or default response is documented (only: {}); nothing says what success is",
            if statuses.is_empty() {
                "none".to_string()
            } else {
                statuses.join(", ")
            }
        ));
    }
    if op.method == "options" || op.method == "trace" || op.method == "head" {
        return Some(format!(
            "{} operations are not tested",
            op.method.to_uppercase()
        ));
    }
    None
}

/// Generates the test file for `spec`. An operation the model cannot read, or that the
/// emitter cannot test, is skipped with its reason; only errors of the whole document fail.
pub fn generate(spec: &Spec, options: &Options) -> Result<Generated, GenError> {
    let (operations, rejected) = spec.operations_lenient().map_err(|e| GenError {
        file: options.spec_label.clone(),
        message: e.to_string(),
    })?;
    let mut modules = Vec::new();
    let mut covered = Vec::new();
    let mut skipped: Vec<Skipped> = rejected
        .into_iter()
        .map(|r| Skipped {
            operation: r
                .operation_id
                .unwrap_or_else(|| format!("{} {}", r.method.to_uppercase(), r.path)),
            reason: match r.error {
                sb_spec::SpecError::Invalid {
                    pointer, message, ..
                } => format!("{pointer}: {message}"),
                other => other.to_string(),
            },
        })
        .collect();
    let mut used_names = std::collections::BTreeSet::new();
    let mut not_applicable = std::collections::BTreeMap::new();
    // What the spec check finds wrong in single operations skips them, with its message.
    let problems = sb_spec::operation_problems(spec);
    let problem_of = |op: &Operation| {
        problems.iter().find(|p| {
            p.location == op.pointer
                || p.location.starts_with(&format!("{}/", op.pointer))
                || op.pointer.starts_with(&format!("{}/", p.location))
        })
    };
    for op in &operations {
        let reason = problem_of(op)
            .map(|p| format!("{}: {}; {}", p.location, p.message, p.fix))
            .or_else(|| unsupported(spec, op));
        if let Some(reason) = reason {
            skipped.push(Skipped {
                operation: op.id.clone(),
                reason,
            });
            continue;
        }
        let name = module_name(&op.id, &mut used_names);
        let (checks, not) = checks_for(spec, op, options.typed.is_some());
        let checks: Vec<Check> = checks
            .into_iter()
            .filter(|c| options.select.keeps(*c))
            .collect();
        for (check, reason) in not.into_iter().filter(|(c, _)| options.select.keeps(*c)) {
            not_applicable
                .entry((check, reason))
                .or_insert_with(Vec::new)
                .push(op.id.clone());
        }
        if checks.is_empty() {
            continue;
        }
        modules.push(operation_module(spec, op, &name, &checks, options));
        covered.push((op.id.clone(), checks));
    }
    let label = &options.spec_label;
    let include = &options.include_path;
    // Absolute paths only (`::sb_runtime`, `::tokio`) and upper-case item names: no
    // identifier from the spec (all snake case, reserved names renamed) can shadow them.
    let body = quote! {
        const SPEC: ::sb_runtime::SpecSource = ::sb_runtime::SpecSource {
            file: #label,
            text: ::core::include_str!(#include),
        };

        #(#modules)*
    };
    let file: syn::File = syn::parse2(body).map_err(|e| GenError {
        file: label.clone(),
        message: format!("generated code does not parse: {e}"),
    })?;
    let title = spec.title().to_string();
    let count: usize = covered.iter().map(|(_, c)| c.len()).sum();
    let mut source = format!(
        "//! Generated by `{}` from {label}. Do not edit by hand.\n//!\n//! Contract tests for {title} {}: {} operations, {count} checks.\n",
        options.command,
        spec.version(),
        covered.len(),
    );
    for s in &skipped {
        source.push_str(&format!("//! Skipped `{}`: {}.\n", s.operation, s.reason));
    }
    source.push('\n');
    source.push_str(&prettyplease::unparse(&file));
    Ok(Generated {
        source: source.replace("\r\n", "\n"),
        operations: covered,
        skipped,
        not_applicable: not_applicable
            .into_iter()
            .map(|((check, reason), operations)| NotApplicable {
                check,
                reason,
                operations,
            })
            .collect(),
    })
}

fn operation_module(
    spec: &Spec,
    op: &Operation,
    name: &str,
    checks: &[Check],
    options: &Options,
) -> TokenStream {
    let module = format_ident!("{}", name);
    let id = &op.id;
    let doc = format!(" `{} {}`", op.method.to_uppercase(), op.path);
    let tests = checks.iter().map(|check| {
        let test = format_ident!("{}", check.name());
        if *check == Check::TypedClient {
            let body = typed_body(
                spec,
                op,
                options.typed.as_ref().expect("typed checks need a client"),
            );
            quote! {
                #[::tokio::test]
                async fn #test() {
                    ::sb_runtime::run_typed(&super::super::HARNESS, OP, |t| async move { #body }).await
                }
            }
        } else {
            let variant = format_ident!("{}", heck::AsUpperCamelCase(check.name()).to_string());
            quote! {
                #[::tokio::test]
                async fn #test() {
                    ::sb_runtime::run(&super::super::HARNESS, OP, ::sb_runtime::Check::#variant).await
                }
            }
        }
    });
    quote! {
        #[doc = #doc]
        mod #module {
            const OP: ::sb_runtime::Op = ::sb_runtime::Op { spec: super::SPEC, id: #id };

            #(#tests)*
        }
    }
}

/// The body of a typed check: decode the examples into progenitor types, call the client
/// positionally (path params in path order, then query and header params by name, then
/// the body, as progenitor orders them), and read the response as its success type.
fn typed_body(spec: &Spec, op: &Operation, client: &TypedClient) -> TokenStream {
    let module: syn::Path = syn::parse_str(&client.module).expect("client module is a Rust path");
    let method = format_ident!("{}", snake(&op.id));
    let mut bindings = Vec::new();
    let mut args = Vec::new();
    // The names the typed body binds itself: a parameter called `body` or `t` gets `body_2`.
    let mut used: std::collections::BTreeSet<String> =
        ["t", "client", "body", "value"].map(String::from).into();
    let mut ordered: Vec<&sb_spec::Parameter> = Vec::new();
    let path_order = |name: &str| op.path.find(&format!("{{{name}}}")).unwrap_or(usize::MAX);
    let mut path: Vec<_> = op.params_in(Location::Path).collect();
    path.sort_by_key(|p| path_order(&p.name));
    ordered.extend(path);
    for location in [Location::Query, Location::Header] {
        let mut params: Vec<_> = op.params_in(location).collect();
        params.sort_by(|a, b| a.name.cmp(&b.name));
        ordered.extend(params);
    }
    for param in ordered {
        let var = format_ident!("{}", module_name(&param.name, &mut used));
        let name = &param.name;
        let plain = plain_string(spec, &param.schema);
        if param.required {
            if plain {
                bindings.push(quote! { let #var: String = t.param(#name)?; });
            } else {
                bindings.push(quote! { let #var = t.param(#name)?; });
            }
            args.push(quote! { &#var });
        } else {
            bindings.push(quote! { let #var = t.param_opt(#name)?; });
            if param.location == Location::Header {
                args.push(quote! { #var.as_ref() });
            } else {
                args.push(quote! { #var });
            }
        }
    }
    if op.request_body.is_some() {
        bindings.push(quote! { let body = t.body()?; });
        args.push(quote! { &body });
    }
    let mut roots: Vec<&Value> = Vec::new();
    if let Some(body) = &op.request_body {
        roots.push(&body.schema);
    }
    if let Some(schema) = op
        .success()
        .and_then(|r| r.content.first())
        .and_then(|m| m.schema.as_ref())
    {
        roots.push(schema);
    }
    let pins = pins::pins(spec, &module, &roots);
    let call = quote! { client.#method(#(#args),*).await };
    let read = match op.success().and_then(|r| r.content.first()) {
        Some(media) if media.name == "text/event-stream" => {
            match op.sse_event_schema().and_then(ref_name) {
                Some(event) => {
                    let event = format_ident!("{}", heck::AsUpperCamelCase(event).to_string());
                    quote! { t.events::<#module::types::#event, _>(#call).await }
                }
                None => quote! { t.bytes(#call).await },
            }
        }
        Some(media) if !media.name.contains("json") => quote! { t.bytes(#call).await },
        _ => quote! { t.json(#call) },
    };
    quote! {
        // The types' fields as the spec had them at generation time: a spec change that
        // is not regenerated fails to compile here, naming the field.
        #(#pins)*
        let client = #module::Client::new_with_client(t.base_url(), t.client()?);
        #(#bindings)*
        #read
    }
}

/// `#/components/schemas/GenerationEvent` -> `GenerationEvent`.
fn ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

/// A string without constraints: progenitor takes it as `&str`, not as a newtype.
fn plain_string(spec: &Spec, schema: &Value) -> bool {
    let Ok(schema) = spec.resolve(schema, "") else {
        return false;
    };
    schema.get("type").and_then(Value::as_str) == Some("string")
        && ["minLength", "maxLength", "pattern", "enum", "format"]
            .iter()
            .all(|k| schema.get(k).is_none())
}

/// The relative path from directory `from` to file `to` (both relative to one root, or
/// both absolute), with `/` separators so output is the same on every platform.
pub fn relative_path(from: &Path, to: &Path) -> String {
    let from: Vec<Component> = from
        .components()
        .filter(|c| *c != Component::CurDir)
        .collect();
    let to: Vec<Component> = to
        .components()
        .filter(|c| *c != Component::CurDir)
        .collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for part in &to[common..] {
        out.push(part.as_os_str());
    }
    out.to_string_lossy().replace('\\', "/")
}

/// The `mod.rs` listing the generated spec modules, and the harness their tests run with:
/// `harness` is a Rust expression of type `sb_runtime::Harness` (the project plugs its
/// embedded provider in there); `None` makes the tests need a deployment (`SB_BASE_URL`).
pub fn module_index(
    modules: &[String],
    command: &str,
    label: &str,
    harness: Option<&str>,
) -> String {
    let items = modules.iter().map(|m| {
        let m = format_ident!("{}", m);
        quote! { mod #m; }
    });
    let harness: TokenStream = match harness {
        Some(expr) => syn::parse_str::<syn::Expr>(expr)
            .map(|e| quote! { #e })
            .unwrap_or_else(|_| quote! { ::sb_runtime::Harness::deployment(#label) }),
        None => quote! { ::sb_runtime::Harness::deployment(#label) },
    };
    let file: syn::File = syn::parse2(quote! {
        /// Where the tests run when `SB_BASE_URL` names no deployment.
        static HARNESS: ::sb_runtime::Harness = #harness;

        #(#items)*
    })
    .expect("module list parses");
    format!(
        "//! Generated by `{command}`. Do not edit by hand.\n//!\n//! One module of contract tests per spec.\n\n{}",
        prettyplease::unparse(&file)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_path(
                Path::new("tests/contract/generated"),
                Path::new("openapi/a.yaml")
            ),
            "../../../openapi/a.yaml"
        );
        assert_eq!(
            relative_path(Path::new("out"), Path::new("out/x.yaml")),
            "x.yaml"
        );
    }
}
