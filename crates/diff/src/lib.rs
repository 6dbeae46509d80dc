//! Breaking-change diff between two versions of the Site Builder OpenAPI specs, and checks
//! that a consumer's recorded use of the APIs (`consumers/*.yaml`) is still provided.
//!
//! The diff walks operations matched by method and path, parameters by (in, name),
//! responses by status and media types by name; schemas are compared after following
//! `$ref`s, with request schemas read with "request" polarity (narrowing breaks) and
//! response schemas with "response" polarity (widening breaks). See `RULES.md` in this crate
//! for every rule, its stable id and level, and its severity in each direction.

mod base;
mod change;
mod compat;
mod consumer;
mod error;
mod ignore;
mod live;
mod operation;
mod render;
mod rules;
mod schema;

pub use base::{diff_dirs_at_rev, diff_files, load_spec_dir, specs_at_rev};
pub use change::{Area, Change, FailOn, Level, Severity, Summary, sort};
pub use compat::{Finding, FindingKind, check as check_compat, findings_json, render_findings};
pub use consumer::{Consumer, Cors, FieldType, Live, Reads, Sends, Use};
pub use error::DiffError;
pub use ignore::{IgnoreEntry, IgnoreList};
pub use live::{LiveTarget, check_live, check_live_against};
pub use operation::{check_document, diff_specs};
pub use render::{Format, render};
pub use rules::{Rule, all as rules, find as find_rule};
