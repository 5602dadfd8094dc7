//! Attempt timeouts, kept by one watchdog thread shared by every client in the process.
//!
//! Why not `tokio::time::timeout`: a Tokio timer makes the runtime park with a timeout, so every
//! park arms a kernel timer and every wake processes the timer wheel, for a deadline that is
//! almost never reached (the default is 60 s). Measured on the overhead benchmark, that was ~3%
//! of a sequential call's latency on a current-thread runtime (BENCHMARKS.md). Here an attempt
//! registers its deadline and waker in a slab under a mutex (two uncontended lock/unlock pairs
//! per attempt) and the thread sleeps until the earliest deadline; it is notified only when a
//! new deadline is earlier than the one it sleeps until, which with one timeout for every call
//! is about once per timeout period.
//!
//! The deadlines are real time: `tokio::time::pause` does not move them.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

struct Slot {
    at: Instant,
    waker: Waker,
    /// Woken already (the attempt ends on its next poll and frees the slot).
    fired: bool,
}

#[derive(Default)]
struct State {
    slots: Vec<Option<Slot>>,
    free: Vec<usize>,
    /// When the thread wakes next; `None` while it waits to be notified.
    planned: Option<Instant>,
}

struct Watchdog {
    state: Mutex<State>,
    wake: Condvar,
}

/// The watchdog, its thread started on first use; `None` if no thread could be started (then
/// Tokio's timer is used).
fn watchdog() -> Option<&'static Watchdog> {
    static WATCHDOG: OnceLock<Option<&'static Watchdog>> = OnceLock::new();
    *WATCHDOG.get_or_init(|| {
        let watchdog: &'static Watchdog = Box::leak(Box::new(Watchdog {
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
        }));
        std::thread::Builder::new()
            .name("tern-timeouts".into())
            .spawn(move || watchdog.run())
            .ok()
            .map(|_| watchdog)
    })
}

impl Watchdog {
    fn lock(&self) -> MutexGuard<'_, State> {
        // No code that can panic runs under this lock; a poisoned state is still consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn run(&self) {
        let mut state = self.lock();
        loop {
            let now = Instant::now();
            let mut expired = Vec::new();
            let mut next: Option<Instant> = None;
            for slot in state.slots.iter_mut().flatten() {
                if slot.fired {
                    continue;
                }
                if slot.at <= now {
                    slot.fired = true;
                    expired.push(slot.waker.clone());
                } else {
                    next = Some(next.map_or(slot.at, |n| n.min(slot.at)));
                }
            }
            state.planned = next;
            if !expired.is_empty() {
                drop(state);
                expired.into_iter().for_each(Waker::wake);
                state = self.lock();
                continue;
            }
            state = match next {
                Some(at) => {
                    self.wake
                        .wait_timeout(state, at.saturating_duration_since(now))
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
                None => self
                    .wake
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner),
            };
        }
    }

    fn register(&self, at: Instant, waker: Waker) -> usize {
        let mut state = self.lock();
        let slot = Some(Slot {
            at,
            waker,
            fired: false,
        });
        let id = match state.free.pop() {
            Some(id) => {
                state.slots[id] = slot;
                id
            }
            None => {
                state.slots.push(slot);
                state.slots.len() - 1
            }
        };
        let earlier = state.planned.is_none_or(|planned| at < planned);
        if earlier {
            state.planned = Some(at);
        }
        drop(state);
        if earlier {
            self.wake.notify_one();
        }
        id
    }

    /// Keeps the slot's waker current (a future may be polled from another task).
    fn update(&self, id: usize, waker: &Waker) {
        if let Some(slot) = self.lock().slots.get_mut(id).and_then(Option::as_mut) {
            if !slot.waker.will_wake(waker) {
                slot.waker = waker.clone();
            }
        }
    }

    fn remove(&self, id: usize) {
        let mut state = self.lock();
        if let Some(slot) = state.slots.get_mut(id) {
            if slot.take().is_some() {
                state.free.push(id);
            }
        }
    }
}

