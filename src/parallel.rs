//! Work on several threads, results in input order, and a time budget per item.
//!
//! `clean --jobs` and `batch` both read a stream of dumps, clean each on one of `jobs`
//! threads, and must hand the results back in the order the dumps came: output files,
//! stdout lines and error messages are then the same whatever the thread count, and a
//! `batch` caller can match output line N to input line N. [`ordered_map`] does that with
//! a bounded window of items in flight, so memory stays flat however long the input is.
//!
//! One pathological page must not stall the rest. A thread cannot be stopped from outside,
//! so an item over its time budget is given up instead: its result is reported as
//! [`Done::OverTime`] at once, a fresh thread takes its place, and the stuck thread exits
//! (its late result thrown away) when it finally returns. Threads are plain OS threads
//! rather than a rayon pool for this reason: a pool cannot grow a thread to replace one
//! that is stuck.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// How one item ended.
#[derive(Debug)]
pub enum Done<R> {
    /// The work returned.
    Finished(R),
    /// The work was still running when its time budget ran out; it was given up.
    OverTime(Duration),
    /// The work panicked (a bug); the message of the panic.
    Panicked(String),
}

/// How [`ordered_map`] runs.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Threads doing the work (at least one).
    pub jobs: usize,
    /// Give up an item that runs longer than this; `None`: wait however long it takes.
    pub time_budget: Option<Duration>,
}

impl Settings {
    /// Items read ahead of the oldest unfinished one: enough to keep every thread busy
    /// while one item is slow, few enough that memory does not grow with the input.
    fn window(&self) -> usize {
        self.jobs.max(1) * 8
    }

    /// Stuck threads beyond this are not replaced: a flood of pathological items then
    /// slows the run down instead of starting threads without end.
    fn max_threads(&self) -> usize {
        self.jobs.max(1) * 4
    }
}

/// The number of cores, for a `--jobs` default.
pub fn available_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs `work` on every item of `items` on `settings.jobs` threads and hands each result
/// to `sink` in the order of `items`, with the item's key (which names the item in
/// messages, and stays on the calling thread). Items are pulled from `items` on the calling
/// thread as room frees up (at most a few per thread in flight). `sink` returning `false`
/// stops the run early (e.g. the reader of the output went away).
///
/// Threads still busy with items given up for time are left to finish on their own: the
/// call returns without waiting for them.
pub fn ordered_map<K, T, R>(
    items: impl Iterator<Item = (K, T)>,
    settings: Settings,
    work: impl Fn(T) -> R + Send + Sync + 'static,
    mut sink: impl FnMut(K, Done<R>) -> bool,
) where
    T: Send + 'static,
    R: Send + 'static,
{
    let shared = Arc::new(Shared {
        work: Box::new(work),
        queue: Mutex::new(Queue::default()),
        wake: Condvar::new(),
        started: Mutex::new(HashMap::new()),
        given_up: Mutex::new(HashSet::new()),
    });
    let (results_tx, results) = mpsc::channel();
    // Live worker threads, including stuck ones.
    let mut threads = 0;
    for _ in 0..settings.jobs.max(1) {
        spawn_worker(&shared, &results_tx);
        threads += 1;
    }
    let mut items = items.fuse();
    let mut next_in = 0u64;
    let mut next_out = 0u64;
    let mut ready: BTreeMap<u64, Done<R>> = BTreeMap::new();
    // The keys of the items from `next_out` on.
    let mut keys: VecDeque<K> = VecDeque::new();
    let mut exhausted = false;
    loop {
        // Fill the window.
        while !exhausted && next_in - next_out < settings.window() as u64 {
            match items.next() {
                Some((key, item)) => {
                    keys.push_back(key);
                    shared
                        .queue
                        .lock()
                        .unwrap()
                        .items
                        .push_back((next_in, item));
                    shared.wake.notify_one();
                    next_in += 1;
                }
                None => exhausted = true,
            }
        }
        // Hand over what is ready, in order.
        while let Some(done) = ready.remove(&next_out) {
            next_out += 1;
            let key = keys.pop_front().expect("one key per item in flight");
            if !sink(key, done) {
                shared.stop();
                return;
            }
        }
        if next_out == next_in {
            if exhausted {
                shared.stop();
                return;
            }
            // Nothing in flight: every result came in before the one the window waited
            // on, and all were handed over at once. Refill first, or the wait below would
            // be for a result no thread is working on.
            continue;
        }
        let received = match settings.time_budget {
            None => results.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(budget) => results.recv_timeout(poll_interval(budget)),
        };
        match received {
            Ok((seq, done)) => {
                if shared.given_up.lock().unwrap().remove(&seq) {
                    // A late result: its thread has exited.
                    threads -= 1;
                } else {
                    ready.insert(seq, done);
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            // Every worker holds a sender, and so do we: this cannot happen.
            Err(RecvTimeoutError::Disconnected) => unreachable!("the results channel closed"),
        }
        if let Some(budget) = settings.time_budget {
            for (seq, ran) in shared.over_time(budget) {
                ready.insert(seq, Done::OverTime(ran));
            }
        }
        // A stuck thread is not working for the run: another takes its place, up to the
        // cap; one that came back has exited, and frees a place under the cap.
        let stuck = shared.given_up.lock().unwrap().len();
        while threads - stuck < settings.jobs.max(1) && threads < settings.max_threads() {
            spawn_worker(&shared, &results_tx);
            threads += 1;
        }
    }
}

/// How often the time budgets are checked: often enough that an item is given up soon
/// after its budget, rarely enough to cost nothing.
fn poll_interval(budget: Duration) -> Duration {
    (budget / 4).clamp(Duration::from_millis(5), Duration::from_millis(250))
}

type Work<T, R> = Box<dyn Fn(T) -> R + Send + Sync>;

/// What the calling thread and the workers share.
struct Shared<T, R> {
    work: Work<T, R>,
    queue: Mutex<Queue<T>>,
    /// Signalled when an item is queued or the run is over.
    wake: Condvar,
    /// When each running item started.
    started: Mutex<HashMap<u64, Instant>>,
    /// Items given up for time whose thread has not returned yet.
    given_up: Mutex<HashSet<u64>>,
}

/// Items waiting for a thread.
struct Queue<T> {
    items: VecDeque<(u64, T)>,
    /// The run is over: idle workers exit.
    stopped: bool,
}

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Queue {
            items: VecDeque::new(),
            stopped: false,
        }
    }
}

