//! When to send a request again: only throttled (429) and unavailable (503) answers, a bounded
//! number of times within a bounded time, after the wait the server asked for (within a cap) or an
//! exponential backoff with jitter. API calls and token requests follow the same policy.

use std::time::Duration;

use http::{HeaderMap, StatusCode};

/// How throttled and unavailable answers are retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 3; 0 disables retrying).
    pub max_retries: u32,
    /// No retry starts once this much time has passed since the first attempt, counting the
    /// wait before it (default 60 s).
    pub max_elapsed: Duration,
    /// The first backoff when the server gives no `Retry-After` (default 500 ms); it doubles with
    /// each retry.
    pub base_delay: Duration,
    /// The longest backoff (default 20 s). A `Retry-After` is honoured even when longer, within
    /// `max_retry_after` and `max_elapsed`.
    pub max_delay: Duration,
    /// The longest `Retry-After` (seconds or an HTTP date) that is waited for (default 60 s): an
    /// answer asking for a longer wait is returned as it is, so the caller can decide.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_retries: 3,
            max_elapsed: Duration::from_secs(60),
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// How long to wait before retry number `retries + 1` of an answer with `status`, or `None`
    /// when it must not be retried.
    pub fn delay(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        retries: u32,
        elapsed: Duration,
    ) -> Option<Duration> {
        if !matches!(
            status,
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
        ) || retries >= self.max_retries
        {
            return None;
        }
        let delay = match crate::runtime::retry_after(headers) {
            Some(asked) if asked > self.max_retry_after => return None,
            Some(asked) => asked,
            None => self.backoff(retries),
        };
        (elapsed.saturating_add(delay) <= self.max_elapsed).then_some(delay)
    }

    /// Exponential backoff with jitter: half of the doubled delay, plus a random part of the other
    /// half, so that clients throttled together do not come back together.
    fn backoff(&self, retries: u32) -> Duration {
        let doubled = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retries))
            .min(self.max_delay);
        let half = doubled / 2;
        let jitter = half.mul_f64(fastrand::f64());
        half + jitter
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(retry_after: Option<&'static str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(value) = retry_after {
            headers.insert(
                http::header::RETRY_AFTER,
                http::HeaderValue::from_static(value),
            );
        }
        headers
    }

    #[test]
    fn only_throttled_and_unavailable_answers_are_retried() {
        let policy = RetryPolicy::default();
        for status in [
            StatusCode::INTERNAL_SERVER_ERROR,
            StatusCode::CONFLICT,
            StatusCode::UNAUTHORIZED,
            StatusCode::OK,
        ] {
            assert_eq!(
                policy.delay(status, &headers(None), 0, Duration::ZERO),
                None,
                "{status}"
            );
        }
        assert!(
            policy
                .delay(
                    StatusCode::TOO_MANY_REQUESTS,
                    &headers(None),
                    0,
                    Duration::ZERO
                )
                .is_some()
        );
        assert!(
            policy
                .delay(
                    StatusCode::SERVICE_UNAVAILABLE,
                    &headers(None),
                    0,
                    Duration::ZERO
                )
                .is_some()
        );
    }

    #[test]
    fn retry_after_is_honoured_within_the_bounds() {
        let policy = RetryPolicy::default();
        let throttled = StatusCode::TOO_MANY_REQUESTS;
        assert_eq!(
            policy.delay(throttled, &headers(Some("7")), 0, Duration::ZERO),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            policy.delay(throttled, &headers(Some("7")), 3, Duration::ZERO),
            None,
            "out of retries"
        );
        assert_eq!(
            policy.delay(throttled, &headers(Some("7")), 0, Duration::from_secs(55)),
            None,
            "out of time"
        );
    }

    #[test]
    fn retry_after_as_an_http_date_is_honoured_and_capped() {
        let policy = RetryPolicy::default();
        let throttled = StatusCode::TOO_MANY_REQUESTS;
        let at = |from_now: Duration| {
            let mut headers = HeaderMap::new();
            let date = httpdate::fmt_http_date(std::time::SystemTime::now() + from_now);
            headers.insert(
                http::header::RETRY_AFTER,
                http::HeaderValue::from_str(&date).unwrap_or(http::HeaderValue::from_static("")),
            );
            headers
        };
        // HTTP dates have whole seconds: the wait is within a second of the one asked for.
        let delay = policy.delay(throttled, &at(Duration::from_secs(5)), 0, Duration::ZERO);
        assert!(
            delay.is_some_and(|d| d > Duration::from_secs(3) && d <= Duration::from_secs(5)),
            "{delay:?}"
        );
        // A date in the past asks for no wait.
        let past = policy.delay(throttled, &at(Duration::ZERO), 0, Duration::ZERO);
        assert!(
            past.is_some_and(|d| d <= Duration::from_secs(1)),
            "{past:?}"
        );
        // Beyond the cap, the answer is not waited for, in either form.
        let capped = RetryPolicy {
            max_retry_after: Duration::from_secs(2),
            ..RetryPolicy::default()
        };
        assert_eq!(
            capped.delay(throttled, &at(Duration::from_secs(30)), 0, Duration::ZERO),
            None
        );
        assert_eq!(
            capped.delay(throttled, &headers(Some("3")), 0, Duration::ZERO),
            None
        );
        assert_eq!(
            capped.delay(throttled, &headers(Some("2")), 0, Duration::ZERO),
            Some(Duration::from_secs(2))
        );
        // A Retry-After beyond any duration is not waited for either.
        assert_eq!(
            policy.delay(
                throttled,
                &headers(Some("18446744073709551615")),
                0,
                Duration::ZERO
            ),
            None
        );
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let policy = RetryPolicy {
            max_delay: Duration::from_secs(3),
            ..RetryPolicy::default()
        };
        for retries in 0..6 {
            let doubled =
                Duration::from_millis(500 * 2u64.pow(retries)).min(Duration::from_secs(3));
            let delay = policy.backoff(retries);
            assert!(
                delay >= doubled / 2 && delay <= doubled,
                "retry {retries}: {delay:?}"
            );
        }
    }
}