/// `inner`, or `None` if it is not done by `at`.
pub(crate) fn timeout_at<F: Future + Unpin>(at: Instant, inner: F) -> Timeout<F> {
    Timeout {
        inner,
        at,
        slot: None,
        fallback: None,
    }
}

/// `start + d`; a duration too large for an `Instant` is no deadline in practice.
pub(crate) fn after(start: Instant, d: Duration) -> Instant {
    start
        .checked_add(d)
        .unwrap_or_else(|| start + Duration::from_secs(100 * 365 * 24 * 3600))
}

/// `inner`, or `None` if it is not done within `d`.
#[cfg(test)]
pub(crate) fn timeout<F: Future + Unpin>(d: Duration, inner: F) -> Timeout<F> {
    timeout_at(after(Instant::now(), d), inner)
}

/// See [`timeout`].
pub(crate) struct Timeout<F> {
    inner: F,
    at: Instant,
    slot: Option<usize>,
    fallback: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<F: Future + Unpin> Future for Timeout<F> {
    type Output = Option<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if let Poll::Ready(v) = Pin::new(&mut this.inner).poll(cx) {
            return Poll::Ready(Some(v));
        }
        match (this.slot, watchdog()) {
            // First poll: register, without reading the clock (a deadline already passed is
            // woken by the watchdog at once).
            (None, Some(w)) => this.slot = Some(w.register(this.at, cx.waker().clone())),
            (Some(id), Some(w)) => {
                if Instant::now() >= this.at {
                    return Poll::Ready(None);
                }
                w.update(id, cx.waker());
            }
            (_, None) => {
                let at = tokio::time::Instant::from_std(this.at);
                let sleep = this
                    .fallback
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(at)));
                if sleep.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(None);
                }
            }
        }
        Poll::Pending
    }
}

impl<F> Drop for Timeout<F> {
    fn drop(&mut self) {
        if let (Some(id), Some(w)) = (self.slot.take(), watchdog()) {
            w.remove(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A future that never completes.
    struct Never;
    impl Future for Never {
        type Output = ();
        fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
            Poll::Pending
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_deadlines_fire_in_order_and_on_time() {
        let start = Instant::now();
        // 200 concurrent timeouts of 10..=209 ms, registered out of order.
        let tasks: Vec<_> = (0..200u64)
            .map(|i| (i * 37) % 200)
            .map(|i| {
                tokio::spawn(async move {
                    let d = Duration::from_millis(10 + i);
                    let timed_out = timeout(d, Never).await.is_none();
                    (d, start.elapsed(), timed_out)
                })
            })
            .collect();
        for task in tasks {
            let (d, elapsed, timed_out) = task.await.expect("the task runs");
            assert!(timed_out);
            assert!(elapsed >= d, "{elapsed:?} < {d:?}");
            assert!(
                elapsed < d + Duration::from_millis(200),
                "{elapsed:?} ≫ {d:?}"
            );
        }
    }

    #[tokio::test]
    async fn finished_and_dropped_attempts_free_their_slots() {
        let w = watchdog().expect("the watchdog starts");
        for _ in 0..100 {
            let done = timeout(Duration::from_secs(60), Box::pin(async { 7 })).await;
            assert_eq!(done, Some(7));
            let mut pending = timeout(Duration::from_secs(60), Never);
            assert!(Pin::new(&mut pending)
                .poll(&mut Context::from_waker(Waker::noop()))
                .is_pending());
            drop(pending);
        }
        // Other tests share the watchdog: only this test's slots are known to be free.
        let state = w.lock();
        let used = state.slots.iter().filter(|s| s.is_some()).count();
        assert!(used < 100, "{used} slots still held");
        assert_eq!(state.slots.len() - used, state.free.len());
    }

    #[tokio::test]
    async fn a_ready_future_is_never_timed_out() {
        assert_eq!(
            timeout(Duration::ZERO, Box::pin(async { 1 })).await,
            Some(1)
        );
        assert_eq!(timeout(Duration::ZERO, Never).await, None);
    }
}
