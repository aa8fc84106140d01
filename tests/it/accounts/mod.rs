//! Accounts: registration, signing in and its throttle, sessions.
mod security;
mod sessions;
mod sign_in;
mod sign_up;
