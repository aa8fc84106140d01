//! State shared across the UI, each with a `provide_…` (called once in `app::App`) and a
//! `use_…` function. Nothing here imports a page, a feature or a component.
pub mod current_user;
pub mod hydration;
pub mod toasts;
