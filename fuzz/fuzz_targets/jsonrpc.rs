#![no_main]
//! `cargo fuzz run jsonrpc`: see `fuzz/src/jsonrpc.rs` for what is checked.

libfuzzer_sys::fuzz_target!(|data: &[u8]| pipelens_fuzz::jsonrpc::check(data));
