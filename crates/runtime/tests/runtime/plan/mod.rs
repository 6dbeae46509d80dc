//! `sb-plan`: what the contract tests check, derived from the specs alone.

mod cases;
mod check;
mod encode;
mod examples;
mod negative;
mod relations;

#[test]
fn poll_timeout_option_is_bounded_as_the_spec_extension() {
    assert_eq!(
        sb_plan::options::MAX_POLL_TIMEOUT_MS,
        sb_spec::relations::POLL_MAX_TIMEOUT_MS
    );
}
