//! Managing keys: the table, creating and regenerating (dialogs in a WASM chunk of their own),
//! the reveal, and a key's own page with its usage chart and history.
pub mod create_key_dialog;
pub mod create_key_form;
pub mod form_pages;
pub mod key_history;
pub mod key_list;
pub mod key_page;
pub mod key_restrictions;
pub mod key_table;
pub mod lazy_dialogs;
pub mod regenerate_dialog;
pub mod regenerate_form;
pub mod restrictions_form;
pub mod reveal_key;
pub mod usage_chart;
