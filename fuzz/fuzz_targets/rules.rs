//! Arbitrary rule-file text through parsing and compiling, and, when it compiles, through
//! cleaning a small dump and a small page. See `copydesk::harness`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    copydesk::harness::check_rule_file(data);
});
