//! The API reference for people, as data read from the OpenAPI document (`rest::doc`): the
//! operations in reading order, each with a curl example and sample bodies.
//! `pages::api_reference` renders it.
use std::fmt::Write;

use serde_json::{json, Value};

use super::api_reference_samples::example;

use crate::server::config::Config;
use crate::server::cookies::cookie_name;

/// The base URL in the examples when `server.public_url` is not set: a shell variable the
/// reader sets. Never the request's `Host`, which anyone can write.
pub const BASE_PLACEHOLDER: &str = "$KEYWARD_URL";

/// Everything the reference page shows.
pub struct Reference {
    pub title: String,
    pub description: String,
    /// `server.public_url`, or `BASE_PLACEHOLDER`.
    pub base: String,
    /// The session cookie's name on this server.
    pub cookie: &'static str,
    /// The command that generates a TypeScript client from the document.
    pub generate_client: String,
    pub operations: Vec<Operation>,
}

/// The reference for this server's configuration.
pub fn reference(config: &Config) -> Reference {
    let doc = serde_json::to_value(crate::server::rest::doc::document()).unwrap_or_default();
    let base = config.public_base().unwrap_or(BASE_PLACEHOLDER).to_owned();
    let cookie = cookie_name(config);
    Reference {
        title: text(&doc["info"]["title"]),
        description: text(&doc["info"]["description"]),
        generate_client: format!(
            "npx openapi-typescript@7.13.0 {}/api/openapi.json -o keyward-api.d.ts",
            shell_quoted(&base)
        ),
        operations: operations(&doc, &base, cookie),
        base,
        cookie,
    }
}

pub struct Operation {
    pub anchor: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub auth: String,
    pub parameters: Vec<(String, String, String)>,
    pub request_body: Option<String>,
    pub example: String,
    pub responses: Vec<Response>,
}

pub struct Response {
    pub status: String,
    pub description: String,
    pub headers: Vec<String>,
    pub sample: Option<String>,
}

/// Every documented operation, in the order the page shows them.
fn operations(doc: &Value, base: &str, cookie: &str) -> Vec<Operation> {
    let mut found: Vec<(usize, String, String, &Value)> = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let tag = op["tags"][0].as_str().unwrap_or("other");
            let rank = TAG_ORDER
                .iter()
                .position(|t| *t == tag)
                .unwrap_or(TAG_ORDER.len());
            found.push((rank, path.clone(), method.clone(), op));
        }
    }
    found.sort_by(|a, b| (a.0, &a.1, &a.2).cmp(&(b.0, &b.1, &b.2)));
    found
        .into_iter()
        .map(|(_, path, method, op)| operation(doc, base, cookie, path, method, op))
        .collect()
}

fn operation(
    doc: &Value,
    base: &str,
    cookie: &str,
    path: String,
    method: String,
    op: &Value,
) -> Operation {
    let body_schema = &op["requestBody"]["content"]["application/json"]["schema"];
    let body_example = (!body_schema.is_null()).then(|| example(doc, body_schema, 0));
    let responses = op["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(status, response)| {
            let schema = &response["content"]["application/json"]["schema"];
            let sample = (!schema.is_null()).then(|| {
                let sample = if status.starts_with('4') || status.starts_with('5') {
                    json!({ "error": first_sentence(&text(&response["description"])) })
                } else {
                    example(doc, schema, 0)
                };
                serde_json::to_string_pretty(&sample).unwrap_or_default()
            });
            Response {
                status: status.clone(),
                description: text(&response["description"]),
                headers: response["headers"]
                    .as_object()
                    .map(|h| h.keys().cloned().collect())
                    .unwrap_or_default(),
                sample,
            }
        })
        .collect();
    Operation {
        anchor: anchor(&method, &path),
        summary: summary_and_rest(op).0,
        description: summary_and_rest(op).1,
        auth: auth_label(op),
        parameters: op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| (text(&p["name"]), text(&p["in"]), text(&p["description"])))
            .collect(),
        request_body: body_example
            .as_ref()
            .map(|e| serde_json::to_string_pretty(e).unwrap_or_default()),
        example: curl(base, cookie, &path, &method, op, body_example.as_ref()),
        responses,
        method: method.to_uppercase(),
        path,
    }
}

const TAG_ORDER: [&str; 4] = ["api-keys", "v1", "auth", "operations"];

