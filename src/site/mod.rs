//! The site: the server's routes and the UI's pages assembled into one application
//! (`router`), the pages' forms posted without the WASM (`forms`), the pages served without
//! a script (`scriptless`), and running it
//! (`lifecycle`). The one place that knows both `server` and `app`,
//! so neither imports the other.
mod forms;
pub mod lifecycle;
pub mod router;
mod scriptless;
