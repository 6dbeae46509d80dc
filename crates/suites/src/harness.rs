//! The Site Builder's test harness: how its test binaries and the `sitebuilder` CLI plug the
//! embedded reference provider (`sb-provider`) into the generic runtime, which knows no
//! provider. Without `SB_BASE_URL` the contract tests run against a provider started here.

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
    let spec =
        crate::contract::spec(sitebuilder_contract::specs::GENERATION).map_err(|f| f.reason)?;
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
            crate::contract::spec(*s)
                .map(|spec| (spec.name.clone(), (*spec).clone()))
                .map_err(|f| f.reason)
        })
        .collect()
}
