//! `sb-rules`: the contract rules on one exchange, as pure functions of the spec model
//! (`sb_spec::Operation`, `sb_spec::EventStream`) and what was seen: a status, headers
//! (`http::HeaderMap`), a body, an event. Each rule returns [`Finding`]s: the kind of rule,
//! the JSON pointer of the spec element that states it, where in the instance it broke, what
//! the contract expects and what was seen.
//!
//! Both sides of the contract tooling judge with these functions and nothing else: the
//! validating proxy (`sb-proxy`) logs the findings of live traffic, and the runtime behind
//! the generated checks (`sb-runtime`: `Ctx::documented`, `Ctx::conforms`, `Ctx::validate`,
//! the CORS and SSE families) fails with their message. So a violation seen in traffic and a
//! failing generated check name the same rule, the same pointer, in the same words
//! ([`Finding`]'s `Display`). The rules over a whole event stream (its end, terminal event,
//! progress) are `sb-stream`'s `Judged`; [`stream_end`] turns them into findings.

mod cors;
mod finding;
mod request;
mod response;
mod stream;

pub use cors::{SAFELISTED_METHODS, cors, cors_pointer, expose_headers, origin_allowed};
pub use finding::{Finding, Kind, header, message, short};
pub use request::request;
pub use response::{response_body, response_head, schema, status};
pub use stream::{StreamRule, event, format, stream_end, stream_shape};
