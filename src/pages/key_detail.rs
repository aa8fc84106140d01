use codee::binary::PostcardCodec;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::deferred::fetch_key_detail;
use crate::api::validation::{display_name, visible_text};
use crate::api::{ApiKeyDetail, ApiKeySummary, AppError, DailyUsage, KeyVersion, RecentClient};
use crate::components::icons::Spinner;
use crate::components::lazy_dialogs::{LazyRegenerateDialog, RegenerateButton};
use crate::components::timestamp::{Expires, LastUsed, LocalDate};
use crate::components::title::PageTitle;
use crate::pages::not_found::NotFound;

/// Settings → API Keys → one key: what it is, how much it was used over 30 days, every
/// secret it has had, and who calls it. Rendered on the server, so it reads without the WASM.
///
/// All of it, its data included, is a WASM chunk of its own in a split build: only a visit
/// to a key's page pays for it, not every visit to the app. A page the server rendered with
/// it has the chunk loaded before hydration (`crate::pages::load_rendered_chunks`); a link to
/// a key fetches it on intent. If it cannot be fetched, the page says so in place.
#[component]
pub fn KeyDetailPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    leptos::prefetch_lazy_fn_on_server("key_page");
    Suspend::new(async {
        key_page().await.unwrap_or_else(|err| {
            // The page's own title is in the chunk that could not be fetched.
            view! {
                <PageTitle text="API key unavailable · Keyward" />
                {super::chunk_unavailable(err)}
            }
            .into_any()
        })
    })
}

#[leptos::wasm_split::wasm_split(
    key_page,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_key_page)
)]
fn key_page() -> Result<AnyView, AppError> {
    Ok(view! { <KeyPage /> }.into_any())
}

/// Starts fetching the key page's chunk; call on intent (pointer over, focus or touch on a
/// link to a key). A failure is left for the page to report.
///
/// The page's data comes through `api::deferred`, whose chunk is separate: both are fetched
/// at once, or a navigation would wait for one and then the other.
pub fn preload_key_detail() {
    crate::components::lazy_dialogs::preload_dialogs();
    leptos::task::spawn_local(async {
        let _ = preload_key_page().await;
    });
}

