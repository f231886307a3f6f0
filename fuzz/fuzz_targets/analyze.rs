#![no_main]
//! `cargo fuzz run analyze`: see `fuzz/src/analyze.rs` for what is checked.

libfuzzer_sys::fuzz_target!(|data: &[u8]| pipelens_fuzz::analyze::check(data));
