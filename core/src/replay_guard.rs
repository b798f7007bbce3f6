//! Replay protection: `X-EXTERNAL-ID` is unique per partner per day.
//!
//! The standard makes `X-EXTERNAL-ID` unique "per partner per day" and answers a repeat with
//! `409xx00 Conflict`. A [`ReplayGuard`] checks and records one id **atomically**: of two
//! requests racing on the same id, exactly one may be told it is fresh. The
//! [`RequestVerifier`](crate::request_verifier::RequestVerifier) calls it last, after every
//! other check has passed, so a rejected request is never recorded (an attacker cannot burn a
//! partner's ids with unsigned requests).
//!
//! Which day: the calendar day in WIB (UTC+07:00, where SNAP lives) of the request's own
//! `X-TIMESTAMP`, not of the receiver's clock, so both sides agree on it whatever the offset
//! the header was written in. An entry must outlive that day by the allowed skew: a request
//! stamped 23:59:59 can still be replayed, with its valid signature, for `max_skew` seconds
//! after midnight. [`ReplayKey::expires_at_unix_millis`] is that instant.
//!
//! Implementations: [`MemoryReplayGuard`] (feature `std`) for one process; over a database from
//! C (a callback), Python or Kotlin, or Redis (`snapsign[redis]` in the Python package), since
//! instances behind a load balancer must share one guard. [`NoReplayGuard`] makes the absence of
//! protection a visible choice.

use core::fmt;

use crate::access_token::MAX_EXTERNAL_ID_LEN;
use crate::request::MAX_PARTNER_ID_LEN;
use crate::timestamp::{Timestamp, WIB};

const DAY_MILLIS: i64 = 86_400_000;
const WIB_MILLIS: i64 = WIB as i64 * 60_000;

/// Bytes of [`ReplayKey::storage_key`] at most.
pub const STORAGE_KEY_CAPACITY: usize = 16 + 10 + 1 + 2 + 1 + MAX_PARTNER_ID_LEN + 1 + MAX_EXTERNAL_ID_LEN;

/// One `X-EXTERNAL-ID` of one partner on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplayKey<'a> {
    /// `X-PARTNER-ID`.
    pub partner_id: &'a str,
    /// `X-EXTERNAL-ID`.
    pub external_id: &'a str,
    /// The WIB calendar day of the request's `X-TIMESTAMP`, as days since 1970-01-01.
    pub day: i64,
    /// When the entry may be forgotten: the end of `day` (WIB) plus the allowed skew.
    pub expires_at_unix_millis: i64,
    /// The verifier's "now": a guard judges expiry on the same clock as the skew check, never on
    /// a second one.
    pub now_unix_millis: i64,
}

impl<'a> ReplayKey<'a> {
    /// The key of a request stamped `timestamp`, received at `now_unix_millis`, kept until its
    /// WIB day is over plus `max_skew_seconds`.
    ///
    /// ```
    /// use snapsign_core::replay_guard::ReplayKey;
    /// use snapsign_core::timestamp::Timestamp;
    /// // 23:30 UTC on 2019-12-31 is already 2020-01-01 in Jakarta.
    /// let ts = Timestamp::parse("2019-12-31T23:30:00Z")?;
    /// let key = ReplayKey::new("P1", "42", &ts, 900, ts.unix_millis());
    /// assert_eq!(key.storage_key().as_str(), "snapsign:replay:2020-01-01:2:P1:42");
    /// // Midnight WIB of 2020-01-02 is 17:00 UTC on 2020-01-01; plus 900 s.
    /// assert_eq!(key.expires_at_unix_millis, Timestamp::parse("2020-01-01T17:15:00Z")?.unix_millis());
    /// assert_eq!(key.ttl_seconds(), 17 * 3600 + 15 * 60 + 30 * 60);
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    #[allow(
        clippy::arithmetic_side_effects,
        reason = "timestamps are years 0000-9999: millis stay far from i64's range"
    )]
    pub fn new(
        partner_id: &'a str,
        external_id: &'a str,
        timestamp: &Timestamp,
        max_skew_seconds: u32,
        now_unix_millis: i64,
    ) -> Self {
        let day = (timestamp.unix_millis() + WIB_MILLIS).div_euclid(DAY_MILLIS);
        let expires_at_unix_millis = (day + 1) * DAY_MILLIS - WIB_MILLIS + i64::from(max_skew_seconds) * 1000;
        ReplayKey { partner_id, external_id, day, expires_at_unix_millis, now_unix_millis }
    }

    /// Whole seconds from now until the entry may be forgotten, at least 1: the `EX` of a Redis
    /// `SET key 1 NX EX ttl`, the TTL of a database row.
    #[allow(clippy::arithmetic_side_effects, reason = "the difference of two timestamps' millis fits in i64")]
    pub fn ttl_seconds(&self) -> u64 {
        let ms = self.expires_at_unix_millis.saturating_sub(self.now_unix_millis).max(1000);
        ms.unsigned_abs().div_ceil(1000)
    }

    /// One string naming the entry, for a store keyed by strings (a database column, Redis):
    /// `snapsign:replay:<yyyy-mm-dd>:<partner id length>:<partner id>:<external id>`. The length
    /// keeps it unambiguous whatever the ids contain.
    #[allow(
        clippy::arithmetic_side_effects,
        reason = "a WIB day of a valid timestamp times a day's millis fits in i64"
    )]
    pub fn storage_key(&self) -> heapless::String<STORAGE_KEY_CAPACITY> {
        use core::fmt::Write;
        let mut s = heapless::String::new();
        let date = Timestamp::from_unix_millis(self.day * DAY_MILLIS, 0).map(|t| t.format(Default::default()));
        // Every piece has a checked maximum that STORAGE_KEY_CAPACITY sums, so writing cannot fail.
        let _ = write!(s, "snapsign:replay:");
        if let Ok(d) = date {
            let _ = s.push_str(d.get(..10).unwrap_or_default());
        }
        let _ = write!(s, ":{}:{}:{}", self.partner_id.len(), self.partner_id, self.external_id);
        s
    }
}

