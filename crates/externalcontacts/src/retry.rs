//! When a failed request is sent again, and how long the client waits first.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;

/// Retry settings of a [`Client`](crate::Client).
///
/// The client retries:
/// - status 429 for every operation, waiting as long as `Retry-After` requests, or with capped
///   exponential backoff with full jitter when the header is missing;
/// - status 502, 503 and 504 and failures before a complete response (connection errors,
///   timeouts) only for operations that are safe to repeat: GET, HEAD, PUT and DELETE, and
///   POST operations that only read, which the generator marks from their permissions.
///
/// It gives up, returning the last error, after `max_attempts` attempts, when one wait would
/// exceed `max_wait`, or when the waits would add up to more than `budget`. Every other
/// status is returned at once. Request bodies are sent again unchanged.
///
/// Two cases are outside these settings, even [`RetryConfig::disabled`]: a request that the
/// API rejects with 401 is sent once more after the token provider renews its token, and the
/// token request of the client credentials grant itself is not retried (its failure is an
/// [`Error::Auth`](crate::Error::Auth) carrying the login host's status).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: u32,
    base_delay: Duration,
    max_backoff: Duration,
    max_wait: Duration,
    budget: Duration,
}

impl Default for RetryConfig {
    /// 5 attempts, backoff from 0.5 s capped at 30 s, one wait of at most 180 s, and at most
    /// 300 s of waiting per request.
    fn default() -> Self {
        RetryConfig {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_wait: Duration::from_secs(180),
            budget: Duration::from_secs(300),
        }
    }
}

impl RetryConfig {
    /// Settings that send every request once.
    pub fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..RetryConfig::default()
        }
    }

    /// Sets how many times a request is sent at most, the first time included; 1 turns
    /// retries off.
    pub fn max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// Sets the backoff before the first retry when the server gives no `Retry-After`; it
    /// doubles with every retry.
    pub fn base_delay(mut self, base_delay: Duration) -> Self {
        self.base_delay = base_delay;
        self
    }

    /// Sets the cap on one backoff computed without `Retry-After`.
    pub fn max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// Sets the longest single wait; a `Retry-After` above it ends the retries.
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// Sets the total time one request may spend waiting between attempts.
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// Returns how long to wait before attempt `attempts + 1`, or `None` to give up.
    /// `waited` is the time already spent waiting for this request.
    pub(crate) fn wait_before_retry(
        &self,
        attempts: u32,
        retry_after: Option<Duration>,
        waited: Duration,
    ) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let wait = retry_after.unwrap_or_else(|| self.backoff(attempts));
        if wait > self.max_wait || waited.saturating_add(wait) > self.budget {
            return None;
        }
        Some(wait)
    }

    /// Full jitter: a random time between zero and the capped exponential delay.
    fn backoff(&self, attempts: u32) -> Duration {
        let exponent = attempts.saturating_sub(1).min(16);
        let ceiling = self
            .base_delay
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        ceiling.mul_f64(rand::random::<f64>())
    }
}

/// Reason for sending a failed attempt again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryReason {
    RateLimited,
    ServerUnavailable,
    Transport,
}

impl RetryReason {
    /// Classifies an error status; `retry_safe` is true for operations that may be repeated.
    pub(crate) fn for_status(status: StatusCode, retry_safe: bool) -> Option<Self> {
        match status.as_u16() {
            429 => Some(RetryReason::RateLimited),
            502..=504 if retry_safe => Some(RetryReason::ServerUnavailable),
            _ => None,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            RetryReason::RateLimited => "rate limited",
            RetryReason::ServerUnavailable => "server unavailable",
            RetryReason::Transport => "transport failure",
        }
    }
}

/// Reads `Retry-After` as seconds or as an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(
        date.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_str(retry_after).expect("valid header"),
        );
        headers
    }

    #[test]
    fn retry_after_reads_seconds() {
        assert_eq!(retry_after(&headers("2")), Some(Duration::from_secs(2)));
    }

    #[test]
    fn retry_after_reads_http_date() {
        let in_a_minute = SystemTime::now() + Duration::from_secs(60);
        let wait = retry_after(&headers(&httpdate::fmt_http_date(in_a_minute))).expect("parses");
        assert!(
            wait > Duration::from_secs(55) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
    }

    #[test]
    fn retry_after_in_the_past_is_zero() {
        assert_eq!(
            retry_after(&headers("Wed, 21 Oct 2015 07:28:00 GMT")),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn retry_after_garbage_is_ignored() {
        assert_eq!(retry_after(&headers("soon")), None);
    }

    #[test]
    fn backoff_stays_below_capped_ceiling() {
        let config = RetryConfig::default()
            .base_delay(Duration::from_secs(1))
            .max_backoff(Duration::from_secs(5));
        for attempts in 1..10 {
            let ceiling = Duration::from_secs(1 << (attempts - 1)).min(Duration::from_secs(5));
            for _ in 0..50 {
                assert!(config.backoff(attempts) <= ceiling, "attempt {attempts}");
            }
        }
    }

    #[test]
    fn gives_up_after_max_attempts() {
        let config = RetryConfig::default().max_attempts(3);
        let wait = Some(Duration::from_secs(1));
        assert!(config.wait_before_retry(2, wait, Duration::ZERO).is_some());
        assert_eq!(config.wait_before_retry(3, wait, Duration::ZERO), None);
    }

    #[test]
    fn gives_up_when_wait_exceeds_max() {
        let config = RetryConfig::default();
        assert_eq!(
            config.wait_before_retry(1, Some(Duration::from_secs(181)), Duration::ZERO),
            None
        );
        assert!(config
            .wait_before_retry(1, Some(Duration::from_secs(180)), Duration::ZERO)
            .is_some());
    }

    #[test]
    fn gives_up_when_budget_is_spent() {
        let config = RetryConfig::default().budget(Duration::from_secs(10));
        let wait = Some(Duration::from_secs(4));
        assert!(config
            .wait_before_retry(1, wait, Duration::from_secs(6))
            .is_some());
        assert_eq!(
            config.wait_before_retry(1, wait, Duration::from_secs(7)),
            None
        );
    }

    #[test]
    fn disabled_never_retries() {
        assert_eq!(
            RetryConfig::disabled().wait_before_retry(1, Some(Duration::ZERO), Duration::ZERO),
            None
        );
    }

    #[test]
    fn statuses_are_classified() {
        let too_many = StatusCode::TOO_MANY_REQUESTS;
        assert_eq!(
            RetryReason::for_status(too_many, false),
            Some(RetryReason::RateLimited)
        );
        assert_eq!(
            RetryReason::for_status(StatusCode::BAD_GATEWAY, true),
            Some(RetryReason::ServerUnavailable)
        );
        assert_eq!(
            RetryReason::for_status(StatusCode::BAD_GATEWAY, false),
            None
        );
        assert_eq!(
            RetryReason::for_status(StatusCode::GATEWAY_TIMEOUT, true),
            Some(RetryReason::ServerUnavailable)
        );
        assert_eq!(
            RetryReason::for_status(StatusCode::INTERNAL_SERVER_ERROR, true),
            None
        );
        assert_eq!(RetryReason::for_status(StatusCode::CONFLICT, true), None);
    }
}
