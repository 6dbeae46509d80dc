//! The typed side of the conformance family: generated tests build the request from the
//! spec's examples as progenitor types and read the response through the typed client, so
//! a spec change that is not regenerated breaks their compilation.

use std::fmt::Debug;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt;
use progenitor_client::{ByteStream, Error as ClientError, ResponseValue};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::cause::{Cause, Phase};
use crate::context::Ctx;
use crate::outcome::{Failure, Outcome, ensure, fail};
use sb_stream::body::BodyLimits;
use sb_stream::{Judged, SseReader};

/// The context handed to a generated typed check.
pub struct Typed {
    ctx: Ctx<'static>,
    /// A failure that may mean the target is gone (no connection, no response head), handed
    /// back to [`crate::evaluate_typed`] for the target's circuit breaker (the judging
    /// methods are synchronous; the breaker's probe is not).
    connect_failure: ConnectFailure,
}

/// Where a typed check leaves a failure that may mean the target is gone, for the circuit
/// breaker.
pub(crate) type ConnectFailure = Arc<Mutex<Option<Cause>>>;

impl Typed {
    pub(crate) fn new(ctx: Ctx<'static>, connect_failure: ConnectFailure) -> Typed {
        Typed {
            ctx,
            connect_failure,
        }
    }

    /// The base URL for `Client::new_with_client`.
    pub fn base_url(&self) -> &str {
        self.ctx.target.base_url()
    }

    /// A reqwest client that sends the main tenant's token (progenitor ignores security).
    /// For a JSON operation it bounds each whole exchange, body included, by
    /// `--timeout-secs`; a stream's events are bounded by the stream's own limits.
    pub fn client(&self) -> Result<reqwest::Client, Failure> {
        let total = (!self.ctx.op.is_sse()).then(|| self.ctx.target.timeout());
        self.ctx
            .target
            .typed_http_within(self.ctx.token(), total)
            .map_err(|e| fail(e.to_string()))
    }

    /// Parameter `name` from its example (the target's tenant for tenant parameters),
    /// decoded as the progenitor type the call expects.
    pub fn param<T: DeserializeOwned>(&self, name: &str) -> Result<T, Failure> {
        self.param_opt(name)?.ok_or_else(|| {
            fail(format!(
                "{}: parameter `{name}` has no example; add one to the spec",
                self.ctx.op.id
            ))
        })
    }

    /// An optional parameter: `None` when the spec gives no example.
    pub fn param_opt<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Failure> {
        let param = self
            .ctx
            .op
            .parameters
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| fail(format!("{}: no parameter `{name}`", self.ctx.op.id)))?;
        let value = if self.ctx.op.is_tenant_param(param) {
            Some(Value::String(self.ctx.target.tenant().to_string()))
        } else {
            crate::examples::param_example(&self.ctx.spec, param)
        };
        value
            .map(|v| {
                serde_json::from_value(v).map_err(|e| {
                    fail(format!(
                        "{}: the example of `{name}` does not fit the typed client: {e}",
                        self.ctx.op.id
                    ))
                })
            })
            .transpose()
    }

    /// The request body's example decoded as the typed request.
    pub fn body<T: DeserializeOwned>(&self) -> Result<T, Failure> {
        let example = self
            .ctx
            .op
            .request_body
            .as_ref()
            .and_then(|b| crate::examples::body_example(&self.ctx.spec, b))
            .ok_or_else(|| {
                fail(format!(
                    "{}: the request body has no example",
                    self.ctx.op.id
                ))
            })?;
        serde_json::from_value(example).map_err(|e| {
            fail(format!(
                "{}: the request body example does not fit the typed request: {e}",
                self.ctx.op.id
            ))
        })
    }

    fn expect_status(&self, status: u16) -> Outcome {
        let success = self
            .ctx
            .op
            .success()
            .map(|r| r.status.clone())
            .unwrap_or_default();
        ensure(success == status.to_string(), || {
            format!("typed client got status {status}, the spec's success is {success}")
        })
    }

    /// A JSON response decoded by the typed client.
    pub fn json<T: Debug, E: Debug>(
        &self,
        result: Result<ResponseValue<T>, ClientError<E>>,
    ) -> Outcome {
        let value = result.map_err(|e| self.describe(e))?;
        self.expect_status(value.status().as_u16())
    }

    /// A stream of events, each decoded as the typed event `T`, judged by the same rules as
    /// every other stream check: a clean end, and (where `x-stream` names terminal events)
    /// exactly one terminal event, last, within the operation's budget.
    pub async fn events<T: DeserializeOwned + Debug, E: Debug>(
        &self,
        result: Result<ResponseValue<ByteStream>, ClientError<E>>,
    ) -> Outcome {
        let value = result.map_err(|e| self.describe(e))?;
        self.expect_status(value.status().as_u16())?;
        let contract = crate::checks::sse::contract(&self.ctx)?;
        let stream = value
            .into_inner()
            .into_inner()
            .map(|item| item.map_err(|e| crate::cause::chain(&e)));
        let recording = SseReader::from_stream(Box::pin(stream), Instant::now())
            .record(crate::checks::sse::limits(&self.ctx), |e| {
                sb_stream::is_terminal(contract, e)
            })
            .await;
        let judged = Judged::new(contract, recording);
        ensure(!judged.events.is_empty(), || {
            "the typed stream held no event".into()
        })?;
        for (index, event) in judged.events.iter().enumerate() {
            serde_json::from_str::<T>(&event.data).map_err(|e| {
                fail(format!(
                    "event {index} does not decode as the typed event: {e}: {}",
                    crate::request::preview(event.data.as_bytes())
                ))
            })?;
        }
        judged.ended()?;
        if contract
            .semantics
            .as_ref()
            .is_some_and(|s| !s.terminal.is_empty())
        {
            judged.terminal()?;
        }
        judged.within_budget(&self.ctx.op.slo)?;
        Ok(())
    }

    /// A non-JSON body (an image): the status, and a non-empty body.
    pub async fn bytes<E: Debug>(
        &self,
        result: Result<ResponseValue<ByteStream>, ClientError<E>>,
    ) -> Outcome {
        let value = result.map_err(|e| self.describe(e))?;
        self.expect_status(value.status().as_u16())?;
        let max = self.ctx.target.max_body();
        let limit = self.ctx.target.timeout();
        let deadline = tokio::time::Instant::now() + limit;
        let mut stream = value.into_inner().into_inner();
        let mut size = 0usize;
        loop {
            let phase = Phase::Body {
                received: Some(size),
                expected: None,
            };
            let chunk = match tokio::time::timeout_at(deadline, stream.next()).await {
                Err(_) => return Err(fail(Cause::timeout(phase, limit).to_string())),
                Ok(None) => break,
                Ok(Some(chunk)) => {
                    chunk.map_err(|e| fail(Cause::of(&e, phase, limit).to_string()))?
                }
            };
            size += chunk.len();
            ensure(size <= max, || Cause::Oversize { limit: max }.to_string())?;
        }
        ensure(size > 0, || "the typed client read an empty body".into())
    }
}

