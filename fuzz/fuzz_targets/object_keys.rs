//! Fuzz target: see `atlas_integrations_fuzz::object_keys`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| atlas_integrations_fuzz::object_keys(data));
