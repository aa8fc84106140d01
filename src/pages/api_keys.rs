use codee::binary::PostcardCodec;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::deferred::fetch_keys;
use crate::api::validation::display_name;
use crate::api::ApiKeySummary;
use crate::browser::{describe_expiry, iso_ms, now_ms};
use crate::components::hydration::use_hydrated;
use crate::components::icons::{KeyIcon, PlusIcon, Spinner};
use crate::components::key_table::KeyTable;
use crate::components::lazy_dialogs::{preload_dialogs, LazyCreateKeyDialog, LazyRegenerateDialog};
use crate::components::title::PageTitle;

/// Settings → API Keys: the list (rendered on the server first), create and regenerate.
#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let hydrated = use_hydrated();
    let version = RwSignal::new(0u32);
    let query = use_query_map();
    let search = move || query.read().get("q").filter(|q| !q.trim().is_empty());
    let cursor = move || query.read().get("cursor").filter(|c| !c.is_empty());
    let keys = Resource::<_, PostcardCodec>::new_with_options(
        move || (version.get(), cursor(), search()),
        |(_, cursor, search)| fetch_keys(cursor, search),
        false,
    );
    let refresh = Callback::new(move |_| version.update(|v| *v += 1));
    let create_open = RwSignal::new(false);
    let regenerate_open = RwSignal::new(false);
    let regenerate_target = RwSignal::new(None::<ApiKeySummary>);
    let on_regenerate = Callback::new(move |key: ApiKeySummary| {
        regenerate_target.set(Some(key));
        regenerate_open.set(true);
    });

    view! {
        <PageTitle text="API Keys · Keyward" />
        <div class="page-header">
            <div>
                <h1>"API Keys"</h1>
                <p class="muted">"Manage API keys for external tool access"</p>
            </div>
            <button
                type="button"
                class="btn primary"
                disabled=move || !hydrated.get()
                on:pointerenter=move |_| preload_dialogs()
                on:focus=move |_| preload_dialogs()
                on:touchstart=move |_| preload_dialogs()
                on:click=move |_| create_open.set(true)
            >
                <PlusIcon />
                "Create Key"
            </button>
        </div>
        <section class="card" aria-labelledby="your-keys-title">
            <h2 id="your-keys-title" class="card-title"><KeyIcon />" Your API Keys"</h2>
            <p class="muted">
                "API keys allow external tools to access your account. Keys are shown in full only once when created or regenerated."
            </p>
            <Transition fallback=|| view! { <div class="loading" aria-busy="true"><Spinner />" Loading API keys…"</div> }>
                {move || keys.get().map(|result| match result {
                    Ok(list) if list.keys.is_empty() && search().is_none() && cursor().is_none() => view! {
                        <div class="empty">
                            <p>"No API keys yet."</p>
                            <p class="muted">"Create one to get started."</p>
                        </div>
                    }.into_any(),
                    Ok(list) => view! {
                        <KeySearch search=search() />
                        <ExpiringSoon keys=list.keys.clone() />
                        {if list.keys.is_empty() {
                            view! { <p class="muted">"No keys match your search."</p> }.into_any()
                        } else {
                            view! { <KeyTable keys=list.keys on_regenerate /> }.into_any()
                        }}
                        <ListPager next_cursor=list.next_cursor search=search() paged=cursor().is_some() />
                    }.into_any(),
                    Err(err) => view! {
                        <p class="form-error" role="alert">{format!("Could not load your API keys: {err}")}</p>
                    }.into_any(),
                })}
            </Transition>
        </section>
        <LazyCreateKeyDialog open=create_open on_changed=refresh />
        <LazyRegenerateDialog open=regenerate_open target=regenerate_target on_changed=refresh />
    }
}

/// Searching the keys by name: a plain GET form, so it works before and without the WASM.
#[component]
fn KeySearch(search: Option<String>) -> impl IntoView {
    view! {
        <form method="get" action="/settings/api-keys" role="search" class="key-search">
            <label for="key-search" class="visually-hidden">"Search keys by name"</label>
            <input id="key-search" name="q" type="search" placeholder="Search by name" value=search.unwrap_or_default() />
            <button type="submit" class="btn small">"Search"</button>
        </form>
    }
}

/// The way past the first 100 keys (and back to the start).
#[component]
fn ListPager(next_cursor: Option<String>, search: Option<String>, paged: bool) -> impl IntoView {
    let with_search = move |mut href: String| {
        if let Some(q) = &search {
            href.push_str(if href.contains('?') { "&q=" } else { "?q=" });
            href.push_str(&crate::browser::encode_query_value(q));
        }
        href
    };
    let next = next_cursor.map(|c| {
        with_search(format!(
            "/settings/api-keys?cursor={}",
            crate::browser::encode_query_value(&c)
        ))
    });
    let first = paged.then(|| with_search("/settings/api-keys".to_owned()));
    (next.is_some() || first.is_some()).then(|| {
        view! {
            <nav class="pager" aria-label="More keys">
                {first.map(|href| view! { <a href=href>"← First page"</a> })}
                {next.map(|href| view! { <a href=href>"Next 100 keys →"</a> })}
            </nav>
        }
    })
}

/// Names the keys that stop working within 7 days, so they can be regenerated in time. One
/// paragraph, hidden when empty, whatever the clock: the server's rendering and the
/// browser's always hydrate alike.
#[component]
fn ExpiringSoon(keys: Vec<ApiKeySummary>) -> impl IntoView {
    const WEEK_MS: f64 = 7.0 * 86_400_000.0;
    let soon = move |now: f64| {
        keys.iter()
            .filter_map(|key| {
                let expires = key.expires_at.as_deref()?;
                let left = iso_ms(expires) - now;
                (left > 0.0 && left <= WEEK_MS).then(|| {
                    let (when, _) = describe_expiry(Some(expires), now);
                    format!("{} ({when})", display_name(&key.name))
                })
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let text = RwSignal::new(soon(now_ms()));
    Effect::new(move |_| text.set(soon(now_ms())));
    view! {
        <p class="notice" role="status" hidden=move || text.get().is_empty()>
            <strong>"Expiring within 7 days: "</strong>
            {move || text.get()}
            ". Regenerate a key to give it a new secret and a new expiry."
        </p>
    }
}
