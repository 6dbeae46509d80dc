//! Where the suites run and as whom: the same options for `verify`, `perf`, `compat --live`
//! and the test binaries (which read them from `SB_*` environment variables).

/// Where the suites run and as whom; the same options for `verify`, `perf`, `compat --live`
/// and the test binaries (which read them from `SB_*` environment variables).
#[derive(clap::Args, Clone, Debug)]
pub struct TargetOptions {
    /// Base URL of a deployment, e.g. https://api.dev.kimmyai.io/v1 (default: start the
    /// embedded reference provider).
    #[arg(long, env = "SB_BASE_URL")]
    pub base_url: Option<String>,
    /// HS256 secret to mint tokens with (enables the expired and wrong-signature checks).
    #[arg(long, env = "SB_JWT_SECRET")]
    pub jwt_secret: Option<String>,
    /// A valid token of `--tenant`, when the secret is not known.
    #[arg(long, env = "SB_TOKEN")]
    pub token: Option<String>,
    /// A valid token of `--other-tenant`, for the tenant isolation checks.
    #[arg(long, env = "SB_OTHER_TENANT_TOKEN")]
    pub other_tenant_token: Option<String>,
    /// The tenant whose resources the spec's examples name.
    #[arg(long, env = "SB_TENANT", default_value = "test-tenant")]
    pub tenant: String,
    /// A second tenant, used to check isolation.
    #[arg(long, env = "SB_OTHER_TENANT", default_value = "other-tenant")]
    pub other_tenant: String,
    /// An origin the deployment allows, for the CORS checks (default: the first of the
    /// spec's `x-cors.allowedOrigins`).
    #[arg(long, env = "SB_ALLOWED_ORIGIN")]
    pub allowed_origin: Option<String>,
    /// Timeout in seconds for one whole plain or typed exchange: connect, headers and the
    /// whole body (streams are bounded by their `x-slo` budget and `--sse-idle-secs`).
    #[arg(long, env = "SB_TIMEOUT_SECS", default_value_t = 30)]
    pub timeout_secs: u64,
    /// Longest silence in seconds within an event stream before it counts as stalled.
    #[arg(long, env = "SB_SSE_IDLE_SECS", default_value_t = 15)]
    pub sse_idle_secs: u64,
    /// Most bytes of one response body a check reads; a larger body fails as oversize
    /// instead of being buffered (default 16 MiB).
    #[arg(long, env = "SB_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
    /// Clock skew in seconds a deployment may tolerate on `exp` and `nbf`: tokens expired
    /// (or not yet valid) by a little more than this must be refused.
    #[arg(long, env = "SB_JWT_LEEWAY_SECS", default_value_t = 60)]
    pub jwt_leeway_secs: u64,
    /// Seed of the generated inputs (`generated_positive`, `generated_negative`): the same
    /// seed gives the same cases; a failure names the seed it ran with.
    #[arg(long, env = "SB_SEED", default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Most generated cases per operation, for valid and for invalid inputs each (1 to 512).
    #[arg(long, env = "SB_CASES", default_value_t = DEFAULT_CASES,
          value_parser = parse_cases)]
    pub cases: usize,
    /// Longest wait in milliseconds for each `x-poll` relation to reach its final value, in
    /// place of the spec's `timeoutMs` (1 to 120000). The spec's value is the contract; a
    /// shorter one fails a stuck resource sooner in a quick loop against a fast target.
    #[arg(long, env = "SB_POLL_TIMEOUT_MS", value_parser = parse_poll_timeout)]
    pub poll_timeout_ms: Option<u64>,
}

/// `--poll-timeout-ms`: from 1 to the longest `timeoutMs` a spec may declare.
fn parse_poll_timeout(text: &str) -> Result<u64, String> {
    let max = MAX_POLL_TIMEOUT_MS;
    match text.parse::<u64>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "`{text}` is not a number of milliseconds from 1 to {max}"
        )),
    }
}

/// `--cases`: a whole number from 1 to [`MAX_CASES`].
fn parse_cases(text: &str) -> Result<usize, String> {
    let max = MAX_CASES;
    match text.parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!("`{text}` is not a number of cases from 1 to {max}")),
    }
}

/// The seed of the generated inputs when none is given (`--seed`, `SB_SEED`).
pub const DEFAULT_SEED: u64 = 16;
/// Generated cases per operation and check when no budget is given (`--cases`, `SB_CASES`):
/// every positive and negative of the three specs fits, and the suite stays fast.
pub const DEFAULT_CASES: usize = 32;
/// The largest budget of generated cases accepted; larger ones are clamped to it.
pub const MAX_CASES: usize = 512;
/// The longest `--poll-timeout-ms`: the longest `timeoutMs` a spec's `x-poll` may declare
/// (`sb_spec::relations::POLL_MAX_TIMEOUT_MS`, held equal by a test in
/// `crates/runtime/tests/runtime/plan`).
pub const MAX_POLL_TIMEOUT_MS: u64 = 120_000;

