//! The rule author's workflow: fixtures with reviewed snapshots, the test runner, `explain`
//! and `new-rule`.
//!
//! Sites change their layouts, and a rule that silently stops matching lets boilerplate
//! back into every article. This module is what keeps rules honest: each site keeps sample
//! dumps (`fixtures`) with their expected output beside them (`snapshot`), the runner
//! (`runner`) cleans every dump and compares, checks the rule file's own assertions and
//! reports rules that matched nothing. `explain` shows why a dump came out the way it did,
//! and `scaffold` starts a new site from a few dumps, proposing rules for the boilerplate
//! they share (`boilerplate`).
//!
//! The CLI subcommands are thin wrappers over these modules, so tests (and CI, through
//! `cargo test`) drive exactly the same code.

pub mod boilerplate;
pub mod diff;
pub mod explain;
pub mod fixtures;
pub mod proposals;
pub mod report_html;
pub mod runner;
pub mod scaffold;
pub mod snapshot;
pub mod style;
