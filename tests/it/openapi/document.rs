//! The document as served: JSON, cached publicly, small, valid OpenAPI 3.1 by the PyPI
//! validator, and every security requirement names a scheme it defines.
use crate::common::*;
use axum::http::StatusCode;
use serde_json::Value;
use std::io::Write;
use std::process::Command;
use std::process::Stdio;

/// `GET /api/openapi.json`, checked; returns the answer and the document it holds.
pub(super) async fn served_and_valid(app: &TestApp) -> (TestResponse, Value) {
    let served = app.get("/api/openapi.json", None).await;
    assert_eq!(served.status, StatusCode::OK);
    assert!(served.content_type().starts_with("application/json"));
    assert!(served
        .header("cache-control")
        .unwrap_or_default()
        .starts_with("public"));
    assert!(
        served.body.len() < 64 * 1024,
        "the document stays small: {} bytes",
        served.body.len()
    );
    let doc = served.json.clone();
    assert_eq!(doc["openapi"], "3.1.0");
    validate_with_openapi_spec_validator(&served.text);
    let schemes = doc["components"]["securitySchemes"]
        .as_object()
        .expect("security schemes");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["session"]["name"], "keyward_session");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["api_key"]["in"], "header");
    assert_eq!(schemes["api_key"]["name"], "X-API-Key");
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for requirement in operation["security"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                for name in requirement.as_object().unwrap().keys() {
                    assert!(
                        schemes.contains_key(name),
                        "{method} {path} requires an undefined scheme {name}"
                    );
                }
            }
        }
    }
    (served, doc)
}

/// The PyPI validator, with the OpenAPI 3.1 meta-schema it ships (no network).
fn validate_with_openapi_spec_validator(document: &str) {
    let mut child = Command::new("python3")
        .args(["-m", "openapi_spec_validator", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs (scripts/bootstrap.sh --test installs openapi-spec-validator)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(document.as_bytes())
        .expect("write the document");
    let output = child.wait_with_output().expect("validator finishes");
    assert!(
        output.status.success(),
        "openapi-spec-validator rejects the document:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