impl<T, R> Shared<T, R> {
    /// Running items over `budget`, now given up: (item, how long it ran).
    fn over_time(&self, budget: Duration) -> Vec<(u64, Duration)> {
        let started = self.started.lock().unwrap();
        let mut given_up = self.given_up.lock().unwrap();
        let now = Instant::now();
        let mut over: Vec<(u64, Duration)> = started
            .iter()
            .filter(|(seq, _)| !given_up.contains(seq))
            .map(|(&seq, &at)| (seq, now - at))
            .filter(|&(_, ran)| ran > budget)
            .collect();
        over.sort_unstable_by_key(|&(seq, _)| seq);
        given_up.extend(over.iter().map(|&(seq, _)| seq));
        over
    }

    /// Tells every worker to exit once its current item (if any) is done.
    fn stop(&self) {
        let mut queue = self.queue.lock().unwrap();
        queue.items.clear();
        queue.stopped = true;
        self.wake.notify_all();
    }
}

fn spawn_worker<T, R>(shared: &Arc<Shared<T, R>>, results: &Sender<(u64, Done<R>)>)
where
    T: Send + 'static,
    R: Send + 'static,
{
    let shared = Arc::clone(shared);
    let results = results.clone();
    std::thread::Builder::new()
        .name("copydesk-work".into())
        .spawn(move || worker(&shared, &results))
        .expect("a worker thread starts");
}