fn curl(
    base: &str,
    cookie: &str,
    path: &str,
    method: &str,
    op: &Value,
    body: Option<&Value>,
) -> String {
    let url = format!(
        "{base}{}",
        path.replace("{id}", "0196e0f3-1b2c-7a4d-8e5f-6a7b8c9d0e1f")
    );
    let url = shell_quoted(&url);
    let mut line = match method {
        "get" => format!("curl -i {url}"),
        other => format!("curl -i -X {} {url}", other.to_uppercase()),
    };
    let schemes = security_names(op);
    if schemes.iter().any(|s| s == "bearer") {
        line.push_str(" \\\n  -H 'Authorization: Bearer pk_live_…'");
    } else if schemes.iter().any(|s| s == "session") {
        let _ = write!(line, " \\\n  -b '{cookie}=…'");
    }
    if let Some(body) = body {
        let _ = write!(
            line,
            " \\\n  -H 'Content-Type: application/json' \\\n  -d '{}'",
            serde_json::to_string(body)
                .unwrap_or_default()
                .replace('\'', "'\\''")
        );
    }
    line
}

/// `url` quoted for a POSIX shell: in double quotes when it starts with the placeholder
/// variable (so the shell expands it), else in single quotes.
fn shell_quoted(url: &str) -> String {
    match url.strip_prefix(BASE_PLACEHOLDER) {
        Some(rest) => format!("\"{BASE_PLACEHOLDER}{rest}\""),
        None => format!("'{}'", url.replace('\'', "'\\''")),
    }
}

fn security_names(op: &Value) -> Vec<String> {
    op["security"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|requirement| requirement.keys().cloned())
        .collect()
}

fn auth_label(op: &Value) -> String {
    let names = security_names(op);
    if names.is_empty() {
        return "none".to_owned();
    }
    names
        .iter()
        .map(|name| match name.as_str() {
            "bearer" => "API key as `Authorization: Bearer`",
            "api_key" => "API key as `X-API-Key`",
            "session" => "session cookie",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The operation's first sentence, and the rest of its text. The document splits a doc
/// comment at its first line break, which may fall mid-sentence (mid-parenthesis, even):
/// the two halves are joined again first.
fn summary_and_rest(op: &Value) -> (String, String) {
    let (head, tail) = (text(&op["summary"]), text(&op["description"]));
    let joined = if tail.is_empty() {
        head
    } else if tail.starts_with('\n') {
        format!("{head}{tail}")
    } else {
        format!("{head} {tail}")
    };
    let (first, rest) = joined.split_once("\n\n").unwrap_or((&joined, ""));
    let paragraph = first.replace('\n', " ");
    let sentence = first_sentence(&paragraph);
    let after = paragraph[sentence.len()..]
        .trim_start_matches('.')
        .trim()
        .to_owned();
    let rest = match (after.is_empty(), rest.trim().is_empty()) {
        (true, _) => rest.trim().to_owned(),
        (false, true) => after,
        (false, false) => format!("{after}\n\n{}", rest.trim()),
    };
    (sentence, rest)
}

/// The first sentence of the first line: up to the first `. ` outside parentheses and code,
/// so "(e.g. a `.` in a name)" stays whole.
fn first_sentence(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    let (mut depth, mut in_code) = (0i32, false);
    let chars: Vec<char> = line.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        match c {
            '`' => in_code = !in_code,
            '(' if !in_code => depth += 1,
            ')' if !in_code => depth -= 1,
            '.' if !in_code && depth <= 0 && chars.get(i + 1) == Some(&' ') => {
                return chars[..i].iter().collect();
            }
            _ => {}
        }
    }
    line.trim_end_matches('.').to_owned()
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

fn anchor(method: &str, path: &str) -> String {
    let slug: String = path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{method}{slug}")
}

#[cfg(test)]
mod tests {
    use super::summary_and_rest;
    use serde_json::json;

    #[test]
    fn a_summary_split_mid_sentence_is_joined_again() {
        let op = json!({
            "summary": "Your live keys (newest first, up to",
            "description": "100 at a time). Secrets are never listed.\n\nMore."
        });
        assert_eq!(
            summary_and_rest(&op),
            (
                "Your live keys (newest first, up to 100 at a time)".to_owned(),
                "Secrets are never listed.\n\nMore.".to_owned()
            )
        );
        let whole = json!({ "summary": "Create a key.", "description": "" });
        assert_eq!(
            summary_and_rest(&whole),
            ("Create a key".to_owned(), String::new())
        );
    }
}
