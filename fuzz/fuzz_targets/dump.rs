//! Dump bytes through the whole engine with the repository's rules; the first byte picks
//! the file name, so every format is reached. See `copydesk::harness`.
#![no_main]

use copydesk::{Engine, RuleSet};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let rules = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules");
        Engine::new(RuleSet::load(&rules).expect("the repository's rules load"))
    })
}

fuzz_target!(|data: &[u8]| {
    copydesk::harness::check_dump(engine(), data);
});
