//! Containing panics at the edges where copydesk runs code on untrusted input.
//!
//! A panic is a bug, but one hostile dump or rule file must not turn it into a dead
//! service: the places that run a dependency over user input (parsing selectors, loading
//! rules, cleaning a dump) catch it here and turn it into an ordinary error that names the
//! input, so the input is refused or quarantined and everything else goes on.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `f`, turning a panic into `Err` with the panic's message.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| message(&*p))
}

/// The text a panic was raised with.
pub fn message(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}
