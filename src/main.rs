//! The `copydesk` command. Thin on purpose: parse flags, set up logging, hand off to a
//! command module; the work lives in the library.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
