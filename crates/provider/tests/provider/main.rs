//! Integration tests of the reference provider: each starts it in-process on 127.0.0.1:0
//! with an in-memory store and fast pacing, and talks HTTP to it with reqwest.

mod auth;
mod bad_input;
mod cors;
mod faults;
mod happy;
mod restart;
mod sse;
mod support;
mod tenancy;
