//! The typed clients of one target, with a timeout on every call and failures that name
//! the operation, so the suites read as the workflows they test.

use std::fmt::{Debug, Display};
use std::future::Future;
use std::str::FromStr;
use std::time::Duration;

use progenitor_client::{Error as ClientError, ResponseValue};
use sb_runtime::{Failure, Target};
use sitebuilder_contract::{agents, generation, validation};

/// The three typed clients of a target, sending its main tenant's token.
pub struct Api {
    /// `openapi/generation-api.yaml`.
    pub generation: generation::Client,
    /// `openapi/agents-api.yaml`.
    pub agents: agents::Client,
    /// `openapi/validation-api.yaml`.
    pub validation: validation::Client,
    /// A plain client sending the same token, for what the typed clients cannot send (an
    /// empty prompt) or fetch (a logo URL as a browser would).
    pub http: reqwest::Client,
    base_url: String,
    tenant: String,
    call_timeout: Duration,
    sse_idle: Duration,
}

impl Api {
    /// Clients for `target`; every call is bounded by the target's `--timeout-secs`.
    pub fn new(target: &Target) -> Result<Api, Failure> {
        let token = crate::harness::token(target).map_err(Failure::new)?;
        let client = target
            .typed_http(&token)
            .map_err(|e| Failure::new(e.to_string()))?;
        let base_url = target.base_url().to_string();
        let options = target.options();
        Ok(Api {
            generation: generation::Client::new_with_client(&base_url, client.clone()),
            agents: agents::Client::new_with_client(&base_url, client.clone()),
            validation: validation::Client::new_with_client(&base_url, client.clone()),
            http: client,
            base_url,
            tenant: target.tenant().to_string(),
            call_timeout: Duration::from_secs(options.timeout_secs.max(1)),
            sse_idle: Duration::from_secs(options.sse_idle_secs.max(1)),
        })
    }

    /// The base URL (`http://127.0.0.1:PORT/v1`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The tenant as the typed parameter `T` (`GeneratePageTenantId`, `...XTenantId`).
    pub fn tenant<T>(&self) -> Result<T, Failure>
    where
        T: FromStr,
        T::Err: Display,
    {
        typed(&self.tenant, "the tenant")
    }

    /// The tenant's name.
    pub fn tenant_name(&self) -> &str {
        &self.tenant
    }

    /// Longest wait for one plain call, and the deadline of the polling loops.
    pub fn call_timeout(&self) -> Duration {
        self.call_timeout
    }

    /// Longest silence within an event stream before it counts as stalled.
    pub fn sse_idle(&self) -> Duration {
        self.sse_idle
    }

    /// Awaits a typed call within the call timeout; the client's own result is returned
    /// as is, so a caller can expect a documented error.
    pub async fn timed<T, E>(
        &self,
        what: &str,
        call: impl Future<Output = Result<ResponseValue<T>, ClientError<E>>>,
    ) -> Result<Result<ResponseValue<T>, ClientError<E>>, Failure> {
        tokio::time::timeout(self.call_timeout, call)
            .await
            .map_err(|_| {
                Failure::new(format!(
                    "{what}: no answer within {} s",
                    self.call_timeout.as_secs()
                ))
            })
    }

    /// Awaits a typed call that must succeed with a documented 2xx.
    pub async fn call<T, E: Debug>(
        &self,
        what: &str,
        call: impl Future<Output = Result<ResponseValue<T>, ClientError<E>>>,
    ) -> Result<ResponseValue<T>, Failure> {
        self.timed(what, call).await?.map_err(|e| describe(what, e))
    }
}

/// Parses `value` into the typed client's newtype `T`, naming `what` on failure.
pub fn typed<T>(value: &str, what: &str) -> Result<T, Failure>
where
    T: FromStr,
    T::Err: Display,
{
    value.parse().map_err(|e| {
        Failure::new(format!(
            "{what} `{value}` does not fit the typed client: {e}"
        ))
    })
}

/// One line describing a typed client's error.
pub fn describe<E: Debug>(what: &str, error: ClientError<E>) -> Failure {
    Failure::new(match error {
        ClientError::ErrorResponse(rv) => {
            format!(
                "{what}: status {}: {:?}",
                rv.status().as_u16(),
                rv.into_inner()
            )
        }
        ClientError::InvalidResponsePayload(bytes, e) => format!(
            "{what}: the response does not decode as the spec's type: {e}: {}",
            sb_runtime::request::preview(&bytes)
        ),
        ClientError::UnexpectedResponse(response) => {
            format!("{what}: undocumented status {}", response.status().as_u16())
        }
        other => format!("{what}: {other}"),
    })
}

/// Fails with `reason` unless `condition` holds (re-exported for the suites' modules).
pub(crate) fn ensure(condition: bool, reason: impl FnOnce() -> String) -> Result<(), Failure> {
    sb_runtime::outcome::ensure(condition, reason)
}

/// The Generation API's `info.version`, as the typed client was generated from it.
pub fn api_version() -> &'static str {
    <generation::Client as progenitor_client::ClientInfo<()>>::api_version()
}
