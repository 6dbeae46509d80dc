//! Integration tests of sb-diff: every diff rule in both directions, changes behind `$ref`s
//! and inside `oneOf` branches, git revisions, output snapshots, and the consumer checks
//! (static and live).

mod base;
mod compat;
mod corpus;
mod fixture;
mod live;
mod output;
mod real;
mod rules;