fn worker<T, R>(shared: &Shared<T, R>, results: &Sender<(u64, Done<R>)>) {
    loop {
        let (seq, item) = {
            let mut queue = shared.queue.lock().unwrap();
            loop {
                if let Some(next) = queue.items.pop_front() {
                    break next;
                }
                if queue.stopped {
                    return;
                }
                queue = shared.wake.wait(queue).unwrap();
            }
        };
        shared.started.lock().unwrap().insert(seq, Instant::now());
        let done = match crate::panics::catch(|| (shared.work)(item)) {
            Ok(r) => Done::Finished(r),
            Err(message) => Done::Panicked(message),
        };
        shared.started.lock().unwrap().remove(&seq);
        let given_up = shared.given_up.lock().unwrap().contains(&seq);
        if results.send((seq, done)).is_err() || given_up {
            // Given up: a fresh thread already took this one's place.
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run<R: Send + 'static>(
        n: u64,
        settings: Settings,
        work: impl Fn(u64) -> R + Send + Sync + 'static,
    ) -> Vec<Done<R>> {
        let mut out = Vec::new();
        ordered_map((0..n).map(|i| (i, i)), settings, work, |key, d| {
            assert_eq!(key, out.len() as u64, "keys come with their results");
            out.push(d);
            true
        });
        out
    }

    fn jobs(jobs: usize) -> Settings {
        Settings {
            jobs,
            time_budget: None,
        }
    }

    #[test]
    fn results_come_in_input_order_whatever_finishes_first() {
        // Early items take longest, so they finish last.
        let out = run(40, jobs(4), |i| {
            std::thread::sleep(Duration::from_millis((40 - i) / 8));
            i * 10
        });
        let got: Vec<u64> = out
            .into_iter()
            .map(|d| match d {
                Done::Finished(r) => r,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(got, (0..40).map(|i| i * 10).collect::<Vec<_>>());
    }

    /// Runs `f` on a thread of its own and fails the test if it has not returned within
    /// `limit`, so a hang shows as a failure instead of a test run that never ends.
    fn within<R: Send + 'static>(limit: Duration, f: impl FnOnce() -> R + Send + 'static) -> R {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || tx.send(f()));
        rx.recv_timeout(limit).expect("ordered_map hung")
    }

    #[test]
    fn a_window_whose_first_item_finishes_last_is_refilled() {
        // Item 0 of each window is the slowest: every other result of the window is in
        // before it, so all of them are handed over at once and nothing is left in
        // flight. The run must pull the next items rather than wait for a result no
        // thread is working on.
        let settings = jobs(2);
        let window = settings.window() as u64;
        let out = within(Duration::from_secs(30), move || {
            run(window * 3, settings, move |i| {
                if i % window == 0 {
                    std::thread::sleep(Duration::from_millis(100));
                }
                i
            })
        });
        assert_eq!(out.len() as u64, window * 3);
    }

    #[test]
    fn stuck_threads_that_return_are_replaced_however_many_items_run_over() {
        // Every item runs over its budget, more items than the cap on threads: each
        // given-up thread exits when its item returns, and the run goes on with fresh ones.
        let settings = Settings {
            jobs: 1,
            time_budget: Some(Duration::from_millis(10)),
        };
        let n = settings.max_threads() as u64 * 3;
        let out = within(Duration::from_secs(30), move || {
            run(n, settings, |i| {
                std::thread::sleep(Duration::from_millis(40));
                i
            })
        });
        assert_eq!(out.len() as u64, n);
        assert!(
            out.iter().all(|d| matches!(d, Done::OverTime(_))),
            "{out:?}"
        );
    }

    #[test]
    fn a_panic_costs_its_item_only() {
        let out = run(5, jobs(2), |i| {
            assert_ne!(i, 2, "item two is broken");
            i
        });
        assert_eq!(out.len(), 5);
        assert!(matches!(&out[2], Done::Panicked(m) if m.contains("item two is broken")));
        assert!(matches!(out[3], Done::Finished(3)));
    }

    #[test]
    fn an_item_over_budget_is_given_up_and_the_rest_go_on() {
        let release = Arc::new(Mutex::new(()));
        let held = release.lock().unwrap();
        let gate = Arc::clone(&release);
        let settings = Settings {
            jobs: 1,
            time_budget: Some(Duration::from_millis(50)),
        };
        // Item 1 blocks until the test ends: with one thread, the items after it are only
        // done if a fresh thread replaces the stuck one.
        let out = run(4, settings, move |i| {
            if i == 1 {
                drop(gate.lock());
            }
            i
        });
        drop(held);
        assert_eq!(out.len(), 4);
        assert!(matches!(out[0], Done::Finished(0)));
        assert!(matches!(out[1], Done::OverTime(ran) if ran >= Duration::from_millis(50)));
        assert!(matches!(out[2], Done::Finished(2)));
        assert!(matches!(out[3], Done::Finished(3)));
    }

    #[test]
    fn the_sink_can_stop_the_run() {
        let mut seen = 0;
        ordered_map(
            (0..1_000_000u64).map(|i| (i, i)),
            jobs(2),
            |i| i,
            |_, _| {
                seen += 1;
                seen < 3
            },
        );
        assert_eq!(seen, 3);
    }
}
