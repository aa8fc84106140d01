//! Pages and server functions: the settings guard, statuses, headers, static files.
mod forms;
mod public_pages;
mod server_functions;
mod settings_guard;
mod static_files;
