//! Tenancy as the spec declares it with the `x-tenant` extension: which request header and
//! which path parameter carry the caller's tenant, and which JWT claim holds it. Without the
//! extension a spec has no tenants, and the tenancy checks say so instead of guessing.

use serde::Serialize;
use serde_json::Value;

use crate::{Parameter, Spec, SpecError, model::Location};

/// The `x-tenant` extension at the top of a spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tenancy {
    /// JSON pointer of the extension (`/x-tenant`).
    pub pointer: String,
    /// The request header naming the tenant (`X-Tenant-Id`), compared case-insensitively.
    pub header: Option<String>,
    /// The path parameter naming the tenant (`tenantId`).
    pub path_parameter: Option<String>,
    /// The JWT claim that holds the caller's tenant (`tenant_id`).
    pub claim: Option<String>,
}

impl Tenancy {
    /// Whether `param` carries the tenant.
    pub fn is_tenant_param(&self, param: &Parameter) -> bool {
        match param.location {
            Location::Header => self
                .header
                .as_deref()
                .is_some_and(|h| h.eq_ignore_ascii_case(&param.name)),
            Location::Path => self.path_parameter.as_deref() == Some(param.name.as_str()),
            _ => false,
        }
    }
}

/// The keys `x-tenant` accepts.
pub const TENANT_KEYS: [&str; 3] = ["header", "pathParameter", "claim"];

impl Spec {
    /// The spec's `x-tenant`, if it declares one.
    pub fn tenancy(&self) -> Result<Option<Tenancy>, SpecError> {
        let pointer = "/x-tenant";
        let Some(x) = self.doc.get("x-tenant") else {
            return Ok(None);
        };
        let x = x.as_object().ok_or_else(|| {
            self.invalid(
                pointer,
                "x-tenant is not a mapping; give header, pathParameter and/or claim (openapi/EXTENSIONS.md)",
            )
        })?;
        for key in x.keys() {
            if !TENANT_KEYS.contains(&key.as_str()) {
                return Err(self.invalid(
                    &format!("{pointer}/{}", crate::escape_pointer(key)),
                    format!(
                        "x-tenant key `{key}` is unknown; use {}",
                        TENANT_KEYS.join(", ")
                    ),
                ));
            }
        }
        let text = |key: &str| -> Result<Option<String>, SpecError> {
            match x.get(key) {
                None => Ok(None),
                Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
                Some(other) => Err(self.invalid(
                    &format!("{pointer}/{key}"),
                    format!("x-tenant {key} is {other}, not a non-empty name"),
                )),
            }
        };
        let tenancy = Tenancy {
            pointer: pointer.to_string(),
            header: text("header")?,
            path_parameter: text("pathParameter")?,
            claim: text("claim")?,
        };
        if tenancy.header.is_none() && tenancy.path_parameter.is_none() {
            return Err(self.invalid(
                pointer,
                "x-tenant names neither a header nor a path parameter; add `header` or `pathParameter`",
            ));
        }
        Ok(Some(tenancy))
    }
}
