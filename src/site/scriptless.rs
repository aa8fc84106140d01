//! Pages served without a script (`/docs/api`, `/settings/security`, a posted form's answer):
//! the rendered HTML minus the inline scripts Leptos writes for hydration.

/// `response` without its inline scripts (the resource data Leptos writes for hydration): the
/// page never hydrates, and its policy allows no script, so a script would only be a policy
/// violation in the console.
pub async fn without_scripts(response: axum::response::Response) -> axum::response::Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 4 * 1024 * 1024).await else {
        return axum::response::Response::from_parts(parts, axum::body::Body::empty());
    };
    let mut html = String::from_utf8_lossy(&bytes).into_owned();
    while let Some(start) = html.find("<script") {
        let Some(end) = html[start..].find("</script>") else {
            break;
        };
        html.replace_range(start..start + end + "</script>".len(), "");
    }
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    axum::response::Response::from_parts(parts, axum::body::Body::from(html))
}
