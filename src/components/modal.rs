//! A native `<dialog>` shown modally: the browser traps focus, moves it in on open, closes
//! on Escape and returns focus on close. We add backdrop clicks, and refuse to close while
//! a request is in flight so a secret can never arrive into a closed dialog.
use leptos::ev;
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn Modal(
    open: RwSignal<bool>,
    /// Id of the element naming the dialog.
    #[prop(into)]
    labelled_by: String,
    /// While true, Escape and backdrop clicks do nothing.
    #[prop(into)]
    busy: Signal<bool>,
    /// Runs after the dialog has closed, however it was closed.
    on_closed: Callback<()>,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    Effect::new(move |_| {
        let should_open = open.get();
        if let Some(dialog) = dialog.get() {
            if should_open && !dialog.open() {
                let _ = dialog.show_modal();
            } else if !should_open && dialog.open() {
                dialog.close();
            }
        }
    });
    let on_cancel = move |event: ev::Event| {
        if busy.get_untracked() {
            event.prevent_default();
        }
    };
    let on_click = move |event: ev::MouseEvent| {
        // Clicks on the backdrop land on the <dialog> itself; clicks on content land on a child.
        let on_backdrop = match (event.target(), dialog.get_untracked()) {
            (Some(target), Some(dialog)) => {
                let dialog: &leptos::web_sys::EventTarget = dialog.as_ref();
                &target == dialog
            }
            _ => false,
        };
        if on_backdrop && !busy.get_untracked() {
            open.set(false);
        }
    };
    view! {
        <dialog
            node_ref=dialog
            class="modal"
            aria-labelledby=labelled_by
            on:cancel=on_cancel
            on:close=move |_| {
                open.set(false);
                on_closed.run(());
            }
            on:click=on_click
        >
            <div class="modal-body">{children()}</div>
        </dialog>
    }
}
