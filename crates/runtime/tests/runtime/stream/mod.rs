//! `sb-stream`: the event-stream reader, bounded bodies and TLS.

mod body;
mod reader;
mod tls;
