use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;

use super::config::Config;
use super::hashing::Hashing;
use super::services::key_lookup::KeyLookup;
use super::usage::UsageTracker;

/// Everything a request handler or server function needs. Cloned for every request (axum
/// extractors take it by value), so it is one `Arc`. Every instance must see a regenerate or
/// sign-out at once: sessions are not cached, and the key lookup's cache answers only after a
/// fresh epoch read (`services::key_epochs`).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub config: Config,
    /// Last-used times, daily counts and clients waiting to be written.
    pub usage: UsageTracker,
    /// This instance's password-hashing threads and their bounded queues.
    pub hashing: Hashing,
    /// The API-key lookup on the request path (see `services::key_lookup`).
    pub key_lookup: KeyLookup,
    key_lookups: AtomicU64,
}

impl AppState {
    /// `config.database_url` must name the database `db` is connected to: the key lookup
    /// opens its own connections there.
    pub fn new(config: Config, db: DatabaseConnection) -> AppState {
        let leptos_options = LeptosOptions::builder()
            .output_name(std::env::var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|_| "keyward".into()))
            .site_root(config.site_root.clone())
            .site_pkg_dir("pkg")
            .site_addr(config.site_addr)
            .hash_files(built_with_hashed_files())
            .build();
        AppState(Arc::new(Shared {
            leptos_options,
            db,
            usage: UsageTracker::new(),
            hashing: Hashing::new(),
            key_lookup: KeyLookup::for_database(
                &config.database_url,
                config.key_lookup_connections,
                config.key_lookup_cache,
            ),
            config,
            key_lookups: AtomicU64::new(0),
        }))
    }

    /// How many API-key database lookups this process has made. Lets tests prove that a
    /// malformed key never reaches the database.
    pub fn key_lookups(&self) -> u64 {
        self.key_lookups.load(Ordering::Relaxed)
    }

    pub(crate) fn count_key_lookup(&self) {
        self.key_lookups.fetch_add(1, Ordering::Relaxed);
    }
}

/// cargo-leptos writes `hash.txt` (the content hashes in the site's file names) beside the
/// server binary it builds. Leptos needs to know whether to read it, and must not be told to
/// when it is absent (a test binary, a binary copied without it): it would panic.
fn built_with_hashed_files() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .is_some_and(|file| file.exists())
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
