//! Forward auth: `/api/v1/authorize` directly and behind a real nginx.
mod direct;
mod nginx_harness;
mod through_nginx;
