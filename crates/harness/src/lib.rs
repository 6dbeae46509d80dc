//! The Site Builder's test harness: how its test binaries and the `sitebuilder` CLI plug the
//! embedded reference provider (`sb-provider`) into the generic runtime, which knows no
//! provider. Without `SB_BASE_URL` the contract tests run against a provider started here.
//!
//! A crate of its own so that the contract suite (`crates/contract-suite`) builds on the
//! runtime, the provider and the typed clients alone, without waiting for the hand-written
//! suites, the diff or the generator.

use std::net::SocketAddr;

use sb_runtime::{Harness, LaunchFuture, Launched, Target, TargetOptions, target::TargetError};

/// The harness of the generated contract tests (`tests/contract`, `tests/contract_perf`)
/// and the suites: the embedded provider when no deployment is named.
pub static EMBEDDED: Harness = Harness {
    label: "the Site Builder specs (openapi/)",
    embedded: Some(launch_default),
};

fn launch_default(_options: TargetOptions) -> LaunchFuture {
    Box::pin(launch(sb_provider::Config::default()))
}

/// Starts a provider with `config` on an ephemeral loopback port, in the current runtime.
pub async fn launch(config: sb_provider::Config) -> Result<Launched, String> {
    let secret = config.jwt.hs256_secret.clone();
    let provider = sb_provider::start(config, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .map_err(|e| e.to_string())?;
    Ok(Launched {
        base_url: provider.base_url().to_string(),
        jwt_secret: secret,
        guard: Box::new(provider),
    })
}

/// A target on a provider started with `config` (fault tests switch a fault on), in the
/// current runtime; it stops when the target is dropped.
pub async fn embedded(
    config: sb_provider::Config,
    options: TargetOptions,
) -> Result<Target, TargetError> {
    let launched = launch(config).await.map_err(TargetError::Embedded)?;
    Target::launched(launched, options)
}

/// The JWT claim that carries the tenant in the Site Builder specs (`x-tenant.claim`; the
/// three specs agree, `lint` checks each). Read from the spec parsed once per process.
pub fn tenant_claim() -> Result<Option<String>, String> {
    let spec = source(sitebuilder_contract::specs::GENERATION)
        .spec()
        .map_err(|f| f.reason)?;
    Ok(spec
        .tenancy()
        .map_err(|e| e.to_string())?
        .and_then(|t| t.claim))
}

/// The main tenant's valid token for the Site Builder specs on `target`.
pub fn token(target: &Target) -> Result<String, String> {
    let claim = tenant_claim()?;
    target
        .tokens(claim.as_deref())
        .map(|t| t.valid().to_string())
        .map_err(|e| e.to_string())
}

/// The Site Builder specs as compiled in (`sitebuilder_contract::specs`), by name
/// (`generation`, `agents`, `validation`).
pub fn specs() -> Result<std::collections::BTreeMap<String, sb_spec::Spec>, String> {
    sitebuilder_contract::specs::ALL
        .iter()
        .map(|s| {
            source(*s)
                .spec()
                .map(|spec| (spec.name.clone(), (*spec).clone()))
                .map_err(|f| f.reason)
        })
        .collect()
}

/// A compiled-in spec as the runtime's source, which parses it once per process.
pub fn source(spec: sitebuilder_contract::specs::Spec) -> sb_runtime::SpecSource {
    sb_runtime::SpecSource {
        file: spec.file,
        text: spec.text,
    }
}
