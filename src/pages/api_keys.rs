//! Settings → API Keys. Search and paging live in the query string (`q`, `cursor`), so any view
//! of the list can be linked and reloaded; the dialogs load lazily and refresh the list.
use codee::binary::PostcardCodec;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::ApiKeySummary;
use crate::components::icons::{KeyIcon, Spinner};
use crate::components::title::PageTitle;
use crate::features::keys::key_list::{ExpiringSoon, KeySearch, ListPager};
use crate::features::keys::key_table::KeyTable;
use crate::features::keys::lazy_dialogs::{
    CreateKeyLink, LazyCreateKeyDialog, LazyRegenerateDialog,
};
use crate::server_fns::deferred::fetch_keys;

/// Settings → API Keys: the list (rendered on the server first), create and regenerate.
#[component]
pub fn ApiKeysPage() -> impl IntoView {
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
            <CreateKeyLink open=create_open />
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
                            <CreateKeyLink open=create_open />
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
