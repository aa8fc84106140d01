//! The site: the server's routes and the UI's pages assembled into one application
//! (`router`), and running it (`lifecycle`). The one place that knows both `server` and `app`,
//! so neither imports the other.
pub mod lifecycle;
pub mod router;
