//! Password hashing threads. Argon2id is deliberately CPU-heavy (tens of milliseconds a
//! hash); run on tokio's blocking pool, a burst of sign-ins would take every core from key
//! verification. Instead, `cores - 1` (at least one) dedicated threads under Linux's
//! `SCHED_IDLE` policy do it: sign-ins get all the CPU nobody else wants, and a request
//! thread that wakes up preempts them at once (CFS still gives them a small share, so
//! sign-ins slow down under full load but are never shut out).
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};

use crate::api::AppError;

type Job = Box<dyn FnOnce() + Send>;

fn queue() -> &'static mpsc::Sender<Job> {
    static QUEUE: OnceLock<mpsc::Sender<Job>> = OnceLock::new();
    QUEUE.get_or_init(|| {
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = std::sync::Arc::new(Mutex::new(receiver));
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .saturating_sub(1)
            .max(1);
        for i in 0..threads {
            let receiver = receiver.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    lower_priority();
                    loop {
                        let job = match receiver.lock() {
                            Ok(guard) => guard.recv(),
                            Err(poisoned) => poisoned.into_inner().recv(),
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return, // every sender is gone: the process is ending
                        }
                    }
                });
            if let Err(err) = spawned {
                tracing::error!(error = %err, "cannot start a password hashing thread");
            }
        }
        sender
    })
}

fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: sched_setscheduler reads a valid, initialized sched_param; pid 0 means the
    // calling thread only.
    unsafe {
        let param = libc::sched_param { sched_priority: 0 };
        if libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) != 0 {
            tracing::warn!("cannot lower the priority of a password hashing thread");
        }
    }
}

/// Runs `work` on a hashing thread and waits for it without blocking the async runtime.
pub async fn run<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let (done, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(work());
    });
    queue().send(job).map_err(|_| AppError::Internal)?;
    result.await.map_err(|_| AppError::Internal)
}
