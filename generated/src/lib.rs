//! Typed models for the MongoDB Atlas third-party service integrations API.
#![deny(missing_docs)]

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
pub mod integrations;
pub mod runtime;

#[rustfmt::skip]
pub mod operations;
#[rustfmt::skip]
pub mod types;
