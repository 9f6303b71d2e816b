//! `GET /metrics`: counters and a latency histogram in the Prometheus text format (0.0.4).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// Every number `/metrics` shows.
#[derive(Default)]
pub struct Metrics {
    /// Requests by HTTP status and verification status (`none` when nothing was verified).
    requests: Mutex<BTreeMap<(u16, &'static str), u64>>,
    /// Rejections by failing check.
    failures: Mutex<BTreeMap<&'static str, u64>>,
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
    in_flight: AtomicI64,
    cache_hits: AtomicU64,
    cache_misses: AtomicU64,
}

/// A request in flight (see [`Metrics::start`]).
pub struct InFlight<'a>(&'a AtomicI64);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Gauges read when rendering.
pub struct Gauges {
    /// Jobs waiting for a worker.
    pub queued: usize,
    /// Queue capacity.
    pub queue_capacity: usize,
    /// Worker threads.
    pub workers: usize,
    /// Open connections.
    pub connections: usize,
    /// Entries in the verified-result cache.
    pub cache_entries: usize,
}

impl Metrics {
    /// A request started; it counts as in flight until the guard is dropped (answered, or
    /// abandoned when the client went away).
    pub fn start(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(&self.in_flight)
    }

    /// A request ended with `status`, the verification status (if any) and the failing check
    /// (if any), after `latency`.
    pub fn record(
        &self,
        status: u16,
        verification: Option<&'static str>,
        check: Option<&'static str>,
        latency: Duration,
    ) {
        *lock(&self.requests)
            .entry((status, verification.unwrap_or("none")))
            .or_default() += 1;
        if let Some(check) = check {
            *lock(&self.failures).entry(check).or_default() += 1;
        }
        let seconds = latency.as_secs_f64();
        for (bucket, bound) in self.buckets.iter().zip(BUCKETS) {
            if seconds <= bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add(
            u64::try_from(latency.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    /// A cache lookup hit or missed.
    pub fn cache(&self, hit: bool) {
        let counter = if hit {
            &self.cache_hits
        } else {
            &self.cache_misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The text format.
    pub fn render(&self, gauges: &Gauges) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP kliento_requests_total Requests answered, by HTTP status and verification status.\n\
             # TYPE kliento_requests_total counter"
        );
        for ((status, verification), n) in lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "kliento_requests_total{{code=\"{status}\",status=\"{verification}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP kliento_verification_failures_total Bundles rejected, by the check that failed.\n\
             # TYPE kliento_verification_failures_total counter"
        );
        for (check, n) in lock(&self.failures).iter() {
            let _ = writeln!(
                out,
                "kliento_verification_failures_total{{check=\"{check}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP kliento_request_duration_seconds Time from request head to response.\n\
             # TYPE kliento_request_duration_seconds histogram"
        );
        for (bucket, bound) in self.buckets.iter().zip(BUCKETS) {
            let _ = writeln!(
                out,
                "kliento_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            );
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "kliento_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n\
             kliento_request_duration_seconds_sum {}\n\
             kliento_request_duration_seconds_count {count}",
            self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let gauge = |out: &mut String, name: &str, help: &str, value: i64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        };
        let counter = |out: &mut String, name: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        };
        let int = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        gauge(
            &mut out,
            "kliento_requests_in_flight",
            "Requests being answered.",
            self.in_flight.load(Ordering::Relaxed),
        );
        gauge(
            &mut out,
            "kliento_queue_depth",
            "Verifications waiting for a worker.",
            int(gauges.queued),
        );
        gauge(
            &mut out,
            "kliento_queue_capacity",
            "Verifications that may wait before requests are refused with 503.",
            int(gauges.queue_capacity),
        );
        gauge(
            &mut out,
            "kliento_workers",
            "Verification worker threads.",
            int(gauges.workers),
        );
        gauge(
            &mut out,
            "kliento_connections",
            "Open client connections.",
            int(gauges.connections),
        );
        gauge(
            &mut out,
            "kliento_cache_entries",
            "Verified results held in the cache.",
            int(gauges.cache_entries),
        );
        counter(
            &mut out,
            "kliento_cache_hits_total",
            "Requests answered from the verified-result cache.",
            self.cache_hits.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "kliento_cache_misses_total",
            "Requests verified because the cache had no answer.",
            self.cache_misses.load(Ordering::Relaxed),
        );
        out
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gauges() -> Gauges {
        Gauges {
            queued: 3,
            queue_capacity: 8,
            workers: 2,
            connections: 1,
            cache_entries: 0,
        }
    }

    #[test]
    fn renders_counters_histogram_and_gauges() {
        let metrics = Metrics::default();
        let request = metrics.start();
        assert!(
            metrics
                .render(&gauges())
                .contains("kliento_requests_in_flight 1\n")
        );
        drop(request);
        metrics.record(
            200,
            Some("invalid"),
            Some("audience"),
            Duration::from_micros(700),
        );
        let text = metrics.render(&gauges());
        assert!(text.contains("kliento_requests_total{code=\"200\",status=\"invalid\"} 1\n"));
        assert!(text.contains("kliento_verification_failures_total{check=\"audience\"} 1\n"));
        assert!(text.contains("kliento_request_duration_seconds_bucket{le=\"0.0005\"} 0\n"));
        assert!(text.contains("kliento_request_duration_seconds_bucket{le=\"0.001\"} 1\n"));
        assert!(text.contains("kliento_request_duration_seconds_count 1\n"));
        assert!(text.contains("kliento_requests_in_flight 0\n"));
        assert!(text.contains("kliento_queue_depth 3\n"));
    }
}
