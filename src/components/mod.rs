//! The generic kit: pieces that know nothing of keys or accounts. Features build on them.
pub mod copy_button;
pub mod icons;
pub mod lazy;
pub mod modal;
pub mod not_found;
pub mod timestamp;
pub mod title;
pub mod toast;
