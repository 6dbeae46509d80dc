//! Which operation an exchange belongs to: every operation of the specs, matched by method
//! and path template. The rules the proxy then applies are `sb-rules`, the same functions
//! the generated checks fail with (`sb-runtime`), so a violation seen in traffic and a red
//! check name the same rule, pointer and words.

use std::sync::Arc;

use sb_spec::{Operation, Spec};

/// An operation and the spec it belongs to.
#[derive(Clone)]
pub struct Route {
    pub spec: Arc<Spec>,
    pub op: Arc<Operation>,
    segments: Vec<Option<String>>,
}

impl Route {
    /// `generation:generatePage`.
    pub fn label(&self) -> String {
        format!("{}:{}", self.spec.name, self.op.id)
    }
}

/// Every operation of the specs, matched by method and path template.
#[derive(Clone, Default)]
pub struct Routes {
    routes: Vec<Route>,
}

impl Routes {
    /// The operations of `specs`.
    pub fn new(specs: Vec<Spec>) -> Result<Routes, sb_spec::SpecError> {
        let mut routes = Vec::new();
        for spec in specs {
            let spec = Arc::new(spec);
            for op in spec.operations()? {
                let segments = op
                    .path
                    .trim_matches('/')
                    .split('/')
                    .map(|s| (!(s.starts_with('{') && s.ends_with('}'))).then(|| s.to_string()))
                    .collect();
                routes.push(Route {
                    spec: spec.clone(),
                    op: Arc::new(op),
                    segments,
                });
            }
        }
        Ok(Routes { routes })
    }

    /// The operations whose template matches `path`, most literal segments first (so
    /// `/sites/{id}/versions` is never taken for `/sites/{id}/{other}`).
    pub fn on_path(&self, path: &str) -> Vec<&Route> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut found: Vec<(usize, &Route)> = self
            .routes
            .iter()
            .filter(|r| {
                r.segments.len() == parts.len()
                    && r.segments.iter().zip(&parts).all(|(s, p)| match s {
                        Some(literal) => literal == p,
                        None => !p.is_empty(),
                    })
            })
            .map(|r| (r.segments.iter().filter(|s| s.is_some()).count(), r))
            .collect();
        found.sort_by_key(|f| std::cmp::Reverse(f.0));
        found.into_iter().map(|(_, r)| r).collect()
    }

    /// The operation for `method` on `path`.
    pub fn find(&self, method: &str, path: &str) -> Option<&Route> {
        self.on_path(path)
            .into_iter()
            .find(|r| r.op.method.eq_ignore_ascii_case(method))
    }
}
