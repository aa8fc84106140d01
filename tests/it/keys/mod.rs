//! Managing keys with a session: creating, listing, names, regenerating, expiry, the record.
mod create_and_list;
mod detail;
mod expiry;
mod names;
mod ownership;
mod pagination;
mod regenerate;
