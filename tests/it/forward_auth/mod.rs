//! Forward auth: `/api/v1/authorize` directly, and behind real nginx, Caddy and Traefik.
mod direct;
mod least_privilege;
mod listening;
mod nginx_harness;
mod other_proxies;
mod through_nginx;
