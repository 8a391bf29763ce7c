//! The threads the pipeline's work runs on: one pool for cleaning, one for writing.
//!
//! The two kinds of work are limited by different things (a core for cleaning, the disk
//! for writing), so each has its own threads, as many as it may use at once: `workers`
//! for cleaning, `writers` for writing. The async runtime keeps its own small pool for the
//! group commit and its short blocking sections.
//!
//! Keeping the cleaning on its own few threads also bounds memory. The allocator gives
//! threads that allocate at the same time their own arenas, and cleaning allocates far
//! more than anything else; spread over every thread of one shared pool, it left garbage
//! in an arena per thread (a 30,000-file burst peaked at 96 MB, against 64 MB with the
//! cleaning confined to two threads).

use std::time::Duration;
use tokio::runtime::{Builder, Handle, Runtime};

/// The cleaning and writing pools. Their threads start on demand and stop when idle.
pub struct Pools {
    cleaning: Runtime,
    writing: Runtime,
}

impl Pools {
    pub fn new(workers: usize, writers: usize) -> std::io::Result<Pools> {
        // A runtime used only for `spawn_blocking` is a thread pool: nothing drives its
        // scheduler, and its blocking threads do not need it.
        let pool = |threads: usize, name: &str| {
            Builder::new_current_thread()
                .max_blocking_threads(threads.max(1))
                .thread_name(name)
                .build()
        };
        Ok(Pools {
            cleaning: pool(workers, "copydesk-clean")?,
            writing: pool(writers, "copydesk-write")?,
        })
    }

    /// Where cleaning runs.
    pub fn cleaning(&self) -> Handle {
        self.cleaning.handle().clone()
    }

    /// Where writing runs.
    pub fn writing(&self) -> Handle {
        self.writing.handle().clone()
    }

    /// Stops both pools, abandoning work still running (its dumps are still in the inbox).
    pub fn shutdown(self) {
        self.cleaning.shutdown_timeout(Duration::from_millis(100));
        self.writing.shutdown_timeout(Duration::from_millis(100));
    }
}
