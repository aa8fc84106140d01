//! Remembered verifications, and why answering from them keeps "the old key stops working at
//! that instant" on every instance.
//!
//! # Why the cache is strict
//!
//! - `api_key_epochs` holds one value per shard of key hashes (`epochs`). A trigger gives a
//!   key's shard a **fresh random value in the transaction that changes anything a
//!   verification answers** (its hash, owner, name, replacement, expiry; its owner's email),
//!   so the new value and the change become visible together at commit: for a regenerate,
//!   before the 200 is sent. Being a trigger, it also covers changes made outside this code (an
//!   operator's UPDATE).
//! - An entry carries the value its shard had in an epoch read made **before** the lookup that
//!   produced it. If the key was live in that lookup, any later change to it committed after
//!   that read, so it gave the shard a value other than the remembered one.
//! - A request is answered from an entry only after an epoch read that **started after the
//!   request arrived** (`epochs::ReadBarrier::fresh`) shows the remembered value. A request
//!   that arrives after a regenerate returned therefore sees the new value, misses, and asks
//!   the database, which says the key was replaced.
//! - **Values never repeat.** A random 63-bit value, not a counter: a promoted asynchronous
//!   standby, a point-in-time restore, the epochs table re-created or its rows put back from a
//!   copy all bring back *earlier* values, and with a counter the next change would land on a
//!   value some instance still remembers (instance B remembers key K at e+1, the value after
//!   another key's regenerate that the standby never got; after failover the counter is back
//!   at e, K is regenerated, the counter reads e+1 again and B accepts the old K). A fresh
//!   random value equals a remembered one with probability 2⁻⁶³, whatever the table went
//!   through, so equality still means "no change since".
//! - There is no time-to-live: staleness is never a matter of waiting. Expiry is checked on
//!   every answer against the clock at that moment, cached or not.
//! - If the epoch read fails, the request fails (503): nothing is answered from memory without
//!   a fresh check. Usage and last-used writes do not touch the epochs, so they never empty
//!   the cache.
//! - Never remembered: misses (an unknown hash stays a database question each time).
//! - What bypasses triggers is not seen: `session_replication_role = replica`, or a disabled
//!   trigger. Restart the instances after such maintenance.
//!
//! # Bounded
//!
//! At most `capacity` entries, each of bounded size (a 64-byte hash, a name of at most 100
//! characters, an email of at most 254). Two generations stand in for an LRU: entries go into
//! the young one, a hit in the old one moves the entry to the young one, and when the young one
//! is full the old one is dropped whole and the young one takes its place. An entry used within
//! the last `capacity / 2` insertions is never evicted, and nothing is ever wiped at once: a
//! burst of new keys pushes out the least recently used half, not the hot keys.
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use super::found_key::FoundKey;

/// Remembered answers per instance, by default (a few hundred bytes each).
pub const DEFAULT_CAPACITY: usize = 10_000;

type Entries = HashMap<String, (i64, FoundKey)>;

pub struct Cache {
    generations: Mutex<Generations>,
    /// Entries per generation.
    half: usize,
    hits: AtomicU64,
}

#[derive(Default)]
struct Generations {
    young: Entries,
    old: Entries,
}

impl Cache {
    pub fn new(capacity: usize) -> Cache {
        Cache {
            generations: Mutex::new(Generations::default()),
            half: (capacity / 2).max(1),
            hits: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Generations> {
        // Plain data: a panic elsewhere cannot leave it inconsistent.
        self.generations
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The remembered answer for `key_hash` if it was remembered under `epoch`, the value its
    /// shard has in a read that started after the request arrived. An entry under any other
    /// value is stale and goes.
    pub fn get(&self, key_hash: &str, epoch: i64) -> Option<FoundKey> {
        let mut generations = self.lock();
        let found = if let Some((remembered, found)) = generations.young.get(key_hash) {
            (*remembered == epoch).then(|| found.clone())
        } else if let Some(entry) = generations.old.remove(key_hash) {
            let fresh = entry.0 == epoch;
            let found = fresh.then(|| entry.1.clone());
            if fresh {
                generations.insert(key_hash.to_owned(), entry, self.half);
            }
            found
        } else {
            return None;
        };
        if found.is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
        } else {
            generations.young.remove(key_hash);
        }
        found
    }

    /// Remembers `found`, looked up after an epoch read that gave its shard `epoch`.
    pub fn remember(&self, key_hash: &str, epoch: i64, found: FoundKey) {
        let mut generations = self.lock();
        generations.old.remove(key_hash);
        generations.insert(key_hash.to_owned(), (epoch, found), self.half);
    }

    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    pub fn len(&self) -> usize {
        let generations = self.lock();
        generations.young.len() + generations.old.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Generations {
    fn insert(&mut self, key_hash: String, entry: (i64, FoundKey), half: usize) {
        if self.young.len() >= half && !self.young.contains_key(&key_hash) {
            self.old = std::mem::take(&mut self.young);
        }
        self.young.insert(key_hash, entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn found(name: &str) -> FoundKey {
        FoundKey {
            key_id: Uuid::nil(),
            key_name: name.into(),
            user_id: Uuid::nil(),
            user_email: "a@example.com".into(),
            last_used_at: None,
            deleted_at: None,
            expires_at: None,
            lineage_id: Uuid::nil(),
            restrictions: crate::server::services::api_keys::restrictions::unrestricted(),
            allowed_networks: None,
        }
    }

    #[test]
    fn an_entry_answers_only_under_its_own_epoch() {
        let cache = Cache::new(10);
        cache.remember("k", 7, found("K"));
        assert_eq!(cache.get("k", 7).map(|f| f.key_name), Some("K".into()));
        assert!(cache.get("k", 8).is_none(), "another epoch: stale");
        assert!(cache.get("k", 7).is_none(), "and the stale entry is gone");
        assert_eq!(cache.hits(), 1);
    }

    #[test]
    fn a_flood_of_new_keys_evicts_the_least_recently_used_never_the_hot_ones() {
        let cache = Cache::new(100);
        cache.remember("hot", 1, found("hot"));
        for i in 0..10_000 {
            cache.remember(&format!("cold-{i}"), 1, found("cold"));
            if i % 40 == 0 {
                assert!(cache.get("hot", 1).is_some(), "evicted after {i} inserts");
            }
            assert!(cache.len() <= 100, "bounded");
        }
        assert!(cache.get("hot", 1).is_some());
        assert!(
            cache.get("cold-0", 1).is_none(),
            "the oldest cold entry went"
        );
    }
}