/// The default cap on one response body: 16 MiB, far above any Site Builder answer and far
/// below what would strain a CI machine running checks in parallel.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 << 20;

impl Default for TargetOptions {
    fn default() -> Self {
        TargetOptions {
            base_url: None,
            jwt_secret: None,
            token: None,
            other_tenant_token: None,
            tenant: "test-tenant".into(),
            other_tenant: "other-tenant".into(),
            allowed_origin: None,
            timeout_secs: 30,
            sse_idle_secs: 15,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            jwt_leeway_secs: 60,
            seed: DEFAULT_SEED,
            cases: DEFAULT_CASES,
            poll_timeout_ms: None,
        }
    }
}

impl TargetOptions {
    /// Reads the options from the `SB_*` environment variables (as the test binaries do).
    pub fn from_env() -> TargetOptions {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let defaults = TargetOptions::default();
        TargetOptions {
            base_url: var("SB_BASE_URL"),
            jwt_secret: var("SB_JWT_SECRET"),
            token: var("SB_TOKEN"),
            other_tenant_token: var("SB_OTHER_TENANT_TOKEN"),
            tenant: var("SB_TENANT").unwrap_or(defaults.tenant),
            other_tenant: var("SB_OTHER_TENANT").unwrap_or(defaults.other_tenant),
            allowed_origin: var("SB_ALLOWED_ORIGIN"),
            timeout_secs: var("SB_TIMEOUT_SECS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(defaults.timeout_secs),
            sse_idle_secs: var("SB_SSE_IDLE_SECS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(defaults.sse_idle_secs),
            max_body_bytes: var("SB_MAX_BODY_BYTES")
                .and_then(|v| v.parse().ok())
                .filter(|&n| n > 0)
                .unwrap_or(defaults.max_body_bytes),
            jwt_leeway_secs: var("SB_JWT_LEEWAY_SECS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(defaults.jwt_leeway_secs),
            seed: var("SB_SEED")
                .and_then(|v| v.parse().ok())
                .unwrap_or(defaults.seed),
            cases: var("SB_CASES")
                .and_then(|v| parse_cases(&v).ok())
                .unwrap_or(defaults.cases),
            poll_timeout_ms: var("SB_POLL_TIMEOUT_MS").and_then(|v| parse_poll_timeout(&v).ok()),
        }
    }

    /// The environment variables that carry these options to a test binary.
    pub fn to_env(&self) -> Vec<(&'static str, String)> {
        let mut env = vec![
            ("SB_TENANT", self.tenant.clone()),
            ("SB_OTHER_TENANT", self.other_tenant.clone()),
            ("SB_TIMEOUT_SECS", self.timeout_secs.to_string()),
            ("SB_SSE_IDLE_SECS", self.sse_idle_secs.to_string()),
            ("SB_MAX_BODY_BYTES", self.max_body_bytes.to_string()),
            ("SB_JWT_LEEWAY_SECS", self.jwt_leeway_secs.to_string()),
            ("SB_SEED", self.seed.to_string()),
            ("SB_CASES", self.cases.to_string()),
        ];
        if let Some(ms) = self.poll_timeout_ms {
            env.push(("SB_POLL_TIMEOUT_MS", ms.to_string()));
        }
        let optional = [
            ("SB_BASE_URL", &self.base_url),
            ("SB_JWT_SECRET", &self.jwt_secret),
            ("SB_TOKEN", &self.token),
            ("SB_OTHER_TENANT_TOKEN", &self.other_tenant_token),
            ("SB_ALLOWED_ORIGIN", &self.allowed_origin),
        ];
        env.extend(
            optional
                .into_iter()
                .filter_map(|(name, value)| value.clone().map(|v| (name, v))),
        );
        env
    }

    /// A short description for reports: "embedded reference provider" or the base URL.
    pub fn describe(&self) -> String {
        match &self.base_url {
            Some(url) => url.clone(),
            None => "embedded reference provider".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poll_timeout_is_bounded_and_carried_to_the_test_binaries() {
        assert_eq!(parse_poll_timeout("2000"), Ok(2000));
        for bad in ["0", "120001", "-5", "soon"] {
            let error = parse_poll_timeout(bad).expect_err(bad);
            assert!(error.contains(bad) && error.contains("120000"), "{error}");
        }
        let options = TargetOptions {
            poll_timeout_ms: Some(1500),
            ..TargetOptions::default()
        };
        assert!(
            options
                .to_env()
                .contains(&("SB_POLL_TIMEOUT_MS", "1500".to_string()))
        );
        assert!(
            !TargetOptions::default()
                .to_env()
                .iter()
                .any(|(name, _)| *name == "SB_POLL_TIMEOUT_MS")
        );
    }
}
