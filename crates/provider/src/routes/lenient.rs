//! The faults of generated inputs (issue 16): a provider lenient where the contract is
//! strict (a broken `pattern` or `format` coerced instead of refused), or strict or
//! crashing where it is lenient (an optional field demanded, a maximal array answered
//! 500). Each applies to the parsed body before validation, so the healthy path is the
//! same code with no fault switched on.

use serde_json::Value;

use super::Shared;
use crate::error::ApiError;
use crate::fault::Fault;
use crate::validate;

/// Which request body is being read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Request {
    Logo,
    Generation,
}

/// Applies the switched-on faults of this module to `body`.
pub fn apply(state: &Shared, request: Request, body: &mut Value) -> Result<(), ApiError> {
    if state.fault(Fault::PatternNotEnforced) {
        // A colour that breaks `^#[0-9A-Fa-f]{6}$` silently becomes black.
        let colours = match request {
            Request::Logo => body.get_mut("colors").and_then(Value::as_array_mut),
            Request::Generation => None,
        };
        for colour in colours.into_iter().flatten() {
            coerce_colour(colour);
        }
        if let Some(assets) = body.get_mut("brandAssets").and_then(Value::as_object_mut) {
            for field in ["primaryColor", "secondaryColor"] {
                if let Some(colour) = assets.get_mut(field) {
                    coerce_colour(colour);
                }
            }
        }
    }
    if state.fault(Fault::FormatNotEnforced)
        && let Some(assets) = body.get_mut("brandAssets").and_then(Value::as_object_mut)
        && assets
            .get("logo")
            .and_then(Value::as_str)
            .is_some_and(|logo| !validate::is_uri(logo))
    {
        // A logo that is not a URI is dropped instead of refused.
        assets.remove("logo");
    }
    if request == Request::Logo {
        if state.fault(Fault::MaxItems500)
            && body
                .get("colors")
                .and_then(Value::as_array)
                .is_some_and(|c| c.len() == 5)
        {
            return Err(ApiError::internal("five colours (the documented maxItems)"));
        }
        if state.fault(Fault::OptionalFieldRequired) && body.get("style").is_none() {
            return Err(ApiError::validation("style: is required"));
        }
    }
    Ok(())
}

fn coerce_colour(colour: &mut Value) {
    if colour
        .as_str()
        .is_some_and(|c| validate::hex_color(c, "colour").is_err())
    {
        *colour = Value::String("#000000".to_owned());
    }
}
