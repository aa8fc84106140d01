//! The state every handler and server function shares: database, configuration, limits, key
//! verifier, hashing threads and mailer, built once at startup and held behind one `Arc`.
use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;

use super::config::Config;
use super::services::accounts::Accounts;
use super::services::api_keys::KeyPolicy;
use super::services::login_throttle;
use super::services::mail::Mailer;
use super::services::password_reset::ResetLimits;
use super::services::passwords::Hashing;
use super::services::sessions::activity::SessionActivity;
use super::services::sign_up_throttle::SignUpLimits;
use super::services::verification::pg_connect::SettingsError;
use super::services::verification::Verifier;

/// Everything a request handler or server function needs. Cloned for every request (axum
/// extractors take it by value), so it is one `Arc`. Every instance must see a regenerate or
/// sign-out at once: sessions are not cached, and the verifier's cache answers only after a
/// fresh epoch read (`services::verification::cache`).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub config: Config,
    /// The limits, read from the configuration once.
    pub limits: Limits,
    /// The rules for changing keys: how many changes an hour, and their restrictions.
    pub policy: KeyPolicy,
    /// This instance's password-hashing threads and their bounded queues.
    pub hashing: Hashing,
    /// API-key verification with its lookup, cache and usage counting
    /// (`services::verification`).
    pub verifier: Verifier,
    /// Sessions used since the last write of their "last seen".
    pub session_activity: SessionActivity,
    /// The way out for mail, if one is configured (`services::mail`).
    pub mailer: Mailer,
}

impl AppState {
    /// `config.database_url` must name the database `db` is connected to: the key lookup
    /// opens its own connections there, with the same settings (or refuses one it cannot
    /// honour).
    pub fn new(config: Config, db: DatabaseConnection) -> Result<AppState, SettingsError> {
        let leptos_options = LeptosOptions::builder()
            .output_name(std::env::var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|_| "keyward".into()))
            .site_root(config.site_root.clone())
            .site_pkg_dir("pkg")
            .site_addr(config.site_addr)
            .hash_files(built_with_hashed_files())
            .build();
        let verifier = Verifier::new(&config, db.clone())?;
        Ok(AppState(Arc::new(Shared {
            leptos_options,
            db,
            limits: Limits {
                sign_in: login_throttle::Limits::from_config(&config),
                sign_up: SignUpLimits::from_config(&config),
                password_reset: ResetLimits::from_config(&config),
            },
            policy: KeyPolicy::from_config(&config),
            hashing: Hashing::new(),
            verifier,
            session_activity: SessionActivity::default(),
            mailer: Mailer::from_config(&config),
            config,
        })))
    }
}

/// Every limit a request can meet, as configured.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub sign_in: login_throttle::Limits,
    pub sign_up: SignUpLimits,
    pub password_reset: ResetLimits,
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

impl AppState {
    /// Registration and sign-in, with this instance's hashing threads and limits.
    pub fn accounts(&self) -> Accounts<'_> {
        Accounts {
            db: &self.db,
            hashing: &self.hashing,
            sign_in: self.limits.sign_in,
            sign_up: self.limits.sign_up,
            session_lifetime_days: self.config.session_lifetime_days,
        }
    }
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
