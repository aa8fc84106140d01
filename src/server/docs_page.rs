//! `/docs/api`: the API reference for people, rendered on the server from the same OpenAPI
//! document the machines get. Plain HTML and the site's stylesheet: no script at all (its
//! CSP allows none), no third-party code, readable anywhere.
use std::fmt::Write;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::rest::docs::document;
use super::state::AppState;

/// The base URL in the examples: the configured `server.public_url`, or a shell variable the
/// reader sets. Never the request's `Host`: the page is cached publicly, and a forged `Host`
/// would otherwise end up in every reader's copy-paste commands.
const BASE_PLACEHOLDER: &str = "$KEYWARD_URL";

pub async fn api_reference(State(state): State<AppState>) -> Response {
    let doc = serde_json::to_value(document()).unwrap_or(Value::Null);
    let base = state.config.public_base().unwrap_or(BASE_PLACEHOLDER);
    let html = render(&doc, base, &stylesheet_href(&state.leptos_options));
    let mut response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; \
             form-action 'none'; frame-ancestors 'none'",
        ),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}

/// The site stylesheet's URL, content-hashed when the build hashes file names (the same
/// lookup as leptos_meta's `HashedStylesheet`, which only works inside a Leptos page).
fn stylesheet_href(options: &leptos::config::LeptosOptions) -> String {
    let mut name = options.output_name.to_string();
    if options.hash_files {
        let hashes = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
            .and_then(|file| std::fs::read_to_string(file).ok())
            .unwrap_or_default();
        if let Some(hash) = hashes
            .lines()
            .filter_map(|line| line.split_once(':'))
            .find(|(kind, _)| kind.trim() == "css")
            .map(|(_, hash)| hash.trim().to_owned())
        {
            name = format!("{name}.{hash}");
        }
    }
    format!("/{}/{name}.css", options.site_pkg_dir)
}

const TAG_ORDER: [&str; 4] = ["api-keys", "v1", "auth", "operations"];

fn render(doc: &Value, base: &str, stylesheet: &str) -> String {
    let mut operations: Vec<(String, String, String, &Value)> = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let tag = op["tags"][0].as_str().unwrap_or("other").to_owned();
            operations.push((tag, path.clone(), method.clone(), op));
        }
    }
    let rank = |tag: &str| {
        TAG_ORDER
            .iter()
            .position(|t| *t == tag)
            .unwrap_or(TAG_ORDER.len())
    };
    operations.sort_by(|a, b| (rank(&a.0), &a.1, &a.2).cmp(&(rank(&b.0), &b.1, &b.2)));

    let mut out = String::new();
    let title = text(&doc["info"]["title"]);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <title>{} reference</title><link rel=\"stylesheet\" href=\"{}\"></head><body>\
         <header class=\"site-header\"><a href=\"/\" class=\"brand\">Keyward</a>\
         <nav class=\"account\" aria-label=\"API reference\"><a href=\"/api/openapi.json\">OpenAPI document</a>\
         <a href=\"/settings/api-keys\">Your API keys</a></nav></header>\
         <main class=\"page docs\"><h1>{}</h1><p class=\"muted\">{}</p>",
        esc(&title),
        esc(stylesheet),
        esc(&title),
        esc(&text(&doc["info"]["description"])),
    );
    let _ = write!(
        out,
        "<section class=\"card\"><h2 class=\"card-title\">Authentication</h2><dl class=\"facts\">\
         <dt>API key</dt><dd><code>Authorization: Bearer pk_live_…</code> or <code>X-API-Key: pk_live_…</code>, \
         for <code>/api/v1/*</code>. Create keys under <a href=\"/settings/api-keys\">Settings → API Keys</a>.</dd>\
         <dt>Session</dt><dd>The <code>keyward_session</code> cookie that signing in sets, for managing keys.</dd>\
         <dt>Base URL</dt><dd>{}</dd></dl>\
         <p class=\"muted\">Generate a client: <code>npx openapi-typescript@7.13.0 {}/api/openapi.json -o keyward-api.d.ts</code></p></section>",
        if base == BASE_PLACEHOLDER {
            "This server's address, for example <code>https://keys.example.com</code>. The examples \
             read it from a shell variable: <code>export KEYWARD_URL=https://keys.example.com</code>"
                .to_owned()
        } else {
            format!("<code>{}</code>", esc(base))
        },
        esc(&shell_quoted(base)),
    );

    out.push_str("<nav class=\"card\" aria-labelledby=\"toc-title\"><h2 id=\"toc-title\" class=\"card-title\">Endpoints</h2><ul class=\"toc\">");
    for (_, path, method, op) in &operations {
        let _ = write!(
            out,
            "<li><a href=\"#{}\"><code>{} {}</code></a> {}</li>",
            anchor(method, path),
            method.to_uppercase(),
            esc(path),
            esc(&summary(op)),
        );
    }
    out.push_str("</ul></nav>");

    for (_, path, method, op) in &operations {
        render_operation(&mut out, doc, base, path, method, op);
    }
    out.push_str("</main></body></html>");
    out
}

