//! Fuzz target: see `atlas_integrations_fuzz::parse_response`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| atlas_integrations_fuzz::parse_response(data));
