//! The k6 emitter behind `cargo xtask k6`: one k6 script (JavaScript) per spec, read from the
//! same contract model as the Rust tests. Each operation becomes a `constant-arrival-rate`
//! scenario (an open model: requests leave on schedule whether or not the API keeps up), its
//! request built from the spec's examples the way `sb-runtime` builds it, `check`s for the
//! documented status and content type, and thresholds from its `x-slo`. The output is
//! deterministic (operations sorted by path and method) so it can be committed and checked.

use std::fmt::Write as _;
use std::path::Path;

use sb_plan::examples;
use sb_spec::{Location, Operation, Spec, media_essence};
use serde_json::Value;

use crate::GenError;
use crate::project::{Output, project_specs};

/// Where the project's scripts live, relative to the workspace root.
pub const PROJECT_OUT: &str = "tests/k6";

/// The command that regenerates the project's scripts.
pub const PROJECT_COMMAND: &str = "cargo xtask k6";

/// The rate of an operation whose `x-slo` gives no `ratePerMinute`: one request a second is
/// enough to measure a latency distribution without turning a smoke run into a stress test.
/// `SB_K6_RATE` replaces every scenario's rate.
pub const DEFAULT_RATE_PER_MINUTE: u64 = 60;

/// The failed share an operation may have when its `x-slo` gives no `errorPct`: none, so that
/// a broken status turns the run red even in a run of a few seconds. `SB_K6_ERROR_RATE`
/// replaces it.
pub const DEFAULT_ERROR_RATE: &str = "0";

/// VUs k6 allocates up front for a scenario of a request/response operation; a stream's
/// scenario allocates its `concurrentCalls` (streams stay open for seconds). `SB_K6_VUS`
/// replaces them; k6 adds VUs up to `maxVUs` when the API slows down.
pub const DEFAULT_VUS: u64 = 2;

/// How many times the pre-allocated VUs k6 may grow to when answers slow down, before it
/// reports dropped iterations instead of sending late.
pub const MAX_VUS_FACTOR: u64 = 5;

/// One generated script and what it covers.
#[derive(Debug, Clone)]
pub struct Script {
    pub source: String,
    /// The operationIds that got a scenario.
    pub scenarios: Vec<String>,
    /// Operations left out, with why.
    pub skipped: Vec<(String, String)>,
}

/// The header facts of one script.
#[derive(Debug, Clone)]
pub struct K6Options {
    /// The spec as named in the header (`openapi/agents-api.yaml`).
    pub spec_label: String,
    /// The regenerate command written in the header.
    pub command: String,
    /// The path of the script, as a run command names it.
    pub script_path: String,
}

/// The project's scripts: `openapi/<name>-api.yaml` to `tests/k6/<name>.js`.
pub fn project_outputs(root: &Path) -> Result<Vec<(Output, Script)>, GenError> {
    let mut outputs = Vec::new();
    for (file, module) in project_specs(root)? {
        let spec = Spec::load(&root.join(&file)).map_err(|e| GenError {
            file: file.clone(),
            message: e.to_string(),
        })?;
        let path = Path::new(PROJECT_OUT).join(format!("{module}.js"));
        let options = K6Options {
            spec_label: file.clone(),
            command: PROJECT_COMMAND.to_string(),
            script_path: path.display().to_string(),
        };
        let script = script(&spec, &options)?;
        outputs.push((
            Output {
                path,
                text: script.source.clone(),
            },
            script,
        ));
    }
    Ok(outputs)
}

