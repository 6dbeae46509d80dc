//! The one walk over `paths` × [`METHODS`]: every operation as it is written, before the model
//! reads it. Tolerant, so tools that must read specs the model rejects (the diff, compat)
//! can: a missing `operationId` or a non-mapping path item is not its business. The model
//! ([`Spec::operations`]) walks the same way, with the shape errors it needs.

use serde_json::Value;

use crate::resolve::{child, deref};
use crate::{METHODS, Spec, SpecError};

/// One operation of a spec as written: where it is and its raw value.
#[derive(Debug, Clone)]
pub struct Endpoint<'a> {
    /// The path template as written: "/sites/{siteId}/versions".
    pub path: &'a str,
    /// Lowercase method, one of [`METHODS`].
    pub method: &'static str,
    /// JSON pointer of the operation, inside the path item it really lives in.
    pub pointer: String,
    /// JSON pointer of the path item: `/paths/~1sites~1{siteId}~1versions`, or where its
    /// `$ref` leads.
    pub path_pointer: String,
    /// The operation object, raw (maybe not even a mapping: the model says so, the diff
    /// does not care).
    pub operation: &'a Value,
    /// The path item, its `$ref` followed.
    pub path_item: &'a Value,
}

impl Spec {
    /// Every operation of `paths` × [`METHODS`], in `paths` order, then [`METHODS`] order.
    /// A missing or non-mapping `paths` gives none and a path item that is not a mapping is
    /// skipped; a path item `$ref` that does not resolve is an error naming it, since
    /// skipping it would read as the path being removed.
    pub fn endpoints(&self) -> Result<Vec<Endpoint<'_>>, SpecError> {
        self.walk_paths(false)
    }

    /// [`Spec::endpoints`], but `paths` and every path item must be mappings: what the model
    /// needs, with errors saying where and how to fix it.
    pub(crate) fn endpoints_checked(&self) -> Result<Vec<Endpoint<'_>>, SpecError> {
        self.walk_paths(true)
    }

    fn walk_paths(&self, strict: bool) -> Result<Vec<Endpoint<'_>>, SpecError> {
        let mut out = Vec::new();
        let paths = match self.doc.get("paths") {
            None => return Ok(out),
            Some(Value::Object(paths)) => paths,
            Some(_) if !strict => return Ok(out),
            Some(_) => {
                return Err(self.invalid(
                    "/paths",
                    "paths is not a mapping; map each path to its operations",
                ));
            }
        };
        for (path, item) in paths {
            let item = deref(self, item, &child("/paths", path))?;
            if !item.value.is_object() {
                if !strict {
                    continue;
                }
                return Err(self.invalid(
                    &item.pointer,
                    "path item is not a mapping; map methods to operations",
                ));
            }
            for method in METHODS {
                if let Some(operation) = item.value.get(method) {
                    out.push(Endpoint {
                        path,
                        method,
                        pointer: child(&item.pointer, method),
                        path_pointer: item.pointer.clone(),
                        operation,
                        path_item: item.value,
                    });
                }
            }
        }
        Ok(out)
    }
}
