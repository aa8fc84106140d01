//! The document as a checker: every answer's status must be declared and its body must match
//! that status's schema; what was declared and what was answered, for the final count.
use crate::common::*;
use serde_json::json;
use serde_json::Value;
use std::collections::BTreeSet;

const DOC_URL: &str = "https://keyward.invalid/openapi.json";

/// The document, its declared (method, path, status) triples, and what the test has seen.
pub(super) struct Drift {
    doc: Value,
    schemas: boon::Schemas,
    compiler: boon::Compiler,
    pub(super) declared: BTreeSet<(String, String, u16)>,
    pub(super) answered: BTreeSet<(String, String, u16)>,
}

impl Drift {
    pub(super) fn new(doc: Value) -> Drift {
        let mut declared = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, operation) in item.as_object().expect("path item") {
                for status in operation["responses"]
                    .as_object()
                    .expect("responses")
                    .keys()
                {
                    declared.insert((
                        method.clone(),
                        path.clone(),
                        status.parse().expect("numeric status"),
                    ));
                }
            }
        }
        // In the test only: an object schema allows no property it does not declare, so a
        // field the document forgot fails too.
        let mut strict = doc.clone();
        if let Some(schemas) = strict["components"]["schemas"].as_object_mut() {
            for schema in schemas.values_mut() {
                if schema.get("properties").is_some() {
                    schema["additionalProperties"] = json!(false);
                }
            }
        }
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        compiler
            .add_resource(DOC_URL, strict)
            .expect("the document loads as a JSON resource");
        Drift {
            doc,
            schemas: boon::Schemas::new(),
            compiler,
            declared,
            answered: BTreeSet::new(),
        }
    }

    /// Records an answer to `method path` (the documented template), checking its status is
    /// declared and its body matches that status's schema.
    #[track_caller]
    pub(super) fn check(&mut self, method: &str, path: &str, resp: &TestResponse) {
        let status = resp.status.as_u16();
        let response = &self.doc["paths"][path][method]["responses"][status.to_string()];
        assert!(
            response.is_object(),
            "{method} {path} answered {status}, which the document does not declare: {}",
            resp.text
        );
        let content = &response["content"];
        if content.is_null() {
            assert!(
                resp.text.is_empty(),
                "{method} {path} {status} has no documented body but sent {}",
                resp.text
            );
        } else if content["application/json"].get("schema").is_some() {
            let pointer = format!(
                "/paths/{}/{method}/responses/{status}/content/application~1json/schema",
                path.replace('~', "~0").replace('/', "~1")
            );
            let index = self
                .compiler
                .compile(&format!("{DOC_URL}#{pointer}"), &mut self.schemas)
                .unwrap_or_else(|err| panic!("schema of {method} {path} {status}: {err}"));
            assert_ne!(
                resp.json,
                Value::Null,
                "{method} {path} {status} is not JSON: {}",
                resp.text
            );
            if let Err(err) = self.schemas.validate(&resp.json, index) {
                panic!("{method} {path} {status}: the body does not match its schema: {err:#}\nbody: {}", resp.json);
            }
        }
        if content.get("application/json").is_some() {
            assert_ne!(
                resp.json,
                Value::Null,
                "{method} {path} {status} is not JSON: {}",
                resp.text
            );
        }
        self.answered
            .insert((method.to_owned(), path.to_owned(), status));
    }
}
