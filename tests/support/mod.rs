//! Helpers shared by the integration tests. Each test crate uses a part of
//! them, so the rest is dead code from that crate's point of view.
#![allow(dead_code)]

pub mod azure_spec;
