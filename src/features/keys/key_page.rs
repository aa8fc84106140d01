//! One key's page: what it is, how much it was used over 30 days, every secret it has had, and
//! who calls it. All of it, its data included, is a WASM chunk of its own in a split build:
//! only a visit to a key's page pays for it.
use codee::binary::PostcardCodec;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::key_history::{KeyEvents, RecentClients, Versions};
use super::key_restrictions::KeyRestrictionsCard;
use super::lazy_dialogs::{LazyRegenerateDialog, RegenerateButton};
use super::usage_chart::UsageChart;
use crate::api::validation::display_name;
use crate::api::{ApiKeyDetail, ApiKeySummary, AppError, KeyRestrictions};
use crate::components::icons::Spinner;
use crate::components::not_found::NotFound;
use crate::components::timestamp::{Expires, LastUsed, LocalDate};
use crate::components::title::PageTitle;
use crate::server_fns::deferred::fetch_key_detail;

#[leptos::wasm_split::wasm_split(
    key_page,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_key_page)
)]
pub fn key_page() -> Result<AnyView, AppError> {
    Ok(view! { <KeyPage /> }.into_any())
}

/// Starts fetching the key page's chunk; call on intent (pointer over, focus or touch on a
/// link to a key). A failure is left for the page to report.
///
/// The page's data comes through `api::deferred`, whose chunk is separate: both are fetched
/// at once, or a navigation would wait for one and then the other.
pub fn preload_key_detail() {
    super::lazy_dialogs::preload_dialogs();
    leptos::task::spawn_local(async {
        let _ = preload_key_page().await;
    });
}

/// Whether `path` is a key's page, whose chunk a server-rendered page needs before hydration
/// (`crate::chunks::load_rendered_chunks`). Decided by the route rather than by a marker in
/// the page: the page renders its view, a 404 or an error, and every one of them is in the
/// chunk.
#[cfg(feature = "hydrate")]
pub fn is_key_page(path: &str) -> bool {
    // The router also matches the routes with a trailing slash. The create page
    // (`…/new`) and a key's regenerate page (`…/<id>/regenerate`) share the chunk.
    path.strip_prefix("/settings/api-keys/")
        .map(|rest| rest.strip_suffix('/').unwrap_or(rest))
        .map(|rest| rest.strip_suffix("/regenerate").unwrap_or(rest))
        .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// Loads the key page's chunk; resolves at once once it is there.
#[cfg(feature = "hydrate")]
pub async fn load_key_page() -> Result<(), leptos::wasm_split::SplitLoaderError> {
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
                Ok(detail) => view! { <KeyDetailView detail on_regenerate on_changed=refresh /> }.into_any(),
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
fn KeyDetailView(
    detail: ApiKeyDetail,
    on_regenerate: Callback<ApiKeySummary>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let ApiKeyDetail {
        key,
        usage,
        versions,
        recent_clients,
        restriction_changes,
        events,
        week_reminder_sent_at,
        day_reminder_sent_at,
    } = detail;
    // The latest reminder this version's owner was sent, if any.
    let reminder = day_reminder_sent_at
        .map(|at| ("Expiry reminder (expires today) sent", at))
        .or(week_reminder_sent_at.map(|at| ("Expiry reminder (7 days) sent", at)));
    let restrictions = KeyRestrictions {
        scopes: key.scopes.clone(),
        rate_limit: key.rate_limit,
        allowed_ips: key.allowed_ips.clone(),
    };
    let key_id = key.id.clone();
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
                    {reminder.map(|(label, at)| view! {
                        <dt>"Reminder"</dt>
                        <dd data-testid="reminder-sent">{label}" "<LocalDate iso=at /></dd>
                    })}
                    <dt>"Last used"</dt>
                    <dd><LastUsed iso=key.last_used_at /></dd>
                </dl>
            </section>
            <KeyRestrictionsCard key_id current=restrictions changes=restriction_changes on_changed />
            <UsageChart usage />
            <Versions versions />
            <RecentClients clients=recent_clients />
            <KeyEvents events />
        </div>
    }
}
