//! Running the app: serving until a shutdown signal, the background upkeep beside it, and
//! the last write of pending key usage on the way out.
use std::time::Duration;

use super::router::router;
use crate::server::connections::serve_with_timeouts;
use crate::server::services::verification::rate_limit;
use crate::server::services::{login_throttle, mail, reminders, sessions, throttle};
use crate::server::state::AppState;

/// Background upkeep: flush key usage and sessions' last use, and purge expired sessions and
/// throttle rows, until `stop` fires. It stops between tasks, never inside one: aborting it
/// mid-flush would drop the batch that flush had taken out of memory.
pub fn spawn_maintenance(
    state: &AppState,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) -> tokio::task::JoinHandle<()> {
    let state = state.clone();
    tokio::spawn(async move {
        let mut flush = tokio::time::interval(Duration::from_secs(
            state.config.last_used_flush_secs.max(1),
        ));
        let mut purge = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tokio::select! {
                _ = &mut stop => break,
                _ = flush.tick() => {
                    if let Err(err) = state.verifier.usage().flush(&state.db).await {
                        tracing::warn!(error = %err, "could not flush key usage; will retry");
                    }
                    if let Err(err) = state.session_activity.flush(&state.db).await {
                        tracing::warn!(error = %err, "could not write sessions' last use; will retry");
                    }
                }
                _ = purge.tick() => {
                    if let Err(err) = sessions::purge_expired(&state.db).await {
                        tracing::warn!(error = %err, "could not purge expired sessions");
                    }
                    if let Err(err) = login_throttle::purge_expired(&state.db, state.limits.sign_in).await {
                        tracing::warn!(error = %err, "could not purge old sign-in failures");
                    }
                    if let Err(err) = throttle::purge_expired(&state.db).await {
                        tracing::warn!(error = %err, "could not purge old throttle events");
                    }
                    if let Err(err) = rate_limit::purge_expired(&state.db).await {
                        tracing::warn!(error = %err, "could not purge old rate-limit counters");
                    }
                }
            }
        }
    })
}

/// Mail: queues the expiry reminders that are due and sends what the outbox holds, every
/// `email.poll_interval_ms`, until `stop` fires (between passes, never inside one: a mail
/// whose send was cut off would wait out its claim). Apart from the maintenance task, so a
/// slow SMTP server never delays the usage flush.
pub fn spawn_mail(
    state: &AppState,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) -> tokio::task::JoinHandle<()> {
    let state = state.clone();
    tokio::spawn(async move {
        if !state.mailer.enabled() {
            return;
        }
        let mut tick = tokio::time::interval(state.mailer.poll);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = &mut stop => break,
                _ = tick.tick() => {
                    if let Err(err) = reminders::queue_due(&state.db, &state.mailer).await {
                        tracing::warn!(error = %err, "could not queue expiry reminders; will retry");
                    }
                    if let Err(err) = mail::sender::send_due(&state.db, &state.mailer).await {
                        tracing::warn!(error = %err, "could not send queued mail; will retry");
                    }
                }
            }
        }
    })
}

/// Serves until SIGTERM or Ctrl-C, then drains requests and writes pending key usage.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    serve_until(listener, state, shutdown_signal()).await
}

/// Serves until `shutdown` completes; in-flight requests finish, then pending key usage
/// is written so none is lost.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_maintenance, stopped) = tokio::sync::oneshot::channel();
    let maintenance = spawn_maintenance(&state, stopped);
    let (stop_mail, mail_stopped) = tokio::sync::oneshot::channel();
    let mail = spawn_mail(&state, mail_stopped);
    let result = serve_with_timeouts(
        listener,
        router(state.clone()),
        shutdown,
        Duration::from_secs(state.config.header_read_timeout_secs.max(1)),
        Duration::from_secs(state.config.idle_timeout_secs.max(1)),
    )
    .await;
    // Let a flush in progress finish (its batch is out of memory until it lands), then
    // write whatever is still pending.
    let _ = stop_maintenance.send(());
    let _ = stop_mail.send(());
    if let Err(err) = mail.await {
        tracing::error!(error = %err, "the mail task failed");
    }
    if let Err(err) = maintenance.await {
        tracing::error!(error = %err, "the maintenance task failed");
    }
    // What the verification cache did for this instance (bench/flood.sh reads it).
    tracing::info!(
        lookups = state.verifier.lookups(),
        cache_hits = state.verifier.cache_hits(),
        "key verification counters"
    );
    match state.verifier.usage().flush(&state.db).await {
        Ok(n) => tracing::info!(written = n, "flushed key usage"),
        Err(err) => tracing::error!(
            error = %err,
            pending = state.verifier.usage().pending_len(),
            "could not flush key usage at shutdown"
        ),
    }
    result
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
