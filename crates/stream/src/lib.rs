//! Event streams, once: the Server-Sent Events reader ([`reader`]) and the rules a stream is
//! judged by ([`rules`]), both driven by the spec model's [`sb_spec::EventStream`]. Every
//! stream reader of the project (generated checks, typed checks, suites, `compat --live`,
//! the perf report) goes through this crate, and so does every typed client's response body
//! ([`body`]: bounded in size and time, never buffered).

pub mod body;
pub mod reader;
pub mod rules;
pub mod tls;

pub use reader::{MAX_STREAM_BYTES, SseEvent, SseLimits, SseReader, SseRecording, StreamEnd};
pub use rules::{Event, Judged, Rule, Timings, is_terminal, limits};
