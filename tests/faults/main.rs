//! Fault tests: placeholder being written
