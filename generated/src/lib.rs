//! Typed models for the MongoDB Atlas third-party service integrations API.
#![deny(missing_docs)]

pub mod runtime;

#[rustfmt::skip]
pub mod operations;
#[rustfmt::skip]
pub mod types;
