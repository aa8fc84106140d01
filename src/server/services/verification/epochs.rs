//! Verification epochs: one value per shard of key hashes, changed by a database trigger with
//! every change to what a verification answers (see `cache` for why that makes the cache
//! strict), and the read barrier that hands out epochs read *after* a caller asked.
//!
//! One epoch read in flight serves every request that arrived before it started, so under
//! load an instance makes one small query per batch of verifications instead of one per
//! verification.
use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;

use crate::api::AppError;

/// How long a request waits for its epoch read before the answer is 503.
const WAIT: Duration = Duration::from_secs(3);

/// Epoch rows; a key hash's first hex digit picks one, here and in the migration's trigger.
pub const SHARDS: usize = 16;

/// Every shard's epoch, indexed by shard.
pub const READ_SQL: &str = "SELECT shard, epoch FROM api_key_epochs";

pub type Epochs = Arc<[i64; SHARDS]>;

/// The shard of a key hash (lower-case hex SHA-256): its first digit. Anything else falls in
/// shard 0, as in the trigger's SQL.
pub fn shard_of(key_hash: &str) -> usize {
    match key_hash.as_bytes().first() {
        Some(digit @ b'0'..=b'9') => usize::from(digit - b'0'),
        Some(digit @ b'a'..=b'f') => usize::from(digit - b'a') + 10,
        _ => 0,
    }
}

/// Builds [`Epochs`] from `(shard, epoch)` rows; a missing shard is an error, not a zero.
pub fn epochs_from_rows(rows: impl IntoIterator<Item = (i16, i64)>) -> Result<Epochs, AppError> {
    let mut epochs = [None; SHARDS];
    for (shard, epoch) in rows {
        let slot = usize::try_from(shard)
            .ok()
            .and_then(|shard| epochs.get_mut(shard))
            .ok_or(AppError::Internal)?;
        *slot = Some(epoch);
    }
    let mut complete = [0; SHARDS];
    for (slot, epoch) in complete.iter_mut().zip(epochs) {
        *slot = epoch.ok_or_else(|| {
            tracing::error!("api_key_epochs is missing a shard");
            AppError::Internal
        })?;
    }
    Ok(Arc::new(complete))
}

type EpochRead = Pin<Box<dyn Future<Output = Result<Epochs, AppError>> + Send>>;
type ReadFn = dyn Fn() -> EpochRead + Send + Sync;

/// Hands out epochs read after the caller asked, sharing one read among all who wait on it.
#[derive(Clone)]
pub struct ReadBarrier(Arc<Barrier>);

struct Barrier {
    waiting: Mutex<Waiting>,
    read: Box<ReadFn>,
}

#[derive(Default)]
struct Waiting {
    callers: Vec<oneshot::Sender<Result<Epochs, AppError>>>,
    /// A task is running reads; it takes `callers` before each read.
    reading: bool,
}

impl ReadBarrier {
    pub fn new<F, Fut>(read: F) -> ReadBarrier
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Epochs, AppError>> + Send + 'static,
    {
        ReadBarrier(Arc::new(Barrier {
            waiting: Mutex::new(Waiting::default()),
            read: Box::new(move || Box::pin(read())),
        }))
    }

    /// The epochs as seen by a read that started after this call was made.
    pub async fn fresh(&self) -> Result<Epochs, AppError> {
        let (answer, answered) = oneshot::channel();
        let start_reading = {
            let mut waiting = self.0.lock();
            waiting.callers.push(answer);
            !mem::replace(&mut waiting.reading, true)
        };
        if start_reading {
            // A task of its own, so that a caller that goes away (a client hanging up) cannot
            // leave the others waiting on a read nobody finishes.
            let barrier = self.0.clone();
            tokio::spawn(async move { barrier.read_while_wanted().await });
        }
        // Bounded like any database answer: a read stuck on a dead connection fails its
        // waiters with 503 instead of holding every verification of the instance.
        match tokio::time::timeout(WAIT, answered).await {
            Ok(Ok(epochs)) => epochs,
            Ok(Err(_)) | Err(_) => Err(AppError::Unavailable),
        }
    }
}

impl Barrier {
    fn lock(&self) -> std::sync::MutexGuard<'_, Waiting> {
        self.waiting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn read_while_wanted(&self) {
        let _reset = ResetOnPanic(self);
        loop {
            let callers = {
                let mut waiting = self.lock();
                if waiting.callers.is_empty() {
                    waiting.reading = false;
                    return;
                }
                mem::take(&mut waiting.callers)
            };
            // Every caller in `callers` asked before this read starts: that is the guarantee.
            // Whoever asks from now on waits for the next read.
            let epochs = (self.read)().await;
            for caller in callers {
                let _ = caller.send(epochs.clone());
            }
        }
    }
}

