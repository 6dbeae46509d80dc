//! The tests of the runtime and of the two crates below it, in one binary (one link, and no
//! crate built a second time for its unit tests): `hostile`, the runtime against a
//! misbehaving server; the runtime's own modules (`cause`, `checks`, `repro`, `request`,
//! `tokens`); `plan`, the spec-only check plan, cases, examples and invalid inputs
//! (`sb-plan`); `stream`, the event-stream reader, bounded bodies and TLS (`sb-stream`).

mod cause;
mod checks {
    mod relations;
    mod tenancy;
}
mod hostile;
mod plan;
mod repro;
mod request;
mod stream;
mod tokens;
