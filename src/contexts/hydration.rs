//! Whether the WASM has taken over the page yet.
//!
//! The server renders every control, but a button whose work is done by the WASM does
//! nothing when clicked before hydration: on a slow connection that is seconds of a button
//! that ignores the user. Such buttons render disabled until `use_hydrated()` turns true.
//! (Forms that can post without the WASM stay enabled: they work either way.)
use leptos::prelude::*;

#[derive(Clone, Copy)]
struct Hydrated(ReadSignal<bool>);

/// Call once, in the root component. Effects run only in the browser, after hydration.
pub fn provide_hydration() {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| {
        set_hydrated.set(true);
        // Lets end-to-end tests (and curious humans) see when the WASM has taken over.
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    provide_context(Hydrated(hydrated));
}

/// False on the server and until hydration has finished.
pub fn use_hydrated() -> Signal<bool> {
    match use_context::<Hydrated>() {
        Some(Hydrated(hydrated)) => hydrated.into(),
        None => Signal::stored(false),
    }
}
