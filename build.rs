//! Generates one typed progenitor client per spec in `openapi/` into `OUT_DIR`, and the list
//! of the specs (`specs.rs`): the directory is the one place the specs are listed.
//!
//! A spec that progenitor cannot handle fails the build with a message naming the file and
//! the operationId: progenitor's own panics (for example two success body types in one
//! operation) name neither, so on a panic each operation is regenerated alone to find it.
//!
//! Each client gets `sb_stream::bounded_hooks!`: progenitor reads a response body whole and
//! unbounded, so its `exec` hook is overridden to bound the body in size and time.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use openapiv3::OpenAPI;
use progenitor::{GenerationSettings, Generator, InterfaceStyle};

/// Appended to each client: its exchanges read the body through `sb_stream::body`, bounded in
/// size and time (the runtime's limits around each typed check, else 16 MiB) and never
/// buffered, where progenitor's own `ResponseValue::from_response` reads any body whole.
const BOUNDED_HOOKS: &str = "
// Every exchange of this client reads its body bounded in size and time (`sb_stream::body`).
::sb_stream::bounded_hooks!(Client);
";

/// The specs, `openapi/<module>-api.yaml`, sorted, each with the module its client goes in.
fn specs() -> Vec<(String, String)> {
    let mut specs: Vec<(String, String)> = std::fs::read_dir("openapi")
        .unwrap_or_else(|e| panic!("cannot list openapi/: {e}"))
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            let module = name.strip_suffix("-api.yaml")?.replace('-', "_");
            Some((format!("openapi/{name}"), module))
        })
        .collect();
    specs.sort();
    specs
}

/// `specs.rs`: each spec's file and text, and the client modules.
fn listing(specs: &[(String, String)]) -> String {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let mut consts = String::new();
    let mut all = Vec::new();
    for (file, module) in specs {
        let name = module.to_uppercase();
        let path = Path::new(&root).join(file);
        consts.push_str(&format!(
            "/// `{file}`.\npub const {name}: Spec = Spec {{ file: {file:?}, text: include_str!({:?}) }};\n",
            path.display().to_string()
        ));
        all.push(name);
    }
    format!(
        "{consts}/// Every spec, sorted by file.\npub const ALL: &[Spec] = &[{}];\n",
        all.join(", ")
    )
}

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=openapi");
    let specs = specs();
    let listing_file = out_dir.join("specs.rs");
    std::fs::write(&listing_file, listing(&specs))
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", listing_file.display()));
    let mut failures = Vec::new();
    for (file, module) in &specs {
        println!("cargo:rerun-if-changed={file}");
        match generate(Path::new(file)) {
            Ok(code) => {
                let dest = out_dir.join(format!("{module}.rs"));
                std::fs::write(&dest, code + BOUNDED_HOOKS)
                    .unwrap_or_else(|e| panic!("cannot write {}: {e}", dest.display()));
            }
            Err(message) => failures.push(message),
        }
    }
    if !failures.is_empty() {
        for message in &failures {
            println!("cargo:warning={message}");
        }
        eprintln!("\n{}\n", failures.join("\n"));
        std::process::exit(1);
    }
}

/// Reads one spec and returns its client's source, or a message naming file and operation.
fn generate(file: &Path) -> Result<String, String> {
    let name = file.display();
    let text =
        std::fs::read_to_string(file).map_err(|e| format!("{name}: cannot read the spec: {e}"))?;
    let spec: OpenAPI = serde_yaml::from_str(&text).map_err(|e| {
        format!("{name}: not an OpenAPI 3.0.x document ({e}); progenitor reads 3.0.x only, run `cargo xtask lint` for details")
    })?;
    match try_generate(&spec) {
        Ok(Ok(code)) => Ok(code),
        Ok(Err(e)) => Err(format!(
            "{name}: progenitor rejected the spec: {e}; run `cargo xtask lint`"
        )),
        Err(panic_message) => Err(locate_panic(file, &spec, &panic_message)),
    }
}

/// Runs progenitor, turning a panic into `Err(message)` so the caller can locate it.
fn try_generate(spec: &OpenAPI) -> Result<Result<String, String>, String> {
    let previous_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let mut settings = GenerationSettings::default();
        settings.with_interface(InterfaceStyle::Positional);
        let mut generator = Generator::new(&settings);
        generator
            .generate_tokens(spec)
            .map_err(|e| e.to_string())
            .and_then(|tokens| {
                syn::parse2::<syn::File>(tokens)
                    .map(|file| prettyplease::unparse(&file))
                    .map_err(|e| format!("generated code does not parse: {e}"))
            })
    }));
    panic::set_hook(previous_hook);
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string())
    })
}

/// Regenerates each operation alone to name the one that makes progenitor panic.
fn locate_panic(file: &Path, spec: &OpenAPI, panic_message: &str) -> String {
    let mut culprits = Vec::new();
    for (path, item) in &spec.paths.paths {
        let Some(item) = item.as_item() else { continue };
        for (method, operation) in item.iter() {
            let mut single = spec.clone();
            let mut only = item.clone();
            for (other, _) in item.iter() {
                if other != method {
                    clear_method(&mut only, other);
                }
            }
            single.paths.paths.clear();
            single
                .paths
                .paths
                .insert(path.clone(), openapiv3::ReferenceOr::Item(only));
            if try_generate(&single).is_err() {
                let id = operation
                    .operation_id
                    .as_deref()
                    .unwrap_or("<no operationId>");
                culprits.push(format!(
                    "operation `{id}` ({} {path})",
                    method.to_uppercase()
                ));
            }
        }
    }
    let hint = if panic_message.contains("response_types.len() <= 1") {
        "each operation needs one success body type and one error body type (share one $ref, or drop the extra media type/status)"
    } else {
        "simplify the operation's request or responses"
    };
    if culprits.is_empty() {
        format!(
            "{}: progenitor panicked ({panic_message}); {hint}",
            file.display()
        )
    } else {
        format!(
            "{}: progenitor cannot generate {} ({panic_message}); {hint}",
            file.display(),
            culprits.join(", ")
        )
    }
}

fn clear_method(item: &mut openapiv3::PathItem, method: &str) {
    let slot = match method {
        "get" => &mut item.get,
        "put" => &mut item.put,
        "post" => &mut item.post,
        "delete" => &mut item.delete,
        "options" => &mut item.options,
        "head" => &mut item.head,
        "patch" => &mut item.patch,
        "trace" => &mut item.trace,
        _ => return,
    };
    *slot = None;
}
