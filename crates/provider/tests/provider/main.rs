//! Integration tests of the reference provider: each starts it in-process on 127.0.0.1:0
//! with an in-memory store and fast pacing, and talks HTTP to it with reqwest. The parts
//! that need no server (the page generator and analysis, logos, request rules, the token
//! verifier, origin patterns, fault names, deployment status, the edge's routing) are tested
//! directly, through `sb_provider::internals`; they are here rather than unit tests so that
//! `cargo test` builds the provider once.

mod auth;
mod bad_input;
mod cors;
mod deployments;
mod edge;
mod faults;
mod happy;
mod logos;
mod pages;
mod request_rules;
mod restart;
mod sse;
mod support;
mod tenancy;
