#![no_main]
//! `cargo fuzz run edits`: see `fuzz/src/edits.rs` for what is checked.

libfuzzer_sys::fuzz_target!(|data: &[u8]| pipelens_fuzz::edits::check(data));
