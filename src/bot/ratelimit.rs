//! Per-user rate limiting: a token bucket per user id, for a bounded number of users.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many users' buckets are kept. A full bucket is the same as none, so those go
/// first; past this many recent users, the least recent half is forgotten (they get a
/// fresh burst, which is all forgetting can give them).
const MAX_USERS: usize = 10_000;

/// Allows `burst` requests at once and then one every `per / burst`.
pub struct RateLimiter {
    burst: f64,
    refill_per_sec: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(burst: u32, per: Duration) -> Self {
        RateLimiter {
            burst: burst.max(1) as f64,
            refill_per_sec: burst.max(1) as f64 / per.as_secs_f64().max(0.001),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `user` at `now`; on refusal, says how long to wait.
    pub fn check(&self, user: &str, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().expect("rate limiter lock");
        if buckets.len() >= MAX_USERS && !buckets.contains_key(user) {
            self.forget(&mut buckets, now);
        }
        let (tokens, last) = buckets.entry(user.to_string()).or_insert((self.burst, now));
        let elapsed = now.saturating_duration_since(*last).as_secs_f64();
        *tokens = (*tokens + elapsed * self.refill_per_sec).min(self.burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - *tokens) / self.refill_per_sec,
            ))
        }
    }
}

impl RateLimiter {
    /// Drops the buckets that have refilled, then, if still too many, the least recent half.
    fn forget(&self, buckets: &mut HashMap<String, (f64, Instant)>, now: Instant) {
        let refill = Duration::from_secs_f64(self.burst / self.refill_per_sec);
        buckets.retain(|_, (_, last)| now.saturating_duration_since(*last) < refill);
        if buckets.len() >= MAX_USERS {
            let mut seen: Vec<Instant> = buckets.values().map(|(_, last)| *last).collect();
            let (_, median, _) = seen.select_nth_unstable(buckets.len() / 2);
            let median = *median;
            buckets.retain(|_, (_, last)| *last > median);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_after_burst_and_refills() {
        let limiter = RateLimiter::new(2, Duration::from_secs(10));
        let t0 = Instant::now();
        assert!(limiter.check("a", t0).is_ok());
        assert!(limiter.check("a", t0).is_ok());
        let wait = limiter.check("a", t0).unwrap_err();
        assert!(wait > Duration::from_secs(4) && wait <= Duration::from_secs(5));
        assert!(
            limiter.check("b", t0).is_ok(),
            "users are limited separately"
        );
        assert!(limiter.check("a", t0 + Duration::from_secs(5)).is_ok());
    }

    #[test]
    fn keeps_a_bounded_number_of_users() {
        let limiter = RateLimiter::new(2, Duration::from_secs(10));
        let t0 = Instant::now();
        let users = |limiter: &RateLimiter| limiter.buckets.lock().unwrap().len();
        for n in 0..3 * MAX_USERS {
            let now = t0 + Duration::from_millis(n as u64);
            assert!(limiter.check(&format!("user{n}"), now).is_ok());
        }
        assert!(users(&limiter) <= MAX_USERS, "{} buckets", users(&limiter));
        // A recent user's bucket survives: still limited.
        let last = format!("user{}", 3 * MAX_USERS - 1);
        let now = t0 + Duration::from_millis(3 * MAX_USERS as u64);
        assert!(limiter.check(&last, now).is_ok());
        assert!(limiter.check(&last, now).is_err());
    }
}
