//! The scope catalog: `read` and the operator's scopes, each with its rules.
use super::path::{display, normalize};
use super::rules::Rule;
use super::OriginalRequest;
use crate::api::{AppError, ScopeDto};

/// Always in the catalog: reading anything.
pub const READ_SCOPE: &str = "read";
const READ_RULES: [&str; 6] = [
    "GET /",
    "GET /**",
    "HEAD /",
    "HEAD /**",
    "OPTIONS /",
    "OPTIONS /**",
];

/// One scope as the configuration declares it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScopeConfig {
    pub name: String,
    pub description: String,
    pub allow: Vec<String>,
}

#[derive(Clone, Debug)]
struct Scope {
    name: String,
    description: String,
    allow_text: Vec<String>,
    rules: Vec<Rule>,
}

#[derive(Clone, Debug)]
pub struct Catalog {
    scopes: Vec<Scope>,
}

impl Default for Catalog {
    fn default() -> Catalog {
        Catalog::new(&[]).unwrap_or_else(|_| Catalog { scopes: Vec::new() })
    }
}

/// A scope's name: what the API and the configuration call it.
fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b':' | b'_' | b'.' | b'-')
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "scope {name:?}: a name is 1 to 64 of a-z, 0-9, and : _ . -"
        ))
    }
}

impl Catalog {
    /// `read`, then the operator's scopes; a bad name or rule is refused with both named.
    pub fn new(declared: &[ScopeConfig]) -> Result<Catalog, String> {
        let mut scopes = vec![Scope {
            name: READ_SCOPE.to_owned(),
            description: "Read anything: GET, HEAD and OPTIONS on every path".to_owned(),
            allow_text: READ_RULES.iter().map(|r| (*r).to_owned()).collect(),
            rules: READ_RULES
                .iter()
                .map(|r| Rule::parse(r))
                .collect::<Result<_, _>>()?,
        }];
        for scope in declared {
            check_name(&scope.name)?;
            if scopes.iter().any(|s| s.name == scope.name) {
                return Err(format!(
                    "scope {:?} is declared twice (or takes the built-in name)",
                    scope.name
                ));
            }
            if scope.allow.is_empty() {
                return Err(format!(
                    "scope {:?} allows nothing: give it rules in `allow`",
                    scope.name
                ));
            }
            let rules = scope
                .allow
                .iter()
                .map(|r| Rule::parse(r).map_err(|e| format!("scope {:?}: {e}", scope.name)))
                .collect::<Result<_, _>>()?;
            scopes.push(Scope {
                name: scope.name.clone(),
                description: scope.description.clone(),
                allow_text: scope.allow.clone(),
                rules,
            });
        }
        Ok(Catalog { scopes })
    }

    /// What `GET /api/scopes` lists.
    pub fn list(&self) -> Vec<ScopeDto> {
        self.scopes
            .iter()
            .map(|s| ScopeDto {
                name: s.name.clone(),
                description: s.description.clone(),
                allow: s.allow_text.clone(),
            })
            .collect()
    }

    /// A key's requested scopes, checked: a non-empty list of distinct names from the
    /// catalog. (`None`, full access, is not a list.)
    pub fn check_request(&self, requested: &[String]) -> Result<(), AppError> {
        if requested.is_empty() {
            return Err(AppError::bad_request(
                "scopes must name at least one scope; send null (or leave it out) for full access",
            ));
        }
        for (i, name) in requested.iter().enumerate() {
            if requested[..i].contains(name) {
                return Err(AppError::bad_request(format!(
                    "scope {name:?} is listed twice"
                )));
            }
            if !self.scopes.iter().any(|s| &s.name == name) {
                return Err(AppError::bad_request(format!(
                    "there is no scope {name:?}; GET /api/scopes lists them"
                )));
            }
        }
        Ok(())
    }

    /// Whether `granted` scopes allow `original`. Refusals name the request; a request whose
    /// path cannot be judged safely is refused (fails closed). A granted scope the operator
    /// has since removed grants nothing.
    pub fn judge(&self, granted: &[String], original: &OriginalRequest) -> Result<(), AppError> {
        let method = original.method.to_ascii_uppercase();
        let shown_path = original.uri.split(['?', '#']).next().unwrap_or_default();
        let refused =
            || AppError::InsufficientScope(format!("This key may not {method} {shown_path}"));
        let segments = normalize(&original.uri).map_err(|_| refused())?;
        let allowed = self
            .scopes
            .iter()
            .filter(|s| granted.contains(&s.name))
            .any(|s| s.rules.iter().any(|r| r.allows(&method, &segments)));
        if allowed {
            Ok(())
        } else {
            Err(AppError::InsufficientScope(format!(
                "This key may not {method} {}",
                display(&segments)
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::new(&[
            ScopeConfig {
                name: "orders:read".into(),
                description: "Read orders".into(),
                allow: vec!["GET /orders".into(), "GET /orders/**".into()],
            },
            ScopeConfig {
                name: "orders:write".into(),
                description: "Change orders".into(),
                allow: vec!["POST /orders".into(), "PUT /orders/*".into()],
            },
        ])
        .unwrap()
    }

    fn req(method: &str, uri: &str) -> OriginalRequest {
        OriginalRequest {
            method: method.into(),
            uri: uri.into(),
        }
    }

    #[test]
    fn a_key_may_do_what_its_scopes_allow_and_nothing_else() {
        let c = catalog();
        let read_only = vec!["read".to_owned()];
        assert!(c.judge(&read_only, &req("GET", "/admin/users")).is_ok());
        assert!(c.judge(&read_only, &req("head", "/")).is_ok());
        assert_eq!(
            c.judge(&read_only, &req("POST", "/orders?x=1")),
            Err(AppError::InsufficientScope(
                "This key may not POST /orders".into()
            ))
        );
        let writer = vec!["orders:write".to_owned()];
        assert!(c.judge(&writer, &req("PUT", "/orders/42")).is_ok());
        assert!(c
            .judge(&writer, &req("PUT", "/orders/42/../../admin"))
            .is_err());
        assert!(c.judge(&writer, &req("PUT", "/orders/..%2Fadmin")).is_err());
        assert!(c.judge(&writer, &req("GET", "/orders/42")).is_err());
        let gone = vec!["orders:removed".to_owned()];
        assert!(c.judge(&gone, &req("GET", "/orders")).is_err());
    }

    #[test]
    fn requested_scopes_are_checked() {
        let c = catalog();
        assert!(c
            .check_request(&["read".into(), "orders:write".into()])
            .is_ok());
        assert!(c.check_request(&[]).is_err());
        assert!(c.check_request(&["read".into(), "read".into()]).is_err());
        assert!(c.check_request(&["nope".into()]).is_err());
    }

    #[test]
    fn the_catalog_refuses_bad_declarations() {
        let bad = |name: &str, allow: &[&str]| {
            Catalog::new(&[ScopeConfig {
                name: name.into(),
                description: String::new(),
                allow: allow.iter().map(|s| (*s).to_owned()).collect(),
            }])
            .is_err()
        };
        assert!(bad("read", &["GET /x"]));
        assert!(bad("Orders", &["GET /x"]));
        assert!(bad("orders", &[]));
        assert!(bad("orders", &["FETCH"]));
    }
}
