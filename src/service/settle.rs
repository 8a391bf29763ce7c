//! Which inbox files are complete, and handing each one out exactly once.
//!
//! Every name the scanner or the watcher reports lands here. A file renamed into the
//! inbox is complete at once (that is the sender's contract); any other file must keep the
//! same size and modification time for the settle time, measured between two looks at it.
//! A file the watcher saw being written in place must also have been closed by its writer
//! (inotify's `IN_CLOSE_WRITE`), so a sender that pauses longer than the settle time in
//! the middle of a file is waited for instead of cut short; if that close is never seen
//! (a lost event), an unchanged file is taken after [`WRITER_WAIT`].
//! While a file is waiting, queued or being cleaned, further reports of it change nothing,
//! which is what makes "seen twice, processed once" hold.
//!
//! The tracker is plain data with the clock passed in, so its rules are unit-tested
//! without sleeping; it also has a capacity, so a burst of 100,000 files costs at most
//! `capacity` entries here while the rest wait in the inbox for a later rescan.

use super::discover::Stamp;
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a file seen open for writing, and unchanged, waits for its writer's close
/// before it is taken anyway (the close event may have been lost).
pub const WRITER_WAIT: Duration = Duration::from_secs(600);

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    /// Waiting to be looked at again at `due`; `stamp` is what it looked like before, since
    /// `still_since`. `writing`: a writer has it open (seen written, not yet closed).
    Settling {
        stamp: Stamp,
        due: Instant,
        writing: bool,
        still_since: Instant,
    },
    /// Complete, waiting for a worker.
    Ready,
    /// A worker has it; `touched` if the name was reported again meanwhile (a new file may
    /// have been dropped under the same name).
    Busy { touched: bool },
}

/// The files the service knows about and what each is waiting for.
#[derive(Debug)]
pub struct Tracker {
    settle: Duration,
    capacity: usize,
    files: HashMap<PathBuf, State>,
    /// Settling files in due order (entries that are no longer due there are skipped).
    due: VecDeque<(Instant, PathBuf)>,
    ready: VecDeque<PathBuf>,
    /// Something was not taken in for lack of room: rescan once there is room again.
    overflowed: bool,
}

/// How many files are in each state, for the status file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub settling: usize,
    pub ready: usize,
    pub busy: usize,
}

impl Tracker {
    pub fn new(settle: Duration, capacity: usize) -> Tracker {
        Tracker {
            settle,
            capacity: capacity.max(1),
            files: HashMap::new(),
            due: VecDeque::new(),
            ready: VecDeque::new(),
            overflowed: false,
        }
    }

    /// Whether the tracker already has this name in hand.
    pub fn knows(&self, path: &Path) -> bool {
        self.files.contains_key(path)
    }

    /// Room for this many more files.
    pub fn room(&self) -> usize {
        self.capacity.saturating_sub(self.files.len())
    }

    /// True once after files were turned away for lack of room and room has come back.
    pub fn take_overflow(&mut self) -> bool {
        if self.overflowed && self.files.len() <= self.capacity / 2 {
            self.overflowed = false;
            return true;
        }
        false
    }

    /// Notes that some files could not be taken in (the caller saw more than `room`).
    pub fn mark_overflow(&mut self) {
        self.overflowed = true;
    }

    /// A file was seen with this stamp (in a scan, or after an event). Starts its settle
    /// time if it is new.
    pub fn seen(&mut self, path: PathBuf, stamp: Stamp, now: Instant) {
        self.seen_with_delay(path, stamp, now, self.settle);
    }

    /// Like [`Tracker::seen`] but waiting `delay` instead of the settle time (retries).
    pub fn seen_with_delay(&mut self, path: PathBuf, stamp: Stamp, now: Instant, delay: Duration) {
        if self.files.contains_key(&path) {
            return;
        }
        if self.files.len() >= self.capacity {
            self.overflowed = true;
        } else {
            self.settle_from(path, stamp, now, delay);
        }
    }

    /// The watcher reported something about this name.
    pub fn touched(&mut self, path: &Path) {
        if let Some(State::Busy { touched }) = self.files.get_mut(path) {
            *touched = true;
        }
    }

    /// The watcher saw this name created or written in place: its writer has it open.
    pub fn writing(&mut self, path: &Path) {
        match self.files.get_mut(path) {
            Some(State::Settling { writing, .. }) => *writing = true,
            Some(State::Busy { touched }) => *touched = true,
            _ => {}
        }
    }

    /// The watcher saw the writer of this name close it.
    pub fn closed(&mut self, path: &Path) {
        match self.files.get_mut(path) {
            Some(State::Settling { writing, .. }) => *writing = false,
            Some(State::Busy { touched }) => *touched = true,
            _ => {}
        }
    }

