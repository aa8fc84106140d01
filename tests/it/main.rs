//! Keyward's integration tests: one binary (the server links once), one module per rule it
//! guards. Each test gets a fresh database: PostgreSQL by default, SQLite with
//! `KEYWARD_TEST_BACKEND=sqlite`. A test that cannot run on the current backend says so in the
//! output (`common::skip`) rather than passing silently.
#![cfg(feature = "ssr")]

mod common;

mod accounts;
mod cross_site;
mod forward_auth;
mod keys;
mod lifecycle;
mod limits;
mod mail;
mod openapi;
mod pages;
mod requests;
mod verification;
