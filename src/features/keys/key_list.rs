//! Around the keys table: searching by name, paging past 100 keys, and the keys about to
//! expire.
use leptos::prelude::*;

use crate::api::validation::display_name;
use crate::api::ApiKeySummary;
use crate::browser::{describe_expiry, encode_query_value, iso_ms, now_ms};

/// Searching the keys by name: a plain GET form, so it works before and without the WASM.
#[component]
pub fn KeySearch(search: Option<String>) -> impl IntoView {
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
pub fn ListPager(
    next_cursor: Option<String>,
    search: Option<String>,
    paged: bool,
) -> impl IntoView {
    let with_search = move |mut href: String| {
        if let Some(q) = &search {
            href.push_str(if href.contains('?') { "&q=" } else { "?q=" });
            href.push_str(&encode_query_value(q));
        }
        href
    };
    let next = next_cursor.map(|c| {
        with_search(format!(
            "/settings/api-keys?cursor={}",
            encode_query_value(&c)
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
pub fn ExpiringSoon(keys: Vec<ApiKeySummary>) -> impl IntoView {
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
        <p class="notice warning" role="status" hidden=move || text.get().is_empty()>
            <strong>"Expiring within 7 days: "</strong>
            {move || text.get()}
            ". Regenerate a key to give it a new secret and a new expiry."
        </p>
    }
}