    /// The file was renamed into the inbox: it is complete now. A file already queued or
    /// in flight is left alone (a rename over a file in flight is caught by the worker).
    pub fn renamed_in(&mut self, path: PathBuf) {
        match self.files.get(&path) {
            Some(State::Settling { .. }) => {
                self.files.insert(path.clone(), State::Ready);
                self.ready.push_back(path);
            }
            Some(State::Ready) => {}
            Some(State::Busy { .. }) => self.touched(&path),
            None if self.files.len() >= self.capacity => self.overflowed = true,
            None => {
                self.files.insert(path.clone(), State::Ready);
                self.ready.push_back(path);
            }
        }
    }

    /// The settling files whose settle time is over, to be looked at again.
    pub fn due(&mut self, now: Instant) -> Vec<PathBuf> {
        let mut out = Vec::new();
        while let Some((at, _)) = self.due.front() {
            if *at > now {
                break;
            }
            let (at, path) = self.due.pop_front().expect("front exists");
            if matches!(self.files.get(&path), Some(State::Settling { due, .. }) if *due == at) {
                out.push(path);
            }
        }
        out
    }

    /// The result of looking again at a due file: still the same means complete; changed
    /// means wait again; gone (or no longer a file) means forget it.
    pub fn recheck(&mut self, path: PathBuf, now_stamp: Option<Stamp>, now: Instant) {
        let Some(State::Settling {
            stamp,
            writing,
            still_since,
            ..
        }) = self.files.get(&path).copied()
        else {
            return;
        };
        match now_stamp {
            None => {
                self.files.remove(&path);
            }
            Some(s) if s == stamp && (!writing || now >= still_since + WRITER_WAIT) => {
                self.files.insert(path.clone(), State::Ready);
                self.ready.push_back(path);
            }
            // Unchanged but still open for writing: wait for the close.
            Some(s) if s == stamp => self.settle_as(path, s, now, self.settle, true, still_since),
            Some(s) => self.settle_as(path, s, now, self.settle, writing, now),
        }
    }

    /// The next complete file for a worker; it is in flight from now on.
    pub fn take_ready(&mut self) -> Option<PathBuf> {
        while let Some(path) = self.ready.pop_front() {
            if let Some(state @ State::Ready) = self.files.get_mut(&path) {
                *state = State::Busy { touched: false };
                return Some(path);
            }
        }
        None
    }

    /// A file back from a worker that must be cleaned again later (outbox unwritable):
    /// it goes to the front of the line.
    pub fn requeue(&mut self, path: PathBuf) {
        if let Some(state) = self.files.get_mut(&path) {
            *state = State::Ready;
            self.ready.push_front(path);
        }
    }

    /// A worker is done with this file. Returns true if the name was reported again while
    /// it was in flight, so the caller should look whether a new file is there.
    pub fn finish(&mut self, path: &Path) -> bool {
        matches!(self.files.remove(path), Some(State::Busy { touched: true }))
    }

