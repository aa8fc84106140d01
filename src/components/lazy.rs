//! The generic parts of code that arrives later (WASM chunks): what a part shows when its
//! chunk cannot be fetched, mounting a dialog the first time it is wanted, and telling a
//! page that could not hydrate. Which chunks exist is the features' business.
use std::future::Future;

use leptos::prelude::*;

use crate::api::AppError;
use crate::contexts::toasts::use_toasts;

/// What a page shows in place of a part whose code could not be fetched.
pub fn chunk_unavailable(err: AppError) -> AnyView {
    view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any()
}

/// Mounts the dialog that `load` resolves to the first time `open` is set, and keeps it, so
/// the native `<dialog>` closes (returning focus) the usual way. If its code cannot be
/// fetched, a toast says so, `open` is reset, and the next open tries again.
pub fn mount_when_opened<Load, Fut>(open: RwSignal<bool>, load: Load) -> impl IntoView
where
    Load: Fn() -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<AnyView, AppError>> + Send + 'static,
{
    let toasts = use_toasts();
    let wanted = RwSignal::new(false);
    Effect::new(move |_| {
        if open.get() {
            wanted.set(true);
        }
    });
    view! {
        <Show when=move || wanted.get()>
            {
                let load = load.clone();
                move || {
                    let loading = load();
                    Suspend::new(async move {
                        loading.await.unwrap_or_else(|err| {
                            toasts.error(err.to_string());
                            open.set(false);
                            wanted.set(false);
                            ().into_any()
                        })
                    })
                }
            }
        </Show>
    }
}

/// Whether the server rendered a lazily loaded view marked `data-lazy-view=<lazy_view>`.
#[cfg(feature = "hydrate")]
pub fn rendered(lazy_view: &str) -> bool {
    let selector = format!("[data-lazy-view=\"{lazy_view}\"]");
    matches!(
        leptos::prelude::document().query_selector(&selector),
        Ok(Some(_))
    )
}

/// Says, at the top of the page, that its code could not be loaded: the page stays as the
/// server rendered it, and the buttons that need the WASM stay disabled.
#[cfg(feature = "hydrate")]
pub fn report_unhydrated_page() {
    let document = leptos::prelude::document();
    let (Ok(notice), Ok(Some(main))) = (
        document.create_element("p"),
        document.query_selector("main"),
    ) else {
        return;
    };
    notice.set_class_name("form-error");
    let _ = notice.set_attribute("role", "alert");
    notice.set_text_content(Some(
        "Part of this page could not be loaded. Check your connection and reload the page.",
    ));
    let _ = main.prepend_with_node_1(&notice);
}