/// A JavaScript string literal (JSON's string syntax is JavaScript's).
fn js(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

/// A JavaScript identifier for an operationId.
fn ident(id: &str) -> String {
    let mut out: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// An example as the text that goes into a URL or header (as `sb-runtime` writes it).
fn example_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// How one operation's request is made, as JavaScript expressions.
struct Request {
    /// The URL after the base: a template literal body.
    url: String,
    /// `[name, expression]` headers.
    headers: Vec<(String, String)>,
    /// The JSON body, serialised, and its media type.
    body: Option<(String, String)>,
}

fn request(spec: &Spec, op: &Operation) -> Result<Request, String> {
    let mut path = String::new();
    // The template literal of the path: `{name}` segments become `${...}` substitutions.
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        path.push_str(&rest[..open].replace('`', "\\`").replace("${", "\\${"));
        let name = &rest[open + 1..open + close];
        let param = op
            .parameter(Location::Path, name)
            .ok_or_else(|| format!("path parameter `{name}` is not declared"))?;
        let expr = if op.is_tenant_param(param) {
            "TENANT".to_string()
        } else {
            let example = examples::param_example(spec, param)
                .ok_or_else(|| format!("path parameter `{name}` has no example"))?;
            js(&example_text(&example))
        };
        write!(path, "${{encodeURIComponent({expr})}}").expect("writing to a String");
        rest = &rest[open + close + 1..];
    }
    path.push_str(&rest.replace('`', "\\`").replace("${", "\\${"));
    let mut query = Vec::new();
    for param in op.query_params() {
        // Optional query parameters only when the spec shows them (as sb-runtime does).
        if !(param.required || param.example.is_some()) {
            continue;
        }
        let example = examples::param_example(spec, param)
            .ok_or_else(|| format!("query parameter `{}` has no example", param.name))?;
        query.push(format!(
            "{}=${{encodeURIComponent({})}}",
            param.name,
            js(&example_text(&example))
        ));
    }
    if !query.is_empty() {
        path.push('?');
        path.push_str(&query.join("&"));
    }
    let mut headers = Vec::new();
    if !op.is_public() {
        headers.push(("Authorization".to_string(), "`Bearer ${TOKEN}`".to_string()));
    }
    for param in op.header_params() {
        if op.is_tenant_param(param) {
            headers.push((param.name.clone(), "TENANT".to_string()));
        } else if param.required || param.example.is_some() {
            let example = examples::param_example(spec, param)
                .ok_or_else(|| format!("header `{}` has no example", param.name))?;
            headers.push((param.name.clone(), js(&example_text(&example))));
        }
    }
    let body = match &op.request_body {
        None => None,
        Some(body) => {
            let example = examples::body_example(spec, body)
                .ok_or_else(|| "the request body has no example".to_string())?;
            headers.push(("Content-Type".to_string(), js(&body.media_type)));
            Some((
                serde_json::to_string(&example).expect("a JSON value serialises"),
                body.media_type.clone(),
            ))
        }
    };
    Ok(Request {
        url: path,
        headers,
        body,
    })
}

/// The documented success status of `op` as a k6 status list: `200`, or the range of "2XX".
fn success_statuses(op: &Operation) -> Option<(String, String)> {
    let success = op.success()?;
    Some(match success.status.parse::<u16>() {
        Ok(code) => (code.to_string(), format!("r.status === {code}")),
        Err(_) => (
            "{ min: 200, max: 299 }".to_string(),
            "r.status >= 200 && r.status < 300".to_string(),
        ),
    })
}

/// Thresholds of one scenario, from its `x-slo`.
fn thresholds(op: &Operation) -> Vec<(String, Vec<String>)> {
    let id = &op.id;
    let mut out = Vec::new();
    let slo = &op.slo;
    let mut duration = Vec::new();
    // `x-slo` budgets are exclusive (the perf suite fails at `>=`), so `<` here.
    if let Some(avg) = slo.avg_ms {
        duration.push(format!("avg<{avg}"));
    }
    if let Some(p95) = slo.p95_ms {
        duration.push(format!("p(95)<{p95}"));
    }
    if let Some(max) = slo.max_ms {
        duration.push(format!("max<{max}"));
    }
    if !duration.is_empty() {
        out.push((format!("http_req_duration{{scenario:{id}}}"), duration));
    }
    if op.is_sse()
        && let Some(last) = slo.last_chunk_ms
    {
        out.push((
            format!("time_to_last_event{{scenario:{id}}}"),
            vec![format!("max<{last}")],
        ));
    }
    out
}

/// The script of one spec.
pub fn script(spec: &Spec, options: &K6Options) -> Result<Script, GenError> {
    let operations = spec.operations().map_err(|e| GenError {
        file: options.spec_label.clone(),
        message: e.to_string(),
    })?;
    let mut scenarios = Vec::new();
    let mut skipped = Vec::new();
    for op in &operations {
        let Some(status) = success_statuses(op) else {
            skipped.push((op.id.clone(), "it documents no 2xx response".to_string()));
            continue;
        };
        match request(spec, op) {
            Ok(request) => scenarios.push((op, request, status)),
            Err(reason) => skipped.push((op.id.clone(), reason)),
        }
    }
    let server = spec
        .servers()
        .first()
        .map(|(url, _)| url.clone())
        .unwrap_or_default();
    let tenancy = operations.iter().find_map(|o| o.tenancy.clone());
    let any_stream = scenarios.iter().any(|(op, ..)| op.is_sse());

    let mut s = String::new();
    let w = &mut s;
    // Header.
    line(
        w,
        &format!(
            "// k6 load script for {} ({} {}), one open-model scenario per operation.",
            options.spec_label,
            spec.title(),
            spec.version()
        ),
    );
    line(
        w,
        &format!(
            "// Generated from the contract model by `{}`; do not edit, regenerate.",
            options.command
        ),
    );
    line(w, "//");
    line(w, &format!("//   k6 run {}", options.script_path));
    line(
        w,
        &format!(
            "//   k6 run --execution-segment 0:1/2 {}   # and 1/2:1 on another machine",
            options.script_path
        ),
    );
    line(w, "//");
    line(
        w,
        "// Environment (the same names as the other target options, see README.md):",
    );
    line(
        w,
        &format!("//   SB_BASE_URL      the API root (default: the spec's first server, {server})"),
    );
    line(
        w,
        "//   SB_TOKEN         the bearer token (`cargo xtask token --tenant test-tenant` for the provider)",
    );
    if let Some(t) = &tenancy {
        let carriers: Vec<String> = [
            t.header.as_ref().map(|h| format!("the {h} header")),
            t.path_parameter.as_ref().map(|p| format!("{{{p}}}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        line(
            w,
            &format!(
                "//   SB_TENANT        the tenant, sent as {} (x-tenant; default test-tenant)",
                carriers.join(" and ")
            ),
        );
    }
    line(
        w,
        &format!(
            "//   SB_K6_RATE       requests per minute of every scenario (default: the operation's x-slo ratePerMinute, else {DEFAULT_RATE_PER_MINUTE})"
        ),
    );
    line(
        w,
        "//   SB_K6_DURATION   how long each scenario sends (default 1m)",
    );
    line(
        w,
        &format!(
            "//   SB_K6_VUS        VUs allocated per scenario (default {DEFAULT_VUS}; a stream's: its x-slo concurrentCalls); maxVUs is {MAX_VUS_FACTOR} times that"
        ),
    );
    line(
        w,
        &format!(
            "//   SB_K6_ERROR_RATE failed share allowed where x-slo gives no errorPct (default {DEFAULT_ERROR_RATE})"
        ),
    );
    line(w, "//");
    line(
        w,
        "// Thresholds come from each operation's x-slo (openapi/EXTENSIONS.md): avgMs, p95Ms and maxMs",
    );
    line(
        w,
        "// on the scenario's http_req_duration, errorPct on its http_req_failed; a crossed threshold",
    );
    line(
        w,
        "// makes k6 exit with code 99. Checks must pass at the same rate.",
    );
    if any_stream {
        line(w, "//");
        line(
            w,
            "// A stream is read whole: k6 (without extensions) sees the time to its last event and the",
        );
        line(
            w,
            "// events in the body, not when each arrived. Time to the first chunk (x-slo firstChunkMs) is",
        );
        line(
            w,
            "// measured by `cargo xtask perf` (tests/reports/performance_report.md).",
        );
    }
    line(w, "");
    line(w, "import http from 'k6/http';");
    line(w, "import { check } from 'k6';");
    if any_stream {
        line(w, "import { Trend } from 'k6/metrics';");
    }
    line(w, "");
    line(
        w,
        &format!(
            "const BASE_URL = (__ENV.SB_BASE_URL || {}).replace(/\\/+$/, '');",
            js(&server)
        ),
    );
    line(w, "const TOKEN = __ENV.SB_TOKEN || '';");
    if tenancy.is_some() {
        line(w, "const TENANT = __ENV.SB_TENANT || 'test-tenant';");
    }
    line(w, "const DURATION = __ENV.SB_K6_DURATION || '1m';");
    line(
        w,
        &format!(
            "const ERROR_RATE = Number(__ENV.SB_K6_ERROR_RATE || {});",
            js(DEFAULT_ERROR_RATE)
        ),
    );
    line(w, "");
    line(
        w,
        "// Requests per minute: SB_K6_RATE for every scenario, else the operation's own.",
    );
    line(w, "function rate(perMinute) {");
    line(
        w,
        "  return __ENV.SB_K6_RATE ? Number(__ENV.SB_K6_RATE) : perMinute;",
    );
    line(w, "}");
    line(w, "");
    line(w, "function vus(preset) {");
    line(
        w,
        "  return __ENV.SB_K6_VUS ? Number(__ENV.SB_K6_VUS) : preset;",
    );
    line(w, "}");
    line(w, "");
    line(
        w,
        "// The failed share a scenario may have: its x-slo errorPct, else SB_K6_ERROR_RATE.",
    );
    line(w, "function errorRate(percent) {");
    line(
        w,
        "  return percent === undefined ? ERROR_RATE : percent / 100;",
    );
    line(w, "}");
    line(w, "");
    line(
        w,
        "// The media type without parameters, lowercase (`text/event-stream; charset=utf-8`).",
    );
    line(w, "function essence(r) {");
    line(
        w,
        "  return String(r.headers['Content-Type'] || '').split(';')[0].trim().toLowerCase();",
    );
    line(w, "}");
    if any_stream {
        line(w, "");
        line(
            w,
            "// The JSON of each `data:` field of an event-stream body, in order (null where it is not JSON).",
        );
        line(w, "function sseEvents(body) {");
        line(w, "  const events = [];");
        line(
            w,
            "  for (const block of String(body || '').split(/\\r?\\n\\r?\\n/)) {",
        );
        line(w, "    const data = block");
        line(w, "      .split(/\\r?\\n/)");
        line(w, "      .filter((l) => l.startsWith('data:'))");
        line(w, "      .map((l) => l.slice(5).replace(/^ /, ''))");
        line(w, "      .join('\\n');");
        line(w, "    if (data === '') continue;");
        line(w, "    try {");
        line(w, "      events.push(JSON.parse(data));");
        line(w, "    } catch (e) {");
        line(w, "      events.push(null);");
        line(w, "    }");
        line(w, "  }");
        line(w, "  return events;");
        line(w, "}");
        line(w, "");
        line(
            w,
            "// From the request until the last byte of the stream, i.e. its terminal event.",
        );
        line(
            w,
            "export const timeToLastEvent = new Trend('time_to_last_event', true);",
        );
    }
    line(w, "");

    // Options.
    line(w, "export const options = {");
    line(w, "  scenarios: {");
    for (op, ..) in &scenarios {
        let id = &op.id;
        let rate = op.slo.rate_per_minute.unwrap_or(DEFAULT_RATE_PER_MINUTE);
        let preset = if op.is_sse() {
            op.slo.concurrent_calls.unwrap_or(DEFAULT_VUS)
        } else {
            DEFAULT_VUS
        };
        let source = match op.slo.rate_per_minute {
            Some(_) => "x-slo ratePerMinute",
            None => "default rate",
        };
        line(w, &format!("    {}: {{", js(id)));
        line(w, "      executor: 'constant-arrival-rate',");
        line(w, &format!("      exec: {},", js(&ident(id))));
        line(w, &format!("      rate: rate({rate}), // {source}"));
        line(w, "      timeUnit: '1m',");
        line(w, "      duration: DURATION,");
        line(w, &format!("      preAllocatedVUs: vus({preset}),"));
        line(
            w,
            &format!("      maxVUs: vus({preset}) * {MAX_VUS_FACTOR},"),
        );
        line(w, "    },");
    }
    line(w, "  },");
    line(w, "  thresholds: {");
    for (op, ..) in &scenarios {
        let id = &op.id;
        for (metric, rules) in thresholds(op) {
            let rules: Vec<String> = rules.iter().map(|r| js(r)).collect();
            line(w, &format!("    {}: [{}],", js(&metric), rules.join(", ")));
        }
        let pct = op
            .slo
            .error_pct
            .map_or_else(|| "undefined".to_string(), |p| p.to_string());
        line(
            w,
            &format!(
                "    {}: [`rate<=${{errorRate({pct})}}`],",
                js(&format!("http_req_failed{{scenario:{id}}}"))
            ),
        );
        line(
            w,
            &format!(
                "    {}: [`rate>=${{1 - errorRate({pct})}}`],",
                js(&format!("checks{{scenario:{id}}}"))
            ),
        );
    }
    line(w, "  },");
    line(w, "};");

    // One function per scenario.
    for (op, request, (expected, status_check)) in &scenarios {
        line(w, "");
        let summary = op.summary.as_deref().unwrap_or_default();
        line(
            w,
            &format!(
                "// {} {} ({}){}",
                op.method.to_uppercase(),
                op.path,
                op.pointer,
                if summary.is_empty() {
                    String::new()
                } else {
                    format!(": {summary}")
                }
            ),
        );
        line(w, &format!("export function {}() {{", ident(&op.id)));
        line(w, "  const params = {");
        line(w, "    headers: {");
        for (name, expr) in &request.headers {
            line(w, &format!("      {}: {expr},", js(name)));
        }
        line(w, "    },");
        line(
            w,
            &format!(
                "    tags: {{ name: {}, operation: {} }},",
                js(&format!("{} {}", op.method.to_uppercase(), op.path)),
                js(&op.id)
            ),
        );
        line(
            w,
            &format!(
                "    // Any other status, documented or not, counts as failed in http_req_failed.\n    responseCallback: http.expectedStatuses({expected}),"
            ),
        );
        if op.is_sse()
            && let Some(last) = op.slo.last_chunk_ms
        {
            line(
                w,
                "    // x-slo lastChunkMs is also the longest a stream is read.",
            );
            line(w, &format!("    timeout: '{last}ms',"));
        }
        line(w, "  };");
        let body = match &request.body {
            // The example as a JavaScript object literal (JSON is one), serialised per request.
            Some((json, _)) => format!("JSON.stringify({json})"),
            None => "null".to_string(),
        };
        line(
            w,
            &format!(
                "  const r = http.request({}, `${{BASE_URL}}{}`, {body}, params);",
                js(&op.method.to_uppercase()),
                request.url
            ),
        );
        let success = op.success().expect("scenarios have a success response");
        let media = success
            .content
            .iter()
            .map(|m| media_essence(&m.name))
            .collect::<Vec<_>>();
        let mut checks = vec![(
            format!("status is {}", success.status),
            status_check.clone(),
        )];
        if !media.is_empty() {
            let list: Vec<String> = media.iter().map(|m| js(m)).collect();
            checks.push((
                format!("content type is {}", media.join(" or ")),
                format!("[{}].includes(essence(r))", list.join(", ")),
            ));
        }
        if let Some(stream) = &op.stream {
            line(w, "  timeToLastEvent.add(r.timings.duration);");
            line(
                w,
                &format!(
                    "  const kinds = sseEvents(r.body).map((e) => (e === null ? null : e[{}]));",
                    js(&stream.property)
                ),
            );
            if let Some(semantics) = &stream.semantics {
                let terminal: Vec<String> = semantics.terminal.iter().map(|t| js(t)).collect();
                line(
                    w,
                    &format!(
                        "  const terminal = [{}]; // x-stream terminal",
                        terminal.join(", ")
                    ),
                );
                checks.push((
                    format!(
                        "stream ends with one terminal event ({})",
                        semantics.terminal.join(", ")
                    ),
                    "kinds.length > 0 && terminal.includes(kinds[kinds.length - 1]) && kinds.filter((k) => terminal.includes(k)).length === 1".to_string(),
                ));
                if let Some(done) = &semantics.success {
                    checks.push((
                        format!("stream ends with {done} (x-stream success)"),
                        format!("kinds[kinds.length - 1] === {}", js(done)),
                    ));
                }
            } else {
                checks.push((
                    "stream carries events".to_string(),
                    "kinds.length > 0 && !kinds.includes(null)".to_string(),
                ));
            }
        }
        line(w, "  check(r, {");
        for (name, expr) in &checks {
            line(w, &format!("    {}: (r) => {expr},", js(name)));
        }
        line(w, "  });");
        line(w, "}");
    }
    if !skipped.is_empty() {
        line(w, "");
        line(w, "// Not generated:");
        for (id, reason) in &skipped {
            line(w, &format!("//   {id}: {reason}"));
        }
    }
    Ok(Script {
        source: s,
        scenarios: scenarios.iter().map(|(op, ..)| op.id.clone()).collect(),
        skipped,
    })
}

fn line(out: &mut String, text: &str) {
    out.push_str(text);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        Spec::from_str(
            Path::new("t-api.yaml"),
            r#"
openapi: 3.0.3
info: {title: T, version: '2'}
servers: [{url: 'http://127.0.0.1:9/v1'}]
x-tenant: {header: X-Tenant-Id, pathParameter: tenantId}
security: [{bearer: []}]
paths:
  /t/{tenantId}/things/{id}:
    get:
      operationId: getThing
      x-slo: {avgMs: 7, p95Ms: 9, ratePerMinute: 30, errorPct: 2}
      parameters:
        - {name: tenantId, in: path, required: true, schema: {type: string}}
        - {name: id, in: path, required: true, schema: {type: string}, example: thing-1}
        - {name: X-Tenant-Id, in: header, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {type: object}}}
  /open:
    get:
      operationId: open
      security: []
      responses:
        '204': {description: none}
  /coded/{code}:
    get:
      operationId: coded
      parameters:
        - {name: code, in: path, required: true, schema: {type: string, pattern: '^[A-Z]$'}}
      responses:
        '200': {description: ok}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
"#,
        )
        .unwrap()
    }

    fn options() -> K6Options {
        K6Options {
            spec_label: "t-api.yaml".into(),
            command: "cargo xtask k6".into(),
            script_path: "t.js".into(),
        }
    }

    #[test]
    fn a_scenario_per_operation_with_thresholds_from_x_slo() {
        let script = script(&spec(), &options()).unwrap();
        let js = &script.source;
        // `coded` has no example, but its pattern makes one (sb_plan::examples::pattern_value).
        assert_eq!(script.scenarios, ["coded", "open", "getThing"]);
        assert!(script.skipped.is_empty(), "{:?}", script.skipped);
        assert!(
            js.contains("rate: rate(30), // x-slo ratePerMinute"),
            "{js}"
        );
        assert!(js.contains(&format!(
            "rate: rate({DEFAULT_RATE_PER_MINUTE}), // default rate"
        )));
        assert!(js.contains(r#""http_req_duration{scenario:getThing}": ["avg<7", "p(95)<9"],"#));
        assert!(js.contains(r#""http_req_failed{scenario:getThing}": [`rate<=${errorRate(2)}`],"#));
        assert!(
            js.contains(r#""http_req_failed{scenario:open}": [`rate<=${errorRate(undefined)}`],"#)
        );
        assert!(js.contains(
            "`${BASE_URL}/t/${encodeURIComponent(TENANT)}/things/${encodeURIComponent(\"thing-1\")}`"
        ));
        assert!(js.contains("\"X-Tenant-Id\": TENANT,"));
        assert!(js.contains("responseCallback: http.expectedStatuses(204),"));
        // The public operation sends no token.
        let open = js.split("export function open()").nth(1).unwrap();
        assert!(
            !open
                .split("export function")
                .next()
                .unwrap()
                .contains("Authorization")
        );
        assert!(!js.contains("Trend"), "no stream, no stream metric");
    }

    #[test]
    fn deterministic() {
        assert_eq!(
            script(&spec(), &options()).unwrap().source,
            script(&spec(), &options()).unwrap().source
        );
    }
}