fn render_operation(
    out: &mut String,
    doc: &Value,
    base: &str,
    path: &str,
    method: &str,
    op: &Value,
) {
    let _ = write!(
        out,
        "<section class=\"card endpoint\" id=\"{}\" aria-labelledby=\"{}-title\">\
         <h2 class=\"card-title\" id=\"{}-title\"><code>{} {}</code></h2><p>{}</p>",
        anchor(method, path),
        anchor(method, path),
        anchor(method, path),
        method.to_uppercase(),
        esc(path),
        esc(&text(&op["description"])).replace("\n\n", "</p><p>"),
    );
    let auth = auth_label(op);
    let _ = write!(out, "<p><strong>Auth:</strong> {}</p>", esc(&auth));

    if let Some(params) = op["parameters"].as_array() {
        out.push_str("<table class=\"plain\"><caption>Parameters</caption><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">In</th><th scope=\"col\">Description</th></tr></thead><tbody>");
        for p in params {
            let _ = write!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                esc(&text(&p["name"])),
                esc(&text(&p["in"])),
                esc(&text(&p["description"])),
            );
        }
        out.push_str("</tbody></table>");
    }

    let body_schema = &op["requestBody"]["content"]["application/json"]["schema"];
    let body_example = (!body_schema.is_null()).then(|| example(doc, body_schema, 0));
    if let Some(example) = &body_example {
        let _ = write!(
            out,
            "<h3>Request body</h3><pre><code>{}</code></pre>",
            esc(&serde_json::to_string_pretty(example).unwrap_or_default())
        );
    }
    let _ = write!(
        out,
        "<h3>Example</h3><pre><code>{}</code></pre>",
        esc(&curl(base, path, method, op, body_example.as_ref()))
    );

    out.push_str("<h3>Responses</h3><dl class=\"responses\">");
    for (status, response) in op["responses"].as_object().into_iter().flatten() {
        let _ = write!(
            out,
            "<dt><code>{}</code> {}</dt><dd>",
            esc(status),
            esc(&text(&response["description"]))
        );
        if let Some(headers) = response["headers"].as_object() {
            let names: Vec<String> = headers
                .keys()
                .map(|h| format!("<code>{}</code>", esc(h)))
                .collect();
            let _ = write!(out, "<p class=\"muted\">Headers: {}</p>", names.join(", "));
        }
        let schema = &response["content"]["application/json"]["schema"];
        if !schema.is_null() {
            let mut sample = example(doc, schema, 0);
            if status.starts_with('4') || status.starts_with('5') {
                sample = json!({ "error": first_sentence(&text(&response["description"])) });
            }
            let _ = write!(
                out,
                "<pre><code>{}</code></pre>",
                esc(&serde_json::to_string_pretty(&sample).unwrap_or_default())
            );
        }
        out.push_str("</dd>");
    }
    out.push_str("</dl></section>");
}

fn curl(base: &str, path: &str, method: &str, op: &Value, body: Option<&Value>) -> String {
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
        line.push_str(" \\\n  -b 'keyward_session=…'");
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

/// A sample value for `schema`: its own example, else one built from its parts.
fn example(doc: &Value, schema: &Value, depth: usize) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or_default();
        return example(doc, &doc["components"]["schemas"][name], depth + 1);
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        if let Some(first) = schema[combinator]
            .as_array()
            .and_then(|options| options.iter().find(|o| o["type"] != "null"))
        {
            return example(doc, first, depth + 1);
        }
    }
    let kind = match &schema["type"] {
        Value::Array(types) => types
            .iter()
            .find(|t| *t != "null")
            .cloned()
            .unwrap_or(Value::Null),
        other => other.clone(),
    };
    match kind.as_str() {
        Some("object") => Value::Object(
            schema["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, property)| (name.clone(), example(doc, property, depth + 1)))
                .collect(),
        ),
        Some("array") => json!([example(doc, &schema["items"], depth + 1)]),
        Some("integer") | Some("number") => json!(0),
        Some("boolean") => json!(true),
        Some("string") => json!("string"),
        _ => Value::Null,
    }
}

fn summary(op: &Value) -> String {
    first_sentence(&text(&op["summary"]).replace('`', ""))
}

fn first_sentence(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    line.split(". ")
        .next()
        .unwrap_or(line)
        .trim_end_matches('.')
        .to_owned()
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

/// Escapes text for HTML content and double-quoted attributes.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn examples_follow_refs_and_nullable_types() {
        let doc = json!({ "components": { "schemas": {
            "Key": { "type": "object", "properties": {
                "name": { "type": "string", "example": "Zapier" },
                "expiresAt": { "type": ["string", "null"] },
                "count": { "type": "integer" },
            } },
        } } });
        let sample = example(&doc, &json!({ "$ref": "#/components/schemas/Key" }), 0);
        assert_eq!(
            sample,
            json!({ "name": "Zapier", "expiresAt": "string", "count": 0 })
        );
    }
}
