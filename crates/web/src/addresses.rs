//! Counting readers' network addresses without keeping them. Rate limits (sign-ups,
//! supporters' sign-in links, checkouts) need to know that two requests came from
//! one address; nothing else does. Each address is hashed with a key that lives only
//! in this process's memory and is replaced every day (UTC), so the database never
//! holds anything from which an address can be recovered: with the database alone
//! there is no key to try the address space against, and yesterday's codes cannot be
//! linked to today's. (With several nodes each counts on its own.)

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use parking_lot::Mutex;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::Sha256;

/// The day's key and the day it belongs to.
pub struct AddressCounter {
    key: Mutex<(i64, [u8; 32])>,
}

impl Default for AddressCounter {
    fn default() -> Self {
        Self::new()
    }
}

impl AddressCounter {
    pub fn new() -> Self {
        Self {
            key: Mutex::new((i64::MIN, [0; 32])),
        }
    }

    /// A code for `address` under `purpose` (hex, 24 characters), the same all day
    /// in this process and unrelated to any other day's.
    pub fn code(&self, purpose: &str, address: &str, now: DateTime<Utc>) -> String {
        let day = now.timestamp().div_euclid(86_400);
        let key = {
            let mut current = self.key.lock();
            if current.0 != day {
                let mut fresh = [0_u8; 32];
                OsRng.fill_bytes(&mut fresh);
                *current = (day, fresh);
            }
            current.1
        };
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key) else {
            return String::new();
        };
        mac.update(purpose.as_bytes());
        mac.update(b":");
        mac.update(address.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..12])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn codes_hold_for_a_day_and_never_across_processes_or_days() {
        let at = |h| {
            Utc.with_ymd_and_hms(2026, 11, 30, h, 0, 0)
                .single()
                .unwrap()
        };
        let counter = AddressCounter::new();
        let morning = counter.code("signup", "192.0.2.7", at(1));
        assert_eq!(morning.len(), 24);
        assert_eq!(morning, counter.code("signup", "192.0.2.7", at(23)));
        assert_ne!(morning, counter.code("signup", "192.0.2.8", at(1)));
        assert_ne!(morning, counter.code("supporters", "192.0.2.7", at(1)));
        let next_day = at(23) + chrono::Duration::hours(2);
        assert_ne!(morning, counter.code("signup", "192.0.2.7", next_day));
        assert_ne!(
            morning,
            AddressCounter::new().code("signup", "192.0.2.7", at(1)),
            "the key is the process's own, not derived from anything stored"
        );
    }
}
