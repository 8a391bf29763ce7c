//! What a long `clean` or `batch` run tells the person watching it: a progress bar while
//! it runs (only on a terminal: a pipe or a log file gets none), and one summary line on
//! stderr at the end.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Instant;

/// The progress bar (or nothing), and the counts for the summary.
pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    pub tally: Tally,
}

/// What happened to the dumps of a run.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    /// Articles written.
    pub cleaned: usize,
    /// Dumps that could not be cleaned (or written).
    pub failed: usize,
    /// Of the cleaned, those only the generic rules applied to.
    pub generic: usize,
    /// Records of container files that hold no article (WARC request, metadata…).
    pub skipped: usize,
}

impl Progress {
    /// A bar over `total` items (`None`: unknown, a spinner), drawn only when stderr is a
    /// terminal and the user did not ask for quiet.
    pub fn new(total: Option<u64>, quiet: bool) -> Progress {
        let bar = if quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let bar = match total {
                Some(n) => ProgressBar::new(n).with_style(
                    ProgressStyle::with_template(
                        "{bar:40} {pos}/{len} dumps, {per_sec}, {eta} left",
                    )
                    .expect("the template is valid"),
                ),
                None => ProgressBar::new_spinner().with_style(
                    ProgressStyle::with_template("{spinner} {pos} dumps, {per_sec}")
                        .expect("the template is valid"),
                ),
            };
            bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(4));
            bar
        };
        Progress {
            bar,
            started: Instant::now(),
            tally: Tally::default(),
        }
    }

    /// Counts one dump as done.
    pub fn tick(&self) {
        self.bar.inc(1);
    }

    /// Prints a line on stderr without tearing the bar.
    pub fn say(&self, line: &str) {
        self.bar.suspend(|| eprintln!("{line}"));
    }

    /// Removes the bar and gives the summary line: cleaned, failed, generic, seconds,
    /// pages per second.
    pub fn finish(&self) -> String {
        self.bar.finish_and_clear();
        let seconds = self.started.elapsed().as_secs_f64();
        let t = self.tally;
        let rate = (t.cleaned + t.failed) as f64 / seconds.max(1e-9);
        let skipped = if t.skipped > 0 {
            format!(", skipped {}", t.skipped)
        } else {
            String::new()
        };
        format!(
            "copydesk: cleaned {}, failed {}, generic {}{skipped} in {seconds:.2} s ({rate:.1} pages/s)",
            t.cleaned, t.failed, t.generic
        )
    }
}
