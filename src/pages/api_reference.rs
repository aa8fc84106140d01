//! `/docs/api`: the API reference for people, from the same OpenAPI document the machines get.
//! A page of the app (its header, its stylesheet, its escaping) rendered on the server only: it
//! is served with `app::reference_shell`, which carries no script and a policy that allows none,
//! so it reads anywhere. A navigation to it inside the app loads it from the server.
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::components::title::PageTitle;
#[cfg(feature = "ssr")]
use crate::server_fns::reference::{api_reference, Operation};

#[component]
pub fn ApiReferencePage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        view! { <ApiReference /> }
    }
    #[cfg(not(feature = "ssr"))]
    {
        Effect::new(|_| crate::browser::go_to("/docs/api"));
    }
}

/// Text in which `backticks` mark code, as the document writes it.
#[cfg(feature = "ssr")]
#[component]
fn Prose(text: String) -> impl IntoView {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            let part = part.to_owned();
            if i % 2 == 1 {
                view! { <code>{part}</code> }.into_any()
            } else {
                part.into_any()
            }
        })
        .collect_view()
}

/// Paragraphs separated by a blank line.
#[cfg(feature = "ssr")]
#[component]
fn Paragraphs(text: String) -> impl IntoView {
    text.split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| view! { <p><Prose text=p.to_owned() /></p> })
        .collect_view()
}

/// A block of code that may be wider than the screen: it scrolls, and takes focus so a
/// keyboard can scroll it.
#[cfg(feature = "ssr")]
#[component]
fn CodeBlock(code: String, label: String) -> impl IntoView {
    view! { <pre tabindex="0" aria-label=label><code>{code}</code></pre> }
}

#[cfg(feature = "ssr")]
#[component]
fn ApiReference() -> impl IntoView {
    let reference = api_reference();
    let title = reference.title.clone();
    let toc = reference
        .operations
        .iter()
        .map(|op| {
            view! {
                <li>
                    <a href=format!("#{}", op.anchor)><code>{format!("{} {}", op.method, op.path)}</code></a>
                    " "
                    <Prose text=op.summary.clone() />
                </li>
            }
        })
        .collect_view();
    let base_text = if reference.base.starts_with('$') {
        view! {
            "This server's address, for example " <code>"https://keys.example.com"</code>
            ". The examples read it from a shell variable: "
            <code>"export KEYWARD_URL=https://keys.example.com"</code>
        }
        .into_any()
    } else {
        view! { <code>{reference.base.clone()}</code> }.into_any()
    };
    view! {
        <PageTitle text=format!("{title} reference · Keyward") />
        <div class="docs">
            <h1>{format!("{title} reference")}</h1>
            <Paragraphs text=reference.description />
            <p><a href="/api/openapi.json">"The OpenAPI 3.1 document"</a> " (for clients and tools)."</p>
            <section class="card" aria-labelledby="auth-title">
                <h2 id="auth-title" class="card-title">"Authentication"</h2>
                <dl class="facts">
                    <dt>"API key"</dt>
                    <dd>
                        <code>"Authorization: Bearer pk_live_…"</code> " or " <code>"X-API-Key: pk_live_…"</code>
                        ", for " <code>"/api/v1/*"</code> ". Create keys under "
                        <a href="/settings/api-keys">"Settings → API Keys"</a> "."
                    </dd>
                    <dt>"Session"</dt>
                    <dd>"The " <code>{reference.cookie}</code> " cookie that signing in sets, for managing keys."</dd>
                    <dt>"Base URL"</dt>
                    <dd>{base_text}</dd>
                </dl>
                <p class="muted">"Generate a client:"</p>
                <CodeBlock code=reference.generate_client label="Generate a client".to_owned() />
            </section>
            <nav class="card" aria-labelledby="toc-title">
                <h2 id="toc-title" class="card-title">"Endpoints"</h2>
                <ul class="toc">{toc}</ul>
            </nav>
            {reference.operations.into_iter().map(|op| view! { <Endpoint op /> }).collect_view()}
        </div>
    }
}

#[cfg(feature = "ssr")]
#[component]
fn Endpoint(op: Operation) -> impl IntoView {
    let name = format!("{} {}", op.method, op.path);
    let title_id = format!("{}-title", op.anchor);
    let parameters = (!op.parameters.is_empty()).then(|| {
        let rows = op
            .parameters
            .into_iter()
            .map(|(name, place, description)| {
                view! { <tr><td><code>{name}</code></td><td>{place}</td><td><Prose text=description /></td></tr> }
            })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table class="plain">
                    <caption>"Parameters"</caption>
                    <thead><tr><th scope="col">"Name"</th><th scope="col">"In"</th><th scope="col">"Description"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    let responses = op
        .responses
        .into_iter()
        .map(|response| {
            let headers = (!response.headers.is_empty()).then(|| {
                let names = response
                    .headers
                    .into_iter()
                    .enumerate()
                    .map(|(i, h)| view! { {(i > 0).then_some(", ")} <code>{h}</code> })
                    .collect_view();
                view! { <p class="muted">"Headers: " {names}</p> }
            });
            let label = format!("Example {} answer", response.status);
            view! {
                <dt><code>{response.status}</code> " " <Prose text=response.description /></dt>
                <dd>
                    {headers}
                    {response.sample.map(|sample| view! { <CodeBlock code=sample label /> })}
                </dd>
            }
        })
        .collect_view();
    view! {
        <section class="card endpoint" id=op.anchor aria-labelledby=title_id.clone()>
            <h2 class="card-title" id=title_id.clone()><code>{name.clone()}</code></h2>
            <Paragraphs text=op.description />
            <p><strong>"Auth: "</strong><Prose text=op.auth /></p>
            {parameters}
            {op.request_body.map(|body| view! {
                <h3>"Request body"</h3>
                <CodeBlock code=body label=format!("Request body of {name}") />
            })}
            <h3>"Example"</h3>
            <CodeBlock code=op.example label=format!("curl example for {name}") />
            <h3>"Responses"</h3>
            <dl class="responses">{responses}</dl>
        </section>
    }
}