/// Whether `path` is a key's page, whose chunk a server-rendered page needs before hydration
/// (`crate::pages::load_rendered_chunks`). Decided by the route rather than by a marker in
/// the page: the page renders its view, a 404 or an error, and every one of them is in the
/// chunk.
#[cfg(feature = "hydrate")]
pub(super) fn is_key_page(path: &str) -> bool {
    // The router also matches the route with a trailing slash.
    path.strip_prefix("/settings/api-keys/")
        .map(|rest| rest.strip_suffix('/').unwrap_or(rest))
        .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// Loads the key page's chunk; resolves at once once it is there.
#[cfg(feature = "hydrate")]
pub(super) async fn load_key_page() -> Result<(), leptos::wasm_split::SplitLoaderError> {
    preload_key_page().await
}

#[component]
fn KeyPage() -> impl IntoView {
    let params = use_params_map();
    let version = RwSignal::new(0u32);
    let detail = Resource::<_, PostcardCodec>::new_with_options(
        move || (params.read().get("id").unwrap_or_default(), version.get()),
        |(id, _)| fetch_key_detail(id),
        false,
    );
    let regenerate_open = RwSignal::new(false);
    let regenerate_target = RwSignal::new(None::<ApiKeySummary>);
    let refresh = Callback::new(move |_| version.update(|v| *v += 1));
    let navigate = use_navigate();
    // After a regenerate this id names a replaced key: follow the key to its new id.
    let on_replaced = Callback::new(move |new_id: String| {
        navigate(&format!("/settings/api-keys/{new_id}"), Default::default());
    });
    let on_regenerate = Callback::new(move |key: ApiKeySummary| {
        regenerate_target.set(Some(key));
        regenerate_open.set(true);
    });

    view! {
        <Transition fallback=|| view! { <div class="loading" aria-busy="true"><Spinner />" Loading the key…"</div> }>
            {move || detail.get().map(|result| match result {
                Ok(detail) => view! { <KeyDetailView detail on_regenerate /> }.into_any(),
                Err(AppError::KeyNotFound) => view! { <NotFound /> }.into_any(),
                Err(err) => view! {
                    <PageTitle text="API key unavailable · Keyward" />
                    <p class="form-error" role="alert">{format!("Could not load this key: {err}")}</p>
                }.into_any(),
            })}
        </Transition>
        <LazyRegenerateDialog
            open=regenerate_open
            target=regenerate_target
            on_changed=refresh
            on_replaced=on_replaced
        />
    }
}

#[component]
fn KeyDetailView(detail: ApiKeyDetail, on_regenerate: Callback<ApiKeySummary>) -> impl IntoView {
    let ApiKeyDetail {
        key,
        usage,
        versions,
        recent_clients,
    } = detail;
    let name = display_name(&key.name);
    let title = format!("{name} · API Keys · Keyward");
    let for_click = key.clone();
    view! {
        <PageTitle text=title />
        <a class="back" href="/settings/api-keys">"← API Keys"</a>
        <div class="page-header">
            <div>
                <h1>{name}</h1>
                <p class="muted"><code class="masked">{key.masked_key.clone()}</code></p>
            </div>
            <RegenerateButton key=for_click on_regenerate class="btn" />
        </div>
        <div class="detail-grid">
            <section class="card" aria-labelledby="facts-title">
                <h2 id="facts-title" class="card-title">"Details"</h2>
                <dl class="facts">
                    <dt>"Created"</dt>
                    <dd><LocalDate iso=key.created_at /></dd>
                    <dt>"Expires"</dt>
                    <dd><Expires iso=key.expires_at /></dd>
                    <dt>"Last used"</dt>
                    <dd><LastUsed iso=key.last_used_at /></dd>
                </dl>
            </section>
            <UsageChart usage />
            <Versions versions />
            <RecentClients clients=recent_clients />
        </div>
    }
}

/// 30 days of use as a bar chart drawn here as inline SVG (no chart library, nothing in
/// the WASM beyond these few lines), with the same numbers in a table for screen readers.
/// Coordinates are whole numbers in a viewBox the chart stretches to fit: formatting an
/// `f64` pulled the float printer into the WASM (7.9 kB brotli; bench/results) for no
/// visible gain.
#[component]
fn UsageChart(usage: Vec<DailyUsage>) -> impl IntoView {
    const SLOT: usize = 10;
    const HEIGHT: i64 = 100;
    let total: i64 = usage.iter().map(|d| d.count).sum();
    let busiest = usage.iter().map(|d| d.count).max().unwrap_or(0).max(1);
    let last = usage.len().saturating_sub(1);
    let bars = usage
        .iter()
        .enumerate()
        .map(|(i, day)| {
            // An empty day still shows a sliver, so the 30 slots read as a timeline.
            let height = if day.count > 0 {
                (day.count.saturating_mul(HEIGHT - 4) / busiest).max(2)
            } else {
                1
            };
            let class = match (day.count, i == last) {
                (0, _) => "bar empty",
                (_, true) => "bar today",
                _ => "bar",
            };
            let tooltip = format!("{}: {}", day.date, requests(day.count));
            view! {
                <rect
                    class=class
                    x=(i * SLOT + 1).to_string()
                    y=(HEIGHT - height).to_string()
                    width=(SLOT - 2).to_string()
                    height=height.to_string()
                >
                    <title>{tooltip}</title>
                </rect>
            }
        })
        .collect_view();
    let rows = usage
        .iter()
        .map(|day| view! { <tr><td>{day.date.clone()}</td><td>{day.count}</td></tr> })
        .collect_view();
    let first_date = usage.first().map(|d| d.date.clone()).unwrap_or_default();
    view! {
        <section class="card" aria-labelledby="usage-title">
            <h2 id="usage-title" class="card-title">"Usage, last 30 days"</h2>
            <p class="usage-total">{requests(total)}</p>
            <p class="muted">"Successful calls with any version of this key, per day (UTC)."</p>
            <svg
                class="chart"
                viewBox=format!("0 0 {} {HEIGHT}", usage.len().max(1) * SLOT)
                preserveAspectRatio="none"
                aria-hidden="true"
                focusable="false"
            >
                {bars}
            </svg>
            <div class="chart-axis" aria-hidden="true">
                <span>{first_date}</span>
                <span>"Today"</span>
            </div>
            <table class="visually-hidden">
                <caption>"Successful calls per day, last 30 days"</caption>
                <thead><tr><th scope="col">"Date (UTC)"</th><th scope="col">"Calls"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

fn requests(n: i64) -> String {
    format!("{n} call{}", if n == 1 { "" } else { "s" })
}

/// Every secret this key has had, the live one first.
#[component]
fn Versions(versions: Vec<KeyVersion>) -> impl IntoView {
    let rows = versions
        .into_iter()
        .map(|version| {
            let replaced = match version.replaced_at {
                Some(at) => view! { <LocalDate iso=at /> }.into_any(),
                None => view! { <strong>"Current"</strong> }.into_any(),
            };
            view! {
                <tr>
                    <td><code class="masked">{version.masked_key}</code></td>
                    <td><LocalDate iso=version.created_at /></td>
                    <td>{replaced}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="versions-title">
            <h2 id="versions-title" class="card-title">"Versions"</h2>
            <p class="muted">"Each regenerate replaces the secret; replaced secrets stop working at once and are kept here for the record."</p>
            <table class="plain">
                <thead><tr><th scope="col">"Key"</th><th scope="col">"Created"</th><th scope="col">"Replaced"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

/// The last distinct callers (address and user agent) of any version of this key.
#[component]
fn RecentClients(clients: Vec<RecentClient>) -> impl IntoView {
    let body = if clients.is_empty() {
        view! { <p class="muted">"No calls yet."</p> }.into_any()
    } else {
        let rows = clients
            .into_iter()
            .map(|client| {
                // Stored before user agents were cleaned on the way in, a row may still hold a
                // direction override; shown neutralised either way.
                let agent = if client.user_agent.is_empty() {
                    "(none sent)".to_owned()
                } else {
                    visible_text(&client.user_agent)
                };
                view! {
                    <tr>
                        <td><code>{client.ip}</code></td>
                        <td>{agent}</td>
                        <td><LastUsed iso=Some(client.last_seen_at) /></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="plain">
                <thead><tr><th scope="col">"Address"</th><th scope="col">"User agent"</th><th scope="col">"Last seen"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="clients-title">
            <h2 id="clients-title" class="card-title">"Recent clients"</h2>
            {body}
        </section>
    }
}