/// If a read panics, its callers get an error (their senders drop) and the next caller
/// starts a new reader instead of waiting forever.
struct ResetOnPanic<'a>(&'a Barrier);

impl Drop for ResetOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut waiting = self.0.lock();
            waiting.callers.clear();
            waiting.reading = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicI64, Ordering};
    use tokio::sync::Semaphore;

    #[test]
    fn shards_come_from_the_first_hex_digit() {
        assert_eq!(shard_of("0abc"), 0);
        assert_eq!(shard_of("9abc"), 9);
        assert_eq!(shard_of("fabc"), 15);
        assert_eq!(shard_of(""), 0);
        assert_eq!(
            shard_of("Fabc"),
            0,
            "upper case is not what the trigger reads either"
        );
    }

    #[test]
    fn every_shard_must_be_read() {
        let all: Vec<(i16, i64)> = (0..SHARDS as i16).map(|s| (s, i64::from(s) * 10)).collect();
        assert_eq!(epochs_from_rows(all.clone()).expect("complete")[3], 30);
        assert!(epochs_from_rows(all[1..].to_vec()).is_err());
        assert!(epochs_from_rows([(SHARDS as i16, 0)]).is_err());
    }

    /// A barrier whose reads return 1, 2, 3…, each held until `gate` lets it finish.
    fn counting_barrier(gate: Arc<Semaphore>) -> (ReadBarrier, Arc<AtomicI64>) {
        let started = Arc::new(AtomicI64::new(0));
        let counter = started.clone();
        let barrier = ReadBarrier::new(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            let gate = gate.clone();
            async move {
                gate.acquire().await.expect("gate").forget();
                Ok(Arc::new([n; SHARDS]))
            }
        });
        (barrier, started)
    }

    fn spawn_caller(barrier: &ReadBarrier) -> tokio::task::JoinHandle<Result<Epochs, AppError>> {
        let barrier = barrier.clone();
        tokio::spawn(async move { barrier.fresh().await })
    }

    /// Until `n` reads have started.
    async fn wait_for_reads(started: &AtomicI64, n: i64) {
        while started.load(Ordering::SeqCst) < n {
            tokio::task::yield_now().await;
        }
    }

    /// Until `n` callers wait for the next read (the one in flight has taken its own).
    async fn wait_for_callers(barrier: &ReadBarrier, n: usize) {
        while barrier.0.lock().callers.len() < n {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn a_read_already_in_flight_does_not_answer_a_later_caller() {
        let gate = Arc::new(Semaphore::new(0));
        let (barrier, started) = counting_barrier(gate.clone());
        let first = spawn_caller(&barrier);
        wait_for_reads(&started, 1).await;
        // Read 1 is in flight. A caller arriving now must not be given its result.
        let second = spawn_caller(&barrier);
        wait_for_callers(&barrier, 1).await;
        gate.add_permits(1);
        assert_eq!(first.await.expect("first").expect("epochs")[0], 1);
        gate.add_permits(1);
        assert_eq!(second.await.expect("second").expect("epochs")[0], 2);
    }

    #[tokio::test]
    async fn callers_waiting_together_share_one_read() {
        let gate = Arc::new(Semaphore::new(0));
        let (barrier, started) = counting_barrier(gate.clone());
        // Occupy the reader, then queue many callers behind it.
        let first = spawn_caller(&barrier);
        wait_for_reads(&started, 1).await;
        let waiting: Vec<_> = (0..50).map(|_| spawn_caller(&barrier)).collect();
        wait_for_callers(&barrier, 50).await;
        gate.add_permits(2);
        assert_eq!(first.await.expect("first").expect("epochs")[0], 1);
        for caller in waiting {
            assert_eq!(caller.await.expect("caller").expect("epochs")[0], 2);
        }
        assert_eq!(started.load(Ordering::SeqCst), 2, "51 callers, 2 reads");
    }

    #[tokio::test]
    async fn a_failed_read_fails_its_callers_and_the_next_read_recovers() {
        let fail = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let barrier = ReadBarrier::new({
            let fail = fail.clone();
            move || {
                let failing = fail.load(Ordering::SeqCst);
                async move {
                    if failing {
                        Err(AppError::Unavailable)
                    } else {
                        Ok(Arc::new([7; SHARDS]))
                    }
                }
            }
        });
        assert_eq!(barrier.fresh().await, Err(AppError::Unavailable));
        fail.store(false, Ordering::SeqCst);
        assert_eq!(barrier.fresh().await.expect("recovered")[0], 7);
    }
}
