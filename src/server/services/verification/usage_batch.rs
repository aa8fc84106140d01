//! Uses waiting to be written: last-used times, counts per key and day, recent clients.
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// Recent clients remembered per key between flushes; the detail page shows five.
const CLIENTS_PER_KEY: usize = 5;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct ClientId {
    pub(super) ip: String,
    pub(super) user_agent: String,
}

#[derive(Default)]
pub(super) struct Pending {
    /// Latest use per key, not yet written.
    pub(super) last_used: HashMap<Uuid, DateTime<Utc>>,
    /// Uses per key and UTC day, not yet added to the stored counts.
    pub(super) counts: HashMap<(Uuid, NaiveDate), i64>,
    /// Uses refused for a rate limit, per key and UTC day (counted apart from `counts`).
    pub(super) refused: HashMap<(Uuid, NaiveDate), i64>,
    /// Most recent clients per key, newest last, at most `CLIENTS_PER_KEY`.
    pub(super) clients: HashMap<Uuid, Vec<(ClientId, DateTime<Utc>)>>,
}

impl Pending {
    pub(super) fn is_empty(&self) -> bool {
        self.last_used.is_empty()
            && self.counts.is_empty()
            && self.refused.is_empty()
            && self.clients.is_empty()
    }

    pub(super) fn add_count(&mut self, key: (Uuid, NaiveDate), n: i64) {
        *self.counts.entry(key).or_insert(0) += n;
    }

    pub(super) fn add_last_used(&mut self, key_id: Uuid, at: DateTime<Utc>) {
        let slot = self.last_used.entry(key_id).or_insert(at);
        *slot = (*slot).max(at);
    }

    pub(super) fn add_client(&mut self, key_id: Uuid, client: ClientId, at: DateTime<Utc>) {
        let seen = self.clients.entry(key_id).or_default();
        match seen.iter_mut().find(|(c, _)| *c == client) {
            Some((_, last)) => *last = (*last).max(at),
            None => seen.push((client, at)),
        }
        seen.sort_by_key(|(_, last)| *last);
        if seen.len() > CLIENTS_PER_KEY {
            seen.remove(0);
        }
    }

    /// Puts back what a failed flush took, merging with what arrived meanwhile.
    pub(super) fn merge(&mut self, other: Pending) {
        for (key_id, at) in other.last_used {
            self.add_last_used(key_id, at);
        }
        for (key, n) in other.counts {
            self.add_count(key, n);
        }
        for (key, n) in other.refused {
            *self.refused.entry(key).or_insert(0) += n;
        }
        for (key_id, clients) in other.clients {
            for (client, at) in clients {
                self.add_client(key_id, client, at);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn client(ip: &str) -> ClientId {
        ClientId {
            ip: ip.into(),
            user_agent: "curl/8".into(),
        }
    }

    #[test]
    fn only_the_most_recent_clients_are_kept() {
        let mut pending = Pending::default();
        let key = Uuid::nil();
        let t0 = Utc::now();
        for i in 0..8 {
            pending.add_client(
                key,
                client(&format!("10.0.0.{i}")),
                t0 + Duration::seconds(i),
            );
        }
        pending.add_client(key, client("10.0.0.4"), t0 + Duration::seconds(100));
        let ips: Vec<_> = pending.clients[&key]
            .iter()
            .map(|(c, _)| c.ip.as_str())
            .collect();
        assert_eq!(
            ips,
            ["10.0.0.3", "10.0.0.5", "10.0.0.6", "10.0.0.7", "10.0.0.4"]
        );
    }

    #[test]
    fn a_failed_flush_merges_back_without_losing_counts() {
        let key = (Uuid::nil(), Utc::now().date_naive());
        let mut pending = Pending::default();
        pending.add_count(key, 3);
        let mut taken = Pending::default();
        taken.add_count(key, 4);
        pending.merge(taken);
        assert_eq!(pending.counts[&key], 7);
    }
}