    /// How many files wait in each state.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for s in self.files.values() {
            match s {
                State::Settling { .. } => c.settling += 1,
                State::Ready => c.ready += 1,
                State::Busy { .. } => c.busy += 1,
            }
        }
        c
    }

    /// When the next settling file is due, if any.
    pub fn next_due(&self) -> Option<Instant> {
        self.due.front().map(|(at, _)| *at)
    }

    fn settle_from(&mut self, path: PathBuf, stamp: Stamp, now: Instant, delay: Duration) {
        self.settle_as(path, stamp, now, delay, false, now);
    }

    fn settle_as(
        &mut self,
        path: PathBuf,
        stamp: Stamp,
        now: Instant,
        delay: Duration,
        writing: bool,
        still_since: Instant,
    ) {
        let due = now + delay;
        self.files.insert(
            path.clone(),
            State::Settling {
                stamp,
                due,
                writing,
                still_since,
            },
        );
        // Keep `due` sorted: delays differ (retries), so insert in place from the back.
        let at = self.due.partition_point(|(t, _)| *t <= due);
        self.due.insert(at, (due, path));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETTLE: Duration = Duration::from_millis(1000);

    fn stamp(size: u64) -> Stamp {
        Stamp {
            size,
            modified: None,
        }
    }

    #[test]
    fn a_file_is_ready_after_holding_still_for_the_settle_time() {
        let t0 = Instant::now();
        let mut t = Tracker::new(SETTLE, 100);
        let p = PathBuf::from("/in/a.txt");
        t.seen(p.clone(), stamp(10), t0);
        assert!(t.due(t0 + Duration::from_millis(999)).is_empty());
        assert_eq!(t.take_ready(), None);
        let due = t.due(t0 + SETTLE);
        assert_eq!(due, vec![p.clone()]);
        // It grew meanwhile: wait again from now.
        t.recheck(p.clone(), Some(stamp(20)), t0 + SETTLE);
        assert_eq!(t.take_ready(), None);
        assert!(t.due(t0 + SETTLE + Duration::from_millis(500)).is_empty());
        let due = t.due(t0 + SETTLE * 2);
        assert_eq!(due, vec![p.clone()]);
        t.recheck(p.clone(), Some(stamp(20)), t0 + SETTLE * 2);
        assert_eq!(t.take_ready(), Some(p.clone()));
        assert_eq!(t.take_ready(), None);
    }

    #[test]
    fn seen_twice_is_handed_out_once() {
        let t0 = Instant::now();
        let mut t = Tracker::new(SETTLE, 100);
        let p = PathBuf::from("/in/a.txt");
        t.renamed_in(p.clone());
        t.renamed_in(p.clone());
        t.seen(p.clone(), stamp(1), t0);
        assert_eq!(t.take_ready(), Some(p.clone()));
        // Reports while it is in flight change nothing...
        t.seen(p.clone(), stamp(1), t0);
        t.renamed_in(p.clone());
        assert!(t.due(t0 + SETTLE * 10).is_empty());
        assert_eq!(t.take_ready(), None);
        assert_eq!(t.counts().busy, 1);
        // ...but are remembered, so a new file under the same name is looked at.
        assert!(t.finish(&p));
        assert!(!t.knows(&p));
    }

    #[test]
    fn renamed_in_skips_the_settle_time_and_gone_files_are_forgotten() {
        let t0 = Instant::now();
        let mut t = Tracker::new(SETTLE, 100);
        let a = PathBuf::from("/in/a.txt");
        let b = PathBuf::from("/in/b.txt");
        t.seen(a.clone(), stamp(1), t0);
        t.seen(b.clone(), stamp(1), t0);
        t.renamed_in(b.clone());
        assert_eq!(t.take_ready(), Some(b.clone()));
        assert_eq!(t.due(t0 + SETTLE), vec![a.clone()]);
        t.recheck(a.clone(), None, t0 + SETTLE);
        assert!(!t.knows(&a));
        assert!(!t.finish(&b));
        assert_eq!(t.counts(), Counts::default());
    }

    #[test]
    fn capacity_turns_files_away_and_asks_for_a_rescan_later() {
        let t0 = Instant::now();
        let mut t = Tracker::new(SETTLE, 2);
        for name in ["a", "b", "c"] {
            t.renamed_in(PathBuf::from(name));
        }
        assert_eq!(t.counts().ready, 2);
        assert_eq!(t.room(), 0);
        assert!(!t.take_overflow(), "no room yet");
        let first = t.take_ready().unwrap();
        t.finish(&first);
        assert!(t.take_overflow());
        assert!(!t.take_overflow(), "only once");
        t.seen(PathBuf::from("d"), stamp(1), t0);
        assert_eq!(t.room(), 0);
    }

    #[test]
    fn requeued_files_go_first_and_retries_wait_their_delay() {
        let t0 = Instant::now();
        let mut t = Tracker::new(SETTLE, 10);
        t.renamed_in(PathBuf::from("a"));
        t.renamed_in(PathBuf::from("b"));
        let a = t.take_ready().unwrap();
        t.requeue(a.clone());
        assert_eq!(t.take_ready(), Some(a.clone()));
        t.finish(&a);
        t.seen_with_delay(a.clone(), stamp(1), t0, Duration::from_secs(5));
        t.seen(PathBuf::from("c"), stamp(1), t0);
        assert_eq!(t.due(t0 + SETTLE), vec![PathBuf::from("c")]);
        assert_eq!(t.next_due(), Some(t0 + Duration::from_secs(5)));
    }

    /// A sender writing in place that pauses longer than the settle time is waited for
    /// until it closes the file; the size and time alone would call it complete.
    #[test]
    fn a_file_open_for_writing_waits_for_its_close() {
        let t0 = Instant::now();
        let mut t = Tracker::new(SETTLE, 10);
        let p = PathBuf::from("/in/a.txt");
        t.seen(p.clone(), stamp(10), t0);
        t.writing(&p);
        // The writer pauses: nothing changes for two settle times, but it is still open.
        for k in 1..=2 {
            for due in t.due(t0 + SETTLE * k) {
                t.recheck(due, Some(stamp(10)), t0 + SETTLE * k);
            }
            assert_eq!(t.take_ready(), None, "taken while still open");
        }
        t.closed(&p);
        for due in t.due(t0 + SETTLE * 3) {
            t.recheck(due, Some(stamp(10)), t0 + SETTLE * 3);
        }
        assert_eq!(t.take_ready(), Some(p.clone()));

        // A close that is never seen: taken once unchanged for WRITER_WAIT.
        let q = PathBuf::from("/in/b.txt");
        t.seen(q.clone(), stamp(1), t0);
        t.writing(&q);
        let late = t0 + WRITER_WAIT + SETTLE;
        for due in t.due(t0 + SETTLE) {
            t.recheck(due, Some(stamp(1)), t0 + SETTLE);
        }
        for due in t.due(late) {
            t.recheck(due, Some(stamp(1)), late);
        }
        assert_eq!(t.take_ready(), Some(q));
    }
}