/// The guard could not answer (its database is down, it is full).
///
/// The verifier then rejects the request with `500xx00 General Error`: accepting it would
/// give up replay protection without anybody knowing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReplayGuardError;

impl fmt::Display for ReplayGuardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the replay guard could not record X-EXTERNAL-ID")
    }
}

impl core::error::Error for ReplayGuardError {}

/// Checks and records an `X-EXTERNAL-ID`, atomically.
pub trait ReplayGuard {
    /// Records `key` unless it is already recorded. Returns `Ok(true)` when it was not (the
    /// request is fresh) and `Ok(false)` when it was (a replay). Must be atomic: of any number of
    /// concurrent calls with the same key, exactly one returns `Ok(true)`.
    ///
    /// # Errors
    /// [`ReplayGuardError`] when the guard cannot answer.
    fn check_and_record(&self, key: &ReplayKey<'_>) -> Result<bool, ReplayGuardError>;
}

/// No replay protection: every id is fresh. For receivers that deduplicate elsewhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoReplayGuard;

impl ReplayGuard for NoReplayGuard {
    fn check_and_record(&self, _key: &ReplayKey<'_>) -> Result<bool, ReplayGuardError> {
        Ok(true)
    }
}

impl<G: ReplayGuard + ?Sized> ReplayGuard for &G {
    fn check_and_record(&self, key: &ReplayKey<'_>) -> Result<bool, ReplayGuardError> {
        (**self).check_and_record(key)
    }
}

#[cfg(feature = "std")]
pub use memory::MemoryReplayGuard;

#[cfg(feature = "std")]
mod memory {
    extern crate std;

    use std::collections::HashMap;
    use std::sync::Mutex;

    use super::{ReplayGuard, ReplayGuardError, ReplayKey, STORAGE_KEY_CAPACITY};

    /// A bounded in-memory guard for one process.
    ///
    /// Entries are forgotten once their day (plus the skew) is over, judged on the verifier's
    /// clock ([`ReplayKey::now_unix_millis`]). When `capacity` entries are live, expired ones are
    /// swept; if none has expired, the guard refuses to record more ([`ReplayGuardError`], so the
    /// request gets `500xx00`) rather than forget a live id.
    ///
    /// ```
    /// use snapsign_core::replay_guard::{MemoryReplayGuard, ReplayGuard, ReplayKey};
    /// use snapsign_core::timestamp::Timestamp;
    /// let guard = MemoryReplayGuard::new(1000);
    /// let ts = Timestamp::parse("2020-01-01T10:00:00+07:00")?;
    /// let key = ReplayKey::new("P1", "42", &ts, 900, ts.unix_millis());
    /// assert_eq!(guard.check_and_record(&key), Ok(true));
    /// assert_eq!(guard.check_and_record(&key), Ok(false));
    /// // The same id the next day is another request.
    /// let tomorrow = Timestamp::parse("2020-01-02T10:00:00+07:00")?;
    /// assert_eq!(guard.check_and_record(&ReplayKey::new("P1", "42", &tomorrow, 900, tomorrow.unix_millis())), Ok(true));
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    #[derive(Debug)]
    pub struct MemoryReplayGuard {
        capacity: usize,
        entries: Mutex<HashMap<heapless::String<STORAGE_KEY_CAPACITY>, i64>>,
    }

    impl MemoryReplayGuard {
        /// A guard holding at most `capacity` live ids.
        pub fn new(capacity: usize) -> Self {
            MemoryReplayGuard { capacity, entries: Mutex::new(HashMap::new()) }
        }

        /// Live ids recorded now.
        pub fn len(&self) -> usize {
            self.entries.lock().map_or(0, |e| e.len())
        }

        /// No id recorded.
        pub fn is_empty(&self) -> bool {
            self.len() == 0
        }
    }

    impl ReplayGuard for MemoryReplayGuard {
        fn check_and_record(&self, key: &ReplayKey<'_>) -> Result<bool, ReplayGuardError> {
            let now = key.now_unix_millis;
            // A poisoned lock only means another thread panicked while holding it; the map
            // itself is never left half-updated by the operations below.
            let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let storage_key = key.storage_key();
            match entries.get(&storage_key) {
                Some(&expires) if expires > now => return Ok(false),
                _ => {}
            }
            if entries.len() >= self.capacity {
                entries.retain(|_, &mut expires| expires > now);
                if entries.len() >= self.capacity {
                    return Err(ReplayGuardError);
                }
            }
            entries.insert(storage_key, key.expires_at_unix_millis);
            Ok(true)
        }
    }
}
