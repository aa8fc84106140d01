//! Command-line runner for the migrations (`up`, `down`, `status`, ...) for operators migrating
//! by hand; the server itself applies any pending ones when it connects.
use sea_orm_migration::prelude::*;

#[tokio::main]
async fn main() {
    cli::run_cli(migrations::Migrator).await;
}
