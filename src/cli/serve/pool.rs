//! The verification pool: plain threads, fed through a bounded queue, so that verification (RSA,
//! DNSSEC) never runs on the async reactor and a burst cannot queue without bound.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send>;

/// A fixed set of worker threads and a bounded queue in front of them.
pub struct Pool {
    sender: Mutex<Option<SyncSender<Job>>>,
    queued: Arc<AtomicUsize>,
    workers: usize,
    capacity: usize,
}

/// The queue is full: answer 503.
#[derive(Debug)]
pub struct Busy;

/// The job panicked (a bug): answer 500.
#[derive(Debug)]
pub struct Crashed;

impl Pool {
    /// Starts `workers` threads behind a queue of `capacity` jobs waiting (0: a job is taken only
    /// when a worker is free).
    pub fn new(workers: usize, capacity: usize) -> std::io::Result<Self> {
        let (sender, receiver) = sync_channel::<Job>(capacity);
        let receiver = Arc::new(Mutex::new(receiver));
        let queued = Arc::new(AtomicUsize::new(0));
        for n in 0..workers.max(1) {
            let receiver = receiver.clone();
            let queued = queued.clone();
            std::thread::Builder::new()
                .name(format!("kliento-verify-{n}"))
                .spawn(move || work(&receiver, &queued))?;
        }
        Ok(Self {
            sender: Mutex::new(Some(sender)),
            queued,
            workers: workers.max(1),
            capacity,
        })
    }

    /// Queues `job` unless the queue is full; its result arrives on the returned channel.
    pub fn try_run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<impl Future<Output = Result<T, Crashed>>, Busy> {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move || {
            let result = catch_unwind(AssertUnwindSafe(job)).map_err(|_| Crashed);
            let _ = tx.send(result);
        });
        let sender = self.sender.lock().unwrap_or_else(|e| e.into_inner());
        let Some(sender) = sender.as_ref() else {
            return Err(Busy);
        };
        self.queued.fetch_add(1, Ordering::SeqCst);
        match sender.try_send(job) {
            Ok(()) => Ok(async move { rx.await.unwrap_or(Err(Crashed)) }),
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.queued.fetch_sub(1, Ordering::SeqCst);
                Err(Busy)
            }
        }
    }

    /// Jobs submitted and not yet started.
    pub fn queued(&self) -> usize {
        self.queued.load(Ordering::SeqCst)
    }

    /// How many worker threads verify.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// How many jobs may wait for a worker.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

fn work(receiver: &Mutex<Receiver<Job>>, queued: &AtomicUsize) {
    loop {
        let job = {
            let receiver = receiver.lock().unwrap_or_else(|e| e.into_inner());
            receiver.recv()
        };
        let Ok(job) = job else { return };
        queued.fetch_sub(1, Ordering::SeqCst);
        job();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;

    #[test]
    fn a_full_queue_refuses_then_accepts_again() {
        let pool = Pool::new(1, 1).unwrap();
        let (release, wait) = channel::<()>();
        let wait = Mutex::new(wait);
        let (started, is_started) = channel::<()>();
        // One job occupies the worker, one waits in the queue, the third is refused.
        let first = pool
            .try_run(move || {
                started.send(()).unwrap();
                wait.lock().unwrap().recv().unwrap();
                1
            })
            .ok()
            .unwrap();
        is_started.recv().unwrap();
        let second = pool.try_run(|| 2).ok().unwrap();
        assert!(pool.try_run(|| 3).is_err());
        assert_eq!(pool.queued(), 1);
        release.send(()).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert_eq!(runtime.block_on(first).unwrap(), 1);
        assert_eq!(runtime.block_on(second).unwrap(), 2);
        let fourth = pool.try_run(|| 4).ok().unwrap();
        assert_eq!(runtime.block_on(fourth).unwrap(), 4);
    }

    #[test]
    fn a_panicking_job_is_reported_and_the_worker_survives() {
        let pool = Pool::new(1, 4).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let crashed = pool.try_run(|| panic!("bug")).ok().unwrap();
        assert!(runtime.block_on(crashed).is_err());
        let next = pool.try_run(|| 5).ok().unwrap();
        assert_eq!(runtime.block_on(next).unwrap(), 5);
    }
}
