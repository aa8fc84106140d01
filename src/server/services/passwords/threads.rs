//! The password-hashing threads. Argon2id is deliberately CPU-heavy (tens of milliseconds a
//! hash); run on tokio's blocking pool, a burst of sign-ins would take every core from key
//! verification. Instead, `cores - 1` (at least one) dedicated threads under Linux's
//! `SCHED_IDLE` policy do it: sign-ins get all the CPU nobody else wants, and a request
//! thread that wakes up preempts them at once (CFS still gives them a small share, so
//! sign-ins slow down under full load but are never shut out).
//!
//! The work waits in two bounded lanes, one for sign-in and one for registration, and the
//! threads take from them in turn. A registration burst therefore delays a sign-in by at
//! most one hash per hash ahead of it in its own lane, and a full lane answers 503 at once
//! instead of letting latency grow without bound.
use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::api::AppError;

type Job = Box<dyn FnOnce() + Send>;

/// Which budget a hash is charged to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    SignIn = 0,
    Registration = 1,
}

/// Hashes allowed to wait per lane. At ~15 ms a hash on one thread, a full sign-in lane is
/// about half a second of waiting; registration gets less, as a burst of sign-ups is rarer
/// than a burst of sign-ins and more likely to be abuse.
const CAPACITY: [usize; 2] = [32, 8];

struct Lanes {
    queued: [VecDeque<Job>; 2],
    /// The lane served next when both have work: alternating is what makes it fair.
    turn: usize,
    /// Set when the owning `Hashing` is dropped: the threads finish what is queued and end.
    closed: bool,
}

impl Lanes {
    fn take(&mut self) -> Option<Job> {
        let first = self.turn;
        for lane in [first, 1 - first] {
            if let Some(job) = self.queued[lane].pop_front() {
                self.turn = 1 - lane;
                return Some(job);
            }
        }
        None
    }
}

struct Pool {
    lanes: Mutex<Lanes>,
    ready: Condvar,
}

impl Pool {
    fn lock(&self) -> MutexGuard<'_, Lanes> {
        // The lanes hold plain queues; a panic inside a job happens outside the lock.
        self.lanes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The password-hashing threads of one app instance. Dropping it ends them once their queues
/// are empty.
pub struct Hashing {
    pool: Arc<Pool>,
}

impl Hashing {
    /// `cores - 1` threads (at least one): the remaining core stays with request handling.
    pub fn new() -> Hashing {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .saturating_sub(1)
            .max(1);
        Hashing::with_threads(threads)
    }

    fn with_threads(threads: usize) -> Hashing {
        let pool = Arc::new(Pool {
            lanes: Mutex::new(Lanes {
                queued: [VecDeque::new(), VecDeque::new()],
                turn: 0,
                closed: false,
            }),
            ready: Condvar::new(),
        });
        for i in 0..threads {
            let pool = pool.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    lower_priority();
                    while let Some(job) = pool.next_job() {
                        job();
                    }
                });
            if let Err(err) = spawned {
                tracing::error!(error = %err, "cannot start a password hashing thread");
            }
        }
        Hashing { pool }
    }

    /// Runs `work` on a hashing thread and waits for it without blocking the async runtime.
    /// Answers `Busy` (503, Retry-After) at once when `lane` already has its fill waiting.
    pub async fn run<T: Send + 'static>(
        &self,
        lane: Lane,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        {
            let mut lanes = self.pool.lock();
            let queue = &mut lanes.queued[lane as usize];
            if queue.len() >= CAPACITY[lane as usize] {
                return Err(AppError::Busy);
            }
            queue.push_back(job);
        }
        self.pool.ready.notify_one();
        result.await.map_err(|_| AppError::Internal)
    }
}

impl Default for Hashing {
    fn default() -> Self {
        Hashing::new()
    }
}

impl Drop for Hashing {
    fn drop(&mut self) {
        self.pool.lock().closed = true;
        self.pool.ready.notify_all();
    }
}

impl Pool {
    /// The next job to run, waiting for one; `None` once closed and drained.
    fn next_job(&self) -> Option<Job> {
        let mut lanes = self.lock();
        loop {
            if let Some(job) = lanes.take() {
                return Some(job);
            }
            if lanes.closed {
                return None;
            }
            lanes = self
                .ready
                .wait(lanes)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn job(log: &std::sync::Arc<Mutex<Vec<&'static str>>>, name: &'static str) -> Job {
        let log = log.clone();
        Box::new(move || log.lock().unwrap().push(name))
    }

    #[test]
    fn lanes_take_turns_when_both_have_work() {
        let log = std::sync::Arc::new(Mutex::new(Vec::new()));
        let mut lanes = Lanes {
            queued: [VecDeque::new(), VecDeque::new()],
            turn: 0,
            closed: false,
        };
        for _ in 0..3 {
            lanes.queued[Lane::Registration as usize].push_back(job(&log, "register"));
        }
        lanes.queued[Lane::SignIn as usize].push_back(job(&log, "sign-in"));
        while let Some(job) = lanes.take() {
            job();
        }
        assert_eq!(
            *log.lock().unwrap(),
            ["sign-in", "register", "register", "register"]
        );
    }

    #[tokio::test]
    async fn a_full_lane_answers_busy_without_waiting() {
        let hashing = Arc::new(Hashing::with_threads(1));
        let queued = |lane: Lane| hashing.pool.lock().queued[lane as usize].len();
        let submit = |lane: Lane, work: Box<dyn FnOnce() + Send>| {
            let hashing = hashing.clone();
            tokio::spawn(async move { hashing.run(lane, work).await })
        };
        // Hold the pool's one thread busy, then fill the registration lane behind it.
        let (release, gate) = std::sync::mpsc::channel::<()>();
        let (started, running) = std::sync::mpsc::channel::<()>();
        let blocker = submit(
            Lane::Registration,
            Box::new(move || {
                let _ = started.send(());
                let _ = gate.recv();
            }),
        );
        while running.try_recv().is_err() {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        let waiting: Vec<_> = (0..CAPACITY[Lane::Registration as usize])
            .map(|_| submit(Lane::Registration, Box::new(|| ())))
            .collect();
        while queued(Lane::Registration) < CAPACITY[Lane::Registration as usize] {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert_eq!(
            hashing.run(Lane::Registration, || ()).await,
            Err(AppError::Busy)
        );
        // The other lane has its own budget.
        let sign_in = submit(Lane::SignIn, Box::new(|| ()));
        release.send(()).unwrap();
        assert_eq!(blocker.await.unwrap(), Ok(()));
        for task in waiting {
            assert_eq!(task.await.unwrap(), Ok(()));
        }
        assert_eq!(sign_in.await.unwrap(), Ok(()));
    }
}