/// The limits of every body a typed check reads (`sb_stream::body`, which the typed
/// clients' hooks go through): `--max-body-bytes` and `--timeout-secs` for the whole
/// exchange of a JSON (or other non-stream) operation. A stream keeps its own cap, and its
/// deadline is a backstop behind the stream reader's more precise one (the budget from the
/// first byte, after at most `--timeout-secs` for the headers).
pub(crate) fn body_limits(ctx: &Ctx<'_>) -> BodyLimits {
    if ctx.op.is_sse() {
        let stream = crate::checks::sse::limits(ctx);
        BodyLimits {
            max_bytes: stream.max_bytes,
            total: Some(stream.total + ctx.target.timeout() + Duration::from_secs(1)),
        }
    } else {
        ctx.target.body_limits()
    }
}

impl Typed {
    /// Names why the typed call failed: the cause from the whole error chain for a failed
    /// exchange, oversize and invalid UTF-8 apart from a body of the wrong shape, and at
    /// most a short preview of any body.
    fn describe<E: Debug>(&self, error: ClientError<E>) -> Failure {
        let limit = self.ctx.target.timeout();
        let exchange = |e: &reqwest::Error, phase: Phase| {
            let cause = Cause::of(e, phase, limit);
            if cause.may_be_down() {
                *self
                    .connect_failure
                    .lock()
                    .unwrap_or_else(|p| p.into_inner()) = Some(cause.clone());
            }
            fail(format!("typed client: {cause}"))
        };
        match error {
            ClientError::ErrorResponse(rv) => fail(format!(
                "typed client got documented error {}: {}",
                rv.status(),
                crate::request::preview(format!("{:?}", rv.into_inner()).as_bytes())
            )),
            ClientError::InvalidResponsePayload(bytes, e) => {
                let max = self.ctx.target.max_body();
                if bytes.len() > max {
                    fail(format!("typed client: {}", Cause::Oversize { limit: max }))
                } else if let Err(utf8) = std::str::from_utf8(&bytes) {
                    fail(format!(
                        "the response body is not valid UTF-8 (invalid byte at offset {}), so not JSON: {}",
                        utf8.valid_up_to(),
                        crate::request::preview(&bytes)
                    ))
                } else {
                    fail(format!(
                        "the response does not decode into the typed client's type: {e}: {}",
                        crate::request::preview(&bytes)
                    ))
                }
            }
            ClientError::UnexpectedResponse(response) => fail(format!(
                "typed client got undocumented status {}",
                response.status()
            )),
            ClientError::CommunicationError(e) => exchange(&e, Phase::Headers),
            ClientError::ResponseBodyError(e) => exchange(
                &e,
                Phase::Body {
                    received: None,
                    expected: None,
                },
            ),
            other => fail(format!("typed client error: {other}")),
        }
    }
}
